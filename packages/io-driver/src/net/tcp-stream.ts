import { readSync } from 'node:fs';
import { RuntimeShutdownError } from '@tide/core';
import { checkAddr, type SocketAddrInfo, type ToSocketAddr } from '../address.js';
import { currentIoDriver, type IoDriver } from '../driver.js';
import { IoError } from '../errors.js';
import { Completed } from '../io/completed.js';
import { InterestSet } from '../io/interest.js';
import type { IoResource } from '../io/resource.js';
import { decodeJson } from '../ring/codec.js';
import { toErrorWire } from '../reactor/error-wire.js';
import { NOT_DIRECT, READ_BY_REACTOR, READ_DIRECT, WOULD_BLOCK } from '../io/read-mode.js';
import { Cmd, Cpl, type ErrorWire, type StreamAddrs } from '../reactor/protocol.js';
import { checkBytes, checkLength, checkConstructed } from './checks.js';
import { ConnectFuture } from './connect-future.js';
import { ReadExactFuture, ReadFuture } from './read-future.js';
import { ShutdownFuture } from './shutdown-future.js';
import { WriteFuture } from './write-future.js';

/** Options of {@link TcpStream.connect}. */
export interface ConnectOptions {
  /** Turn Nagle's algorithm off from the start (see {@link TcpStream.setNoDelay}). */
  readonly noDelay?: boolean;
}

/** The largest number of bytes one `read()` returns when no maximum is given. */
const DEFAULT_READ_MAX = 64 * 1024;


const EMPTY: Uint8Array[] = [];
const EMPTY_BYTES = new Uint8Array(0);



/**
 * A TCP connection, from {@link TcpStream.connect} or `TcpListener.accept()`. Every operation is a
 * future with requirement `'io'`: `yield*` it in a generator task or `await` it in an async task.
 *
 * ```ts
 * const stream = yield* TcpStream.connect({ host: '127.0.0.1', port });
 * yield* stream.writeAll(request);
 * const reply = yield* stream.readExact(4);
 * stream.close();
 * ```
 *
 * Reads and writes go straight to the socket from the runtime thread while they can (see the
 * driver's `directSocketIo` option); the reactor thread waits for the socket when a read finds
 * nothing (it reads one chunk for the reader, buffered here) and takes the rest of a write the
 * kernel did not accept at once. Unread bytes stay in the kernel. Writes complete when the kernel
 * accepted the bytes. (With `directSocketIo: false` the reactor reads every socket as bytes
 * arrive, up to the driver's read high-water mark, and they are buffered here.) Close a stream when done with it
 * (`close()`, or `using stream = …`): JavaScript has no destructor that would do it for you.
 */
export class TcpStream implements IoResource, Disposable {
  /** @internal */
  readonly driver: IoDriver;
  /** @internal */
  readonly rid: number;
  /** @internal Futures waiting to read. */
  readonly readers: InterestSet;
  private readonly local: SocketAddrInfo;
  private readonly peer: SocketAddrInfo;
  private queue: Uint8Array[] = EMPTY;
  private queueHead = 0;
  /** @internal Bytes buffered and not read yet. */
  buffered = 0;
  /** @internal The peer half-closed. */
  eof = false;
  /** @internal The connection failed (a reset); reads fail with it once the buffer is empty. */
  error: Error | null = null;
  /** @internal `close()` was called. */
  closed = false;
  /** @internal `shutdown()` was called: writes fail with EPIPE. */
  writeClosed = false;
  /** @internal A waiting `readExact` that takes arriving bytes directly (no intermediate copy). */
  sink: ReadExactFuture | null = null;
  private unacked = 0;
  private readonly ackThreshold: number;
  /**
   * @internal The connection's slot in the driver's socket table: writes go straight to its fd
   * from this thread while they can (see `io/socket-table.ts`); -1 if it has none.
   */
  readonly slot: number;

  /**
   * @internal Who reads the socket (streams with a slot): {@link READ_DIRECT},
   * {@link READ_POLLED} or {@link READ_BY_REACTOR}. Streams without one are read by the reactor,
   * eagerly.
   */
  readMode = READ_DIRECT;
  /** @internal When the stream became `READ_POLLED` (ms, `performance.now()`). */
  polledSince = 0;
  /**
   * @internal The driver's `directWriteBytes` when a direct read last found the socket empty:
   * retrying is pointless until this thread wrote to a socket again (data from elsewhere comes
   * through the reactor once the runtime parks).
   */
  emptyAt = -1;

