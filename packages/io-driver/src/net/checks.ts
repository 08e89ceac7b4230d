import { InvalidArgumentError, ArgumentRangeError } from '../errors.js';
/** A short description of any value for error messages. @internal */
export function show(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'object') return (value.constructor as { name?: string } | undefined)?.name ?? 'object';
  if (typeof value === 'function') return 'a function';
  if (typeof value === 'symbol') return value.toString();
  if (typeof value === 'string') return `the string ${JSON.stringify(value)}`;
  return `${value as string | number | boolean | bigint | undefined}`;
}

/** Largest length a single read may ask for (1 GiB). */
export const MAX_LENGTH = 2 ** 30;

/**
 * A `TypeError` at the call unless `bytes` is a `Uint8Array` (a `Buffer` is one).
 *
 * @internal
 */
export function checkBytes(what: string, bytes: unknown): asserts bytes is Uint8Array {
  if (!(bytes instanceof Uint8Array)) {
    const got = bytes === null ? 'null' : typeof bytes === 'object' ? show(bytes) : typeof bytes;
    throw new InvalidArgumentError(`${what}: expected the bytes as a Uint8Array (or Buffer), got ${got}. Encode strings with new TextEncoder().encode(text).`);
  }
}

/**
 * A `RangeError` at the call unless `value` is an integer from `min` to {@link MAX_LENGTH}.
 *
 * @internal
 */
export function checkLength(what: string, name: string, value: unknown, min: number): asserts value is number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > MAX_LENGTH) {
    throw new ArgumentRangeError(`${what}: ${name} must be an integer from ${min} to ${MAX_LENGTH}, got ${show(value)}`);
  }
}

/**
 * An `InvalidArgumentError` unless `driver` is an io driver: resources are made by their
 * factories (`TcpStream.connect`, `listener.accept()`, `TcpListener.bind`, `UdpSocket.bind`,
 * `fs.open`), not with `new`.
 *
 * @internal
 */
export function checkConstructed(what: string, how: string, driver: unknown): void {
  if (typeof driver !== 'object' || driver === null || (driver as { name?: unknown }).name !== 'io' || !('partBytes' in driver)) {
    throw new InvalidArgumentError(`new ${what}() does not open anything: use ${how}.`);
  }
}
