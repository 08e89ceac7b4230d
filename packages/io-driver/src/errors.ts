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

// Bad arguments (a wrong type, a number out of range) fail with core's coded classes, shared by
// every tide package: re-exported here so `import { InvalidArgumentError } from '@tide/io-driver'`
// keeps working and `instanceof` matches whichever package it was imported from.
export { InvalidArgumentError, ArgumentRangeError } from '@tide/core';