  /** @internal Streams are created by `connect` and `accept`. */
  constructor(driver: IoDriver, rid: number, addrs: StreamAddrs, slot = -1) {
    checkConstructed('TcpStream', 'yield* TcpStream.connect({ host, port }) or yield* listener.accept()', driver);
    this.driver = driver;
    this.rid = rid;
    this.slot = slot;
    this.local = Object.freeze({ ...addrs.local });
    this.peer = Object.freeze({ ...addrs.remote });
    this.readers = new InterestSet(driver);
    this.ackThreshold = Math.max(1, Math.floor(driver.options.readHighWaterMark / 2));
    driver.register(rid, this);
  }

  /**
   * Opens a connection to `addr` (`{ host, port }`, or a port on 127.0.0.1). Fails with an
   * {@link IoError} such as `ECONNREFUSED`. An invalid address is a `TypeError` or `RangeError`
   * at the call; outside a runtime `NoRuntimeError`, without the io driver `DriverDisabledError`.
   */
  static connect(addr: ToSocketAddr, options: ConnectOptions = {}): ConnectFuture {
    const target = checkAddr('TcpStream.connect', addr, false);
    return new ConnectFuture(currentIoDriver(), target, options.noDelay === true);
  }

  /** This end's address. */
  localAddr(): SocketAddrInfo {
    return this.local;
  }

  /** The peer's address. */
  peerAddr(): SocketAddrInfo {
    return this.peer;
  }

  /**
   * Reads what is available, at most `max` bytes (default 64 KiB): a non-empty `Uint8Array`, or
   * `null` at the end of the stream (the peer half-closed). Waits while nothing is buffered.
   * Cancel-safe: an aborted read takes nothing.
   */
  read(max: number = DEFAULT_READ_MAX): ReadFuture {
    checkLength('TcpStream.read', 'max', max, 1);
    this.check('read');
    this.driver.checkRuntime('TcpStream.read');
    return new ReadFuture(this, max);
  }

  /**
   * Reads exactly `n` bytes. Fails with `IoError` `E_UNEXPECTED_EOF` if the stream ends first.
   * Not cancel-safe: bytes taken before an abort are lost (as with Tokio's `read_exact`).
   */
  readExact(n: number): ReadExactFuture {
    checkLength('TcpStream.readExact', 'n', n, 0);
    this.check('readExact');
    this.driver.checkRuntime('TcpStream.readExact');
    return new ReadExactFuture(this, n);
  }

  /**
   * Writes some of `bytes` (up to the driver's write high-water mark) and completes with how
   * many, once the kernel accepted them. `bytes` must not change until then.
   */
  write(bytes: Uint8Array): WriteFuture<number> {
    checkBytes('TcpStream.write', bytes);
    this.checkWritable('write');
    this.driver.checkRuntime('TcpStream.write');
    return new WriteFuture<number>(this, bytes, false);
  }

  /**
   * Writes all of `bytes`, keeping up to the write high-water mark in flight, and completes once
   * the kernel accepted the last byte. `bytes` must not change until then.
   */
  writeAll(bytes: Uint8Array): WriteFuture<void> {
    checkBytes('TcpStream.writeAll', bytes);
    this.checkWritable('writeAll');
    this.driver.checkRuntime('TcpStream.writeAll');
    return new WriteFuture<void>(this, bytes, true);
  }

  /**
   * Half-closes the connection: sends FIN after the pending writes, so the peer reads the end of
   * the stream; this side can still read. Later writes fail with `EPIPE`.
   */
  shutdown(): ShutdownFuture {
    this.check('shutdown');
    this.driver.checkRuntime('TcpStream.shutdown');
    this.writeClosed = true;
    return new ShutdownFuture(this);
  }

  /** Turns Nagle's algorithm off (`true`, the default) so small writes leave at once, or back on. */
  setNoDelay(noDelay = true): void {
    this.check('setNoDelay');
    this.driver.checkRuntime('TcpStream.setNoDelay');
    this.driver.command(Cmd.TcpNoDelay, this.rid, noDelay ? 1 : 0);
  }

