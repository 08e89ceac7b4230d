import { writeSync } from 'node:fs';
import { FutureBase, PENDING, RuntimeShutdownError, type Context, type Poll, type Waker } from '@tide/core';
import { IoError } from '../errors.js';
import type { IoRequest } from '../io/request.js';
import { toErrorWire } from '../reactor/error-wire.js';
import { Cmd } from '../reactor/protocol.js';
import type { TcpStream } from './tcp-stream.js';

/**
 * `stream.write(bytes)` (`T = number`: how many bytes were written) and `stream.writeAll(bytes)`
 * (`T = void`).
 *
 * While nothing this stream sent through the reactor is still being written, the bytes go
 * straight to the socket from this thread (a non-blocking `write` on its fd, see
 * `io/socket-table.ts`): what the kernel accepts at once completes without a command, a copy or a
 * wake-up. The rest — all of it when the stream has no socket-table slot — goes to the reactor in
 * parts, at most the driver's write high-water mark in flight at once; each part completes when
 * `socket.write`'s callback fires, that is when the kernel accepted it, so a peer that does not
 * read slows the writer down instead of making the reactor buffer without bound.
 */
export class WriteFuture<T extends number | void> extends FutureBase<T, 'io'> implements IoRequest {
  private readonly limit: number;
  private readonly window: number;
  private readonly inFlight = new Map<number, number>();
  private submitted = 0;
  private acked = 0;
  private error: Error | null = null;
  private waker: Waker | null = null;

  /** @internal Use `stream.write()` / `stream.writeAll()`. */
  constructor(
    private readonly stream: TcpStream,
    private readonly bytes: Uint8Array,
    private readonly all: boolean,
  ) {
    super();
    this.window = stream.driver.options.writeHighWaterMark;
    this.limit = all ? bytes.length : Math.min(bytes.length, this.window);
  }

  /** Ready once every byte was accepted by the kernel. */
  poll(cx: Context): Poll<T> {
    if (this.error !== null) throw this.error;
    if (this.acked === this.limit) return (this.all ? undefined : this.limit) as T;
    const stream = this.stream;
    const driver = stream.driver;
    if (driver.isShutdown) throw new RuntimeShutdownError(this.all ? 'TcpStream.writeAll' : 'TcpStream.write');
    if (stream.closed) {
      // Woken (by a part that completed) after close(): the parts still in flight fail in the
      // reactor later, when nobody waits for them any more — release them now, not then.
      this.error = IoError.closed(this.all ? 'TcpStream.writeAll' : 'TcpStream.write', 'write');
      this.forgetAll();
      throw this.error;
    }
    if (this.submitted === 0) driver.checkRuntime(this.all ? 'TcpStream.writeAll' : 'TcpStream.write');
    if (this.submitted === this.acked && stream.slot !== -1 && driver.directIoAllowed()) {
      const error = this.writeDirect(stream.slot);
      if (error !== null) throw (this.error = error);
      if (this.acked === this.limit) return (this.all ? undefined : this.limit) as T;
    }
    this.waker = cx.waker;
    const part = driver.partBytes;
    while (this.submitted < this.limit && this.submitted - this.acked < this.window) {
      const n = Math.min(part, this.limit - this.submitted);
      const chunk = this.bytes.subarray(this.submitted, this.submitted + n);
      if (stream.slot !== -1) driver.sockets.writeSent(stream.slot);
      const req = driver.request(Cmd.TcpWrite, stream.rid, 0, 0, 0, chunk, this);
      this.inFlight.set(req, n);
      this.submitted += n;
      driver.writeDelta(n);
    }
    return PENDING;
  }

  /**
   * Writes what the kernel takes at once straight to the socket's fd, if the socket table lets
   * this thread use it now (nothing sent through the reactor is still being written, the fd is
   * open). Returns the error that fails the future (anything but a full socket buffer), or null.
   */
  private writeDirect(slot: number): IoError | null {
    const sockets = this.stream.driver.sockets;
    const fd = sockets.lock(slot);
    if (fd === -1) return null;
    try {
      while (this.acked < this.limit) {
        const want = this.limit - this.acked;
        const n = writeSync(fd, this.bytes, this.acked, want);
        this.acked += n;
        this.submitted += n;
        this.stream.driver.directWriteBytes += n;
        // The socket buffer is full: the next write would fail with EAGAIN.
        if (n < want) break;
      }
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'EAGAIN' && code !== 'EWOULDBLOCK') return IoError.fromWire(toErrorWire(error));
    } finally {
      sockets.unlock(slot, fd);
    }
    return null;
  }

  /** @internal */
  complete(req: number): void {
    const n = this.inFlight.get(req);
    if (n === undefined) return;
    this.inFlight.delete(req);
    this.stream.driver.writeDelta(-n);
    this.acked += n;
    if (this.acked === this.limit || this.submitted < this.limit) this.wake();
  }

  /** @internal */
  fail(req: number, error: Error): void {
    const n = this.inFlight.get(req);
    if (n === undefined) return;
    this.inFlight.delete(req);
    this.stream.driver.writeDelta(-n);
    this.error ??= this.stream.closed ? IoError.closed(this.all ? 'TcpStream.writeAll' : 'TcpStream.write', 'write') : error;
    this.forgetAll();
    this.wake();
  }

  /** @internal */
  onShutdown(): void {
    this.wake();
  }

  /** Forgets the parts still in flight (the task was aborted); the bytes may still be sent. */
  override [Symbol.dispose](): void {
    this.forgetAll();
    this.waker = null;
  }

  private forgetAll(): void {
    const driver = this.stream.driver;
    for (const [req, n] of this.inFlight) {
      driver.forget(req);
      driver.writeDelta(-n);
    }
    this.inFlight.clear();
  }

  private wake(): void {
    const waker = this.waker;
    this.waker = null;
    waker?.wake();
  }
}
