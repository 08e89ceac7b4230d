import { show } from './net/checks.js';
import { InvalidArgumentError, ArgumentRangeError } from './errors.js';

/** Options of {@link ioDriver}. Every field is optional; sizes are validated when the factory is created. */
export interface IoDriverOptions {
  /** Slots of the command ring (runtime → reactor). Default 4096. */
  readonly commandRingSize?: number;
  /** Slots of the completion ring (reactor → runtime). Default 4096. */
  readonly completionRingSize?: number;
  /** Bytes of the command ring's data arena (payloads being written). Default 4 MiB. */
  readonly commandArenaBytes?: number;
  /** Bytes of the completion ring's data arena (payloads being read). Default 4 MiB. */
  readonly completionArenaBytes?: number;
  /** Completions dispatched per `turn()` at most, so IO cannot starve tasks. Default 1024. */
  readonly maxIoEventsPerTick?: number;
  /**
   * Bytes a socket may have delivered and not yet read by its task before the reactor pauses it
   * (the kernel then closes its receive window and the peer slows down). For a UDP socket,
   * datagrams beyond it are dropped. TCP streams that read their sockets directly (see
   * `directSocketIo`) leave unread bytes in the kernel and never come near it. Default 1 MiB.
   */
  readonly readHighWaterMark?: number;
  /** Bytes one `write` / `writeAll` keeps in flight to the kernel at most. Default 1 MiB. */
  readonly writeHighWaterMark?: number;
  /** How long shutdown waits for the reactor thread to close every socket and file. Default 2000 ms. */
  readonly shutdownTimeoutMs?: number;
  /**
   * TCP streams read and write their sockets straight from the runtime thread (non-blocking
   * `read` / `write` on the file descriptor) while they can, and involve the reactor thread only
   * to wait for a socket to become readable or writable. `false` sends every read and write
   * through the reactor (it then reads each socket eagerly, up to `readHighWaterMark`). Default
   * true.
   */
  readonly directSocketIo?: boolean;
  /**
   * When the runtime is about to park while IO is in flight, it first watches the completion
   * ring for this many microseconds: a loopback reply often arrives sooner than a park and
   * wake-up would take. Bounded per idle period, and only while IO is pending, so an idle runtime
   * uses no CPU. 0 turns it off. Default 100.
   */
  readonly idleSpinMicros?: number;
  /**
   * After handling commands, the reactor stays awake serving socket events for this many
   * microseconds before it sleeps on the doorbell, so that a command sent right after costs no
   * wake-up. 0 turns it off. Default 100.
   */
  readonly reactorLingerMicros?: number;
}

/** {@link IoDriverOptions} with every default filled in (each field as documented there). */
export type ResolvedIoDriverOptions = Readonly<Required<IoDriverOptions>>;

const MiB = 1024 * 1024;

/** Default option values. @internal */
export const DEFAULT_OPTIONS: ResolvedIoDriverOptions = Object.freeze({
  commandRingSize: 4096,
  completionRingSize: 4096,
  commandArenaBytes: 4 * MiB,
  completionArenaBytes: 4 * MiB,
  maxIoEventsPerTick: 1024,
  readHighWaterMark: MiB,
  writeHighWaterMark: MiB,
  shutdownTimeoutMs: 2000,
  idleSpinMicros: 100,
  reactorLingerMicros: 100,
  directSocketIo: true,
});

function integer(name: keyof IoDriverOptions, value: unknown, min: number, max: number, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new ArgumentRangeError(`ioDriver: ${name} must be an integer from ${min} to ${max}, got ${show(value)}`);
  }
  return value;
}

function flag(name: keyof IoDriverOptions, value: unknown, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') throw new InvalidArgumentError(`ioDriver: ${name} must be a boolean, got ${show(value)}`);
  return value;
}

/** Validates options and fills in defaults; throws a `RangeError` naming the bad option. @internal */
export function resolveOptions(options: IoDriverOptions | undefined): ResolvedIoDriverOptions {
  if (options !== undefined && (typeof options !== 'object' || options === null)) {
    throw new InvalidArgumentError(`ioDriver: options must be an object, got ${show(options)}`);
  }
  const o = options ?? {};
  const d = DEFAULT_OPTIONS;
  return {
    commandRingSize: integer('commandRingSize', o.commandRingSize, 16, 1 << 20, d.commandRingSize),
    completionRingSize: integer('completionRingSize', o.completionRingSize, 16, 1 << 20, d.completionRingSize),
    commandArenaBytes: integer('commandArenaBytes', o.commandArenaBytes, 4096, 1 << 30, d.commandArenaBytes),
    completionArenaBytes: integer('completionArenaBytes', o.completionArenaBytes, 4096, 1 << 30, d.completionArenaBytes),
    maxIoEventsPerTick: integer('maxIoEventsPerTick', o.maxIoEventsPerTick, 1, 1 << 30, d.maxIoEventsPerTick),
    readHighWaterMark: integer('readHighWaterMark', o.readHighWaterMark, 1024, 1 << 30, d.readHighWaterMark),
    writeHighWaterMark: integer('writeHighWaterMark', o.writeHighWaterMark, 1024, 1 << 30, d.writeHighWaterMark),
    shutdownTimeoutMs: integer('shutdownTimeoutMs', o.shutdownTimeoutMs, 0, 60_000, d.shutdownTimeoutMs),
    idleSpinMicros: integer('idleSpinMicros', o.idleSpinMicros, 0, 10_000, d.idleSpinMicros),
    reactorLingerMicros: integer('reactorLingerMicros', o.reactorLingerMicros, 0, 10_000, d.reactorLingerMicros),
    directSocketIo: flag('directSocketIo', o.directSocketIo, d.directSocketIo),
  };
}