  /**
   * Closes the connection now; futures waiting on it fail with `IoError` `E_CLOSED`. Returns a
   * future that is already complete (`yield*`/`await` it or not). Idempotent.
   */
  close(): Completed {
    if (!this.closed) {
      this.closed = true;
      this.driver.unregister(this.rid);
      this.driver.command(Cmd.Close, this.rid);
      this.queue = EMPTY;
      this.queueHead = 0;
      this.buffered = 0;
      this.sink = null;
      this.readers.wakeAll();
    }
    return new Completed();
  }

  /** Closes the connection (`using stream = yield* TcpStream.connect(…)`). */
  [Symbol.dispose](): void {
    this.close();
  }

  // ---------------------------------------------------------------------------------------------
  // Internals shared with the futures

  /** Throws if the stream can no longer be used: the runtime shut down, or it was closed. @internal */
  check(what: string): void {
    if (this.driver.isShutdown) throw new RuntimeShutdownError(`TcpStream.${what}`);
    if (this.closed) throw IoError.closed(`TcpStream.${what}`, what);
  }

  /** {@link TcpStream.check}, and not shut down for writing. @internal */
  checkWritable(what: string): void {
    this.check(what);
    if (this.writeClosed) {
      throw new IoError(`TcpStream.${what}: the stream was shut down for writing (shutdown() was called)`, { code: 'EPIPE', syscall: 'write' });
    }
  }

  /** Takes up to `max` buffered bytes (there must be some). @internal */
  take(max: number): Uint8Array {
    const chunk = this.queue[this.queueHead]!;
    let out: Uint8Array;
    if (chunk.length <= max) {
      out = chunk;
      this.queue[this.queueHead++] = undefined as unknown as Uint8Array;
      if (this.queueHead === this.queue.length) {
        this.queue = EMPTY;
        this.queueHead = 0;
      } else if (this.queueHead > 64 && this.queueHead * 2 > this.queue.length) {
        this.queue = this.queue.slice(this.queueHead);
        this.queueHead = 0;
      }
    } else {
      out = chunk.subarray(0, max);
      this.queue[this.queueHead] = chunk.subarray(max);
    }
    this.buffered -= out.length;
    this.consumed(out.length);
    return out;
  }

  /**
   * Queues received bytes. A copy that directly follows the last queued one in the same slab
   * (consecutive reads of this stream) extends it instead, so that one `read()` returns what
   * several socket reads delivered, without copying.
   */
  private enqueue(bytes: Uint8Array): void {
    const queue = this.queue;
    if (queue === EMPTY) {
      this.queue = [bytes];
      return;
    }
    const last = queue.length - 1;
    const tail = queue[last]!;
    if (last >= this.queueHead && tail.buffer === bytes.buffer && tail.byteOffset + tail.length === bytes.byteOffset) {
      queue[last] = new Uint8Array(tail.buffer, tail.byteOffset, tail.length + bytes.length);
    } else {
      queue.push(bytes);
    }
  }

