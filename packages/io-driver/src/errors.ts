import { TideError } from '@tide/core';
import type { ErrorWire } from './reactor/protocol.js';

/** The fields of an {@link IoError} besides its message. */
export interface IoErrorFields {
  /** Node's error code (`ECONNREFUSED`, `EADDRINUSE`, `ENOENT`, …) or one of tide's (see {@link IoError}). */
  readonly code: string;
  /** The system call that failed (`connect`, `listen`, `read`, `open`, …), when known. */
  readonly syscall?: string | undefined;
  /** Node's (negative) errno, when known. */
  readonly errno?: number | undefined;
  /** The address involved, for socket errors. */
  readonly address?: string | undefined;
  /** The port involved, for socket errors. */
  readonly port?: number | undefined;
  /** The path involved, for file errors. */
  readonly path?: string | undefined;
}

/**
 * An IO operation failed. `code` is Node's error code — `ECONNREFUSED`, `EADDRINUSE`,
 * `ECONNRESET`, `EPIPE`, `ENOENT`, `EACCES`, … — so code that handles Node's errors handles these
 * the same way; `syscall` says which operation failed. tide adds a few codes of its own:
 *
 * - `E_CLOSED`: the resource was closed (by `close()`) before or while the operation waited;
 * - `E_UNEXPECTED_EOF`: `readExact` reached the end of the stream first;
 * - `E_REACTOR_EXITED`: the reactor thread died (a bug, or the process ran out of memory);
 * - `E_OTHER_RUNTIME`: the resource was opened by another runtime (or another worker thread's
 *   driver) than the one whose task uses it.
 *
 * Writing after `shutdown()` fails with `EPIPE`, as the operating system reports it.
 */
export class IoError extends TideError {
  /** Node's error code, or one of tide's (`E_CLOSED`, `E_UNEXPECTED_EOF`, `E_REACTOR_EXITED`, `E_OTHER_RUNTIME`). */
  readonly code: string;
  /** The system call that failed, when known. */
  readonly syscall: string | undefined;
  /** Node's (negative) errno, when known. */
  readonly errno: number | undefined;
  /** The address involved, for socket errors. */
  readonly address: string | undefined;
  /** The port involved, for socket errors. */
  readonly port: number | undefined;
  /** The path involved, for file errors. */
  readonly path: string | undefined;

  /**
   * @param message - what happened (Node's message for errors from the reactor).
   * @param fields - code, syscall and the rest.
   */
  constructor(message: string, fields: IoErrorFields, options?: ErrorOptions) {
    super(message, options);
    // Spelled out: the bundler renames the class internally (`_IoError`, for its static methods).
    this.name = 'IoError';
    this.code = fields.code;
    this.syscall = fields.syscall;
    this.errno = fields.errno;
    this.address = fields.address;
    this.port = fields.port;
    this.path = fields.path;
  }

  /** The resource was closed: `what` failed. @internal */
  static closed(what: string, syscall: string): IoError {
    return new IoError(`${what}: the resource is closed. Open a new one; a closed socket, listener or file cannot be used again.`, {
      code: 'E_CLOSED',
      syscall,
    });
  }

  /** An error reported by the reactor thread. @internal */
  static fromWire(wire: ErrorWire): IoError {
    return new IoError(wire.message, {
      code: wire.code ?? 'EIO',
      syscall: wire.syscall,
      errno: wire.errno,
      address: wire.address,
      port: wire.port,
      path: wire.path,
    });
  }
}

/**
 * An argument of the wrong type, thrown at the call: an address that is not `{ host, port }` or a
 * port number, bytes that are not a `Uint8Array`, a path that is not a string or `file:` URL,
 * unknown open flags, a resource constructed with `new` instead of its factory. A `TypeError`,
 * with a stable `code` to branch on; the message says what was expected and what to write.
 */
export class InvalidArgumentError extends TypeError {
  /** Always `E_INVALID_ARGUMENT`. */
  readonly code = 'E_INVALID_ARGUMENT' as const;

  /** @param message - what was wrong and what to pass instead. */
  constructor(message: string) {
    super(message);
    this.name = 'InvalidArgumentError';
  }
}

/**
 * A number out of its range, thrown at the call: a port outside 0–65535, a negative or fractional
 * length, a datagram over 65 507 bytes, a driver option out of bounds. A `RangeError`, with a
 * stable `code` to branch on; the message gives the allowed range and the value received.
 */
export class ArgumentRangeError extends RangeError {
  /** Always `E_ARGUMENT_OUT_OF_RANGE`. */
  readonly code = 'E_ARGUMENT_OUT_OF_RANGE' as const;

  /** @param message - the allowed range and the value received. */
  constructor(message: string) {
    super(message);
    this.name = 'ArgumentRangeError';
  }
}
