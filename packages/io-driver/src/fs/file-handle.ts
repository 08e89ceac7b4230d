import { NOOP_CONTEXT, RuntimeShutdownError } from '@tide/core';
import type { IoDriver } from '../driver.js';
import { IoError, ArgumentRangeError } from '../errors.js';
import type { IoResource } from '../io/resource.js';
import { RequestFuture } from '../io/request.js';
import { decodeJson, ownBytes } from '../ring/codec.js';
import { Cmd, type FileStatWire } from '../reactor/protocol.js';
import { checkBytes, checkLength, show, checkConstructed } from '../net/checks.js';
import { fileStatFromWire, type FileStat } from './file-stat.js';

/** The number of bytes `read()` asks for when no length is given. */
const DEFAULT_READ_LENGTH = 64 * 1024;

function checkPosition(what: string, position: unknown): number {
  if (position === undefined) return -1;
  if (typeof position !== 'number' || !Number.isSafeInteger(position) || position < 0) {
    throw new ArgumentRangeError(`${what}: position must be a non-negative safe integer, got ${show(position)}`);
  }
  return position;
}

/**
 * An open file, from `fs.open(path, flags)`. Reads and writes run on the reactor thread (on
 * Node's thread pool); each is a future with requirement `'io'`. Close it when done (`close()`,
 * or `using file = yield* fs.open(…)`); the runtime's shutdown closes whatever is left open.
 */
export class FileHandle implements IoResource, Disposable {
  /** @internal */
  readonly driver: IoDriver;
  /** @internal */
  readonly rid: number;
  /** The path it was opened with. */
  readonly path: string;
  /** @internal */
  closed = false;

  /** @internal Use `fs.open()`. */
  constructor(driver: IoDriver, rid: number, path: string) {
    checkConstructed('FileHandle', 'yield* fs.open(path, flags)', driver);
    this.driver = driver;
    this.rid = rid;
    this.path = path;
    driver.register(rid, this);
  }

  /**
   * Reads up to `length` bytes (default 64 KiB) at `position` (default: the current position,
   * which then advances). Completes with the bytes, or `null` at the end of the file.
   */
  read(length: number = DEFAULT_READ_LENGTH, position?: number): FileReadFuture {
    checkLength('FileHandle.read', 'length', length, 1);
    const at = checkPosition('FileHandle.read', position);
    this.check('read');
    this.driver.checkRuntime('FileHandle.read');
    return new FileReadFuture(this, length, at);
  }

  /**
   * Writes all of `bytes` at `position` (default: the current position). Completes with the
   * number of bytes written. `bytes` must not change until then.
   */
  write(bytes: Uint8Array, position?: number): FileWriteFuture {
    checkBytes('FileHandle.write', bytes);
    const at = checkPosition('FileHandle.write', position);
    this.check('write');
    this.driver.checkRuntime('FileHandle.write');
    return new FileWriteFuture(this, bytes, at);
  }

  /** The file's {@link FileStat}. */
  stat(): FileStatFuture {
    this.check('stat');
    this.driver.checkRuntime('FileHandle.stat');
    return new FileStatFuture(this);
  }

  /**
   * Closes the file; completes when the descriptor is closed (failing if the close failed).
   * Later operations fail with `IoError` `E_CLOSED`; closing twice is a no-op. Never throws at
   * the call: a failure (the runtime shut down, the reactor died) is the future's. Called from a
   * task of another runtime, it closes the file without waiting (that runtime could never see
   * the close complete) and returns a completed future.
   */
  close(): FileCloseFuture {
    const future = new FileCloseFuture(this);
    if (this.closed) {
      future.completeNow(undefined);
      return future;
    }
    this.closed = true;
    this.driver.unregister(this.rid);
    if (this.driver.isShutdown) return future; // fails with RuntimeShutdownError when awaited
    if (this.driver.foreignRuntimeError('FileHandle.close') !== null) {
      this.driver.command(Cmd.Close, this.rid);
      future.completeNow(undefined);
      return future;
    }
    // The close starts at the call, even if the future is never awaited; an error it meets here
    // is kept by the future for whoever awaits it.
    try {
      future.poll(NOOP_CONTEXT);
    } catch {
      // kept by the future
    }
    return future;
  }

  /** Closes the file without waiting (`using file = yield* fs.open(…)`). */
  [Symbol.dispose](): void {
    if (this.closed) return;
    this.closed = true;
    this.driver.unregister(this.rid);
    this.driver.command(Cmd.Close, this.rid);
  }

  /** Throws if the file can no longer be used. @internal */
  check(what: string): void {
    if (this.driver.isShutdown) throw new RuntimeShutdownError(`FileHandle.${what}`);
    if (this.closed) throw IoError.closed(`FileHandle.${what}`, what);
  }

  /** @internal Files have no events. */
  onEvent(): void {}
  /** @internal */
  onShutdown(): void {}
  /** @internal */
  onFailure(): void {}
}

/** `file.read(length, position)`: the bytes read, or `null` at the end of the file. */
export class FileReadFuture extends RequestFuture<Uint8Array | null> {
  /** @internal Use `file.read()`. */
  constructor(
    private readonly file: FileHandle,
    private readonly length: number,
    private readonly position: number,
  ) {
    super(file.driver, 'FileHandle.read');
  }

  /** @internal */
  protected start(): number {
    this.file.check('read');
    return this.driver.request(Cmd.FsRead, this.file.rid, this.length, 0, this.position, null, this);
  }

  /** @internal */
  protected result(a: number, _b: number, _x: number, data: Uint8Array | null): Uint8Array | null {
    return a === 0 ? null : data === null ? new Uint8Array(0) : ownBytes(data);
  }
}

/** `file.write(bytes, position)`: the number of bytes written. */
export class FileWriteFuture extends RequestFuture<number> {
  /** @internal Use `file.write()`. */
  constructor(
    private readonly file: FileHandle,
    private readonly bytes: Uint8Array,
    private readonly position: number,
  ) {
    super(file.driver, 'FileHandle.write');
  }

  /** @internal */
  protected start(): number {
    this.file.check('write');
    if (this.bytes.length === 0) return this.driver.request(Cmd.FsWrite, this.file.rid, 0, 0, this.position, null, this);
    return this.driver.request(Cmd.FsWrite, this.file.rid, 0, 0, this.position, this.bytes, this);
  }

  /** @internal */
  protected result(a: number): number {
    return a;
  }
}

/** `file.stat()`: the open file's {@link FileStat}. */
export class FileStatFuture extends RequestFuture<FileStat> {
  /** @internal Use `file.stat()`. */
  constructor(private readonly file: FileHandle) {
    super(file.driver, 'FileHandle.stat');
  }

  /** @internal */
  protected start(): number {
    this.file.check('stat');
    return this.driver.request(Cmd.FsFstat, this.file.rid, 0, 0, 0, null, this);
  }

  /** @internal */
  protected result(_a: number, _b: number, _x: number, data: Uint8Array | null): FileStat {
    return fileStatFromWire(decodeJson<FileStatWire>(data));
  }
}

/** `file.close()`: completes once the descriptor is closed. */
export class FileCloseFuture extends RequestFuture<void> {
  /** @internal Use `file.close()`. */
  constructor(private readonly file: FileHandle) {
    super(file.driver, 'FileHandle.close');
  }

  /** @internal */
  protected start(): number {
    return this.driver.request(Cmd.FsClose, this.file.rid, 0, 0, 0, null, this);
  }

  /** @internal */
  protected result(): void {
    return undefined;
  }
}