  /**
   * Reads straight from the socket into `target[offset, offset + max)` on this thread: returns the
   * bytes read (> 0), 0 at the end of the stream (then `eof` is set), {@link WOULD_BLOCK} if there
   * is nothing to read now, or {@link NOT_DIRECT} if this thread cannot read the socket itself
   * (no slot, the reactor reads it now, closed in the reactor). A connection error is kept as
   * `error` and thrown.
   *
   * @internal
   */
  readDirect(target: Uint8Array, offset: number, max: number): number {
    const slot = this.slot;
    if (slot === -1 || this.readMode === READ_BY_REACTOR || this.buffered > 0 || !this.driver.directIoAllowed()) return NOT_DIRECT;
    const sockets = this.driver.sockets;
    const fd = sockets.lockForRead(slot);
    if (fd === -1) return NOT_DIRECT;
    let n: number;
    // An empty socket makes readSync throw EAGAIN, and capturing that error's stack costs more
    // than the read itself: the error is never shown (a connection error becomes an IoError).
    const stackTraceLimit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    try {
      n = readSync(fd, target, offset, max, null);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EAGAIN' || code === 'EWOULDBLOCK') {
        this.emptyAt = this.driver.directWriteBytes;
        return WOULD_BLOCK;
      }
      Error.stackTraceLimit = stackTraceLimit;
      this.error ??= IoError.fromWire(toErrorWire(error));
      throw this.error;
    } finally {
      Error.stackTraceLimit = stackTraceLimit;
      sockets.unlock(slot, fd);
    }
    this.readMode = READ_DIRECT;
    if (n === 0) this.eof = true;
    return n;
  }

  /**
   * `read(max)` straight from the socket: the bytes (see `IoDriver.claimRead`), null at the
   * end of the stream, or undefined if that is not possible now (see {@link TcpStream.readDirect}).
   *
   * @internal
   */
  readDirectChunk(max: number): Uint8Array | null | undefined {
    const buffer = this.driver.readBuffer();
    const n = this.readDirect(buffer, 0, Math.min(max, buffer.length));
    if (n > 0) return this.driver.claimRead(n);
    return n === 0 ? null : undefined;
  }

  /**
   * A reader registered and must wait: read by polling the socket at the driver's turns, or by
   * the reactor (no slot: it always reads; closed in the reactor: ask it, it answers).
   *
   * @internal
   */
  waitReadable(): void {
    if (this.slot === -1 || this.readMode !== READ_DIRECT) return;
    this.driver.pollReads(this);
  }

  /**
   * The driver's turn: read the socket for the waiting reader, if something arrived. True if it
   * delivered bytes, the end of the stream or an error (the readers were woken).
   *
   * @internal
   */
  pollDirect(): boolean {
    if (this.readers.size === 0) return false;
    let n: number;
    try {
      const sink = this.sink;
      if (sink !== null && this.buffered === 0) {
        n = sink.fillDirect();
        if (n > 0 && sink.full) this.sink = null;
      } else {
        const buffer = this.driver.readBuffer();
        n = this.readDirect(buffer, 0, buffer.length);
        if (n > 0) {
          this.enqueue(this.driver.claimRead(n));
          this.buffered += n;
        }
      }
    } catch {
      n = 0; // the error is kept in `error`
    }
    if (n === WOULD_BLOCK || n === NOT_DIRECT) return false;
    this.readers.wakeAll();
    return true;
  }

  /** The task consumed `bytes`: tell the reactor, which may read more (a paused socket resumes). */
  private consumed(bytes: number): void {
    // Read directly (or by the reactor on demand): the reactor holds nothing back to resume.
    if (this.slot !== -1) return;
    this.unacked += bytes;
    if (this.unacked >= this.ackThreshold || (this.buffered === 0 && this.eof && this.unacked > 0)) {
      this.driver.command(Cmd.Consumed, this.rid, this.unacked);
      this.unacked = 0;
    }
  }

  /** @internal */
  onEvent(op: number, a: number, _b: number, data: Uint8Array | null): void {
    if (this.closed) return;
    switch (op) {
      case Cpl.Data: {
        // The reactor read one chunk for a waiting reader and stopped: this thread reads again.
        if (a === 1) this.readMode = READ_DIRECT;
        if (data === null) return;
        let rest = data;
        const sink = this.sink;
        if (sink !== null && this.buffered === 0) {
          // A readExact waits: copy straight into its result.
          const took = sink.fill(data);
          this.consumed(took);
          if (sink.full) this.sink = null;
          rest = took === data.length ? EMPTY_BYTES : data.subarray(took);
        }
        if (rest.length > 0) {
          // The payload is a view into the ring's arena: copy it into the driver's slabs.
          this.enqueue(this.driver.receiveSlabs.copy(rest));
          this.buffered += rest.length;
        }
        break;
      }
      case Cpl.Eof:
        this.eof = true;
        break;
      case Cpl.ResourceError:
        this.error ??= IoError.fromWire(decodeJson<ErrorWire>(data));
        break;
      default:
        return;
    }
    this.readers.wakeAll();
  }

  /** @internal */
  onShutdown(): void {
    this.readers.wakeAll();
  }

  /** @internal */
  onFailure(error: Error): void {
    this.error ??= error;
    this.readers.wakeAll();
  }
}
