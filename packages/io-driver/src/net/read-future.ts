import { FutureBase, PENDING, type Context, type Poll, type Waker } from '@tide/core';
import { IoError } from '../errors.js';
import type { Interest } from '../io/interest.js';
import { copyInto } from '../ring/copy.js';
import { uninitialized } from '../ring/slab.js';
import type { TcpStream } from './tcp-stream.js';

/**
 * `stream.read(max)`: the next bytes of a {@link TcpStream} (at most `max`), or `null` at the end
 * of the stream. Waits while nothing is buffered; an abort unregisters it and takes nothing.
 */
export class ReadFuture extends FutureBase<Uint8Array | null, 'io'> implements Interest {
  /** @internal */
  waker: Waker | null = null;

  /** @internal Use `stream.read()`. */
  constructor(
    private readonly stream: TcpStream,
    private readonly max: number,
  ) {
    super();
  }

  /** Ready with bytes, or null at end of stream; throws the connection's error or `E_CLOSED`. */
  poll(cx: Context): Poll<Uint8Array | null> {
    const stream = this.stream;
    stream.check('read');
    if (stream.buffered > 0) {
      if (this.waker !== null) stream.readers.unregister(this);
      return stream.take(this.max);
    }
    if (stream.error !== null) throw stream.error;
    if (stream.eof) return null;
    // Straight from the socket, if this thread reads it and something is there.
    const direct = stream.readDirectChunk(this.max);
    if (direct !== undefined) {
      if (this.waker !== null) stream.readers.unregister(this);
      return direct;
    }
    stream.readers.register(this, cx.waker, 'TcpStream.read');
    stream.waitReadable();
    return PENDING;
  }

  /** Stops waiting (the task was aborted). */
  override [Symbol.dispose](): void {
    this.stream.readers.unregister(this);
  }
}

/**
 * `stream.readExact(n)`: exactly `n` bytes of a {@link TcpStream}. Fails with `E_UNEXPECTED_EOF`
 * if the stream ends first. While it waits, arriving bytes are copied straight into its result.
 */
export class ReadExactFuture extends FutureBase<Uint8Array, 'io'> implements Interest {
  /** @internal */
  waker: Waker | null = null;
  private out: Uint8Array | null = null;
  private filled = 0;

  /** @internal Use `stream.readExact()`. */
  constructor(
    private readonly stream: TcpStream,
    private readonly n: number,
  ) {
    super();
  }

  /** Ready with `n` bytes once they arrived. */
  poll(cx: Context): Poll<Uint8Array> {
    const n = this.n;
    if (n === 0) return new Uint8Array(0);
    const stream = this.stream;
    stream.check('readExact');
    while (stream.buffered > 0 && this.filled < n) {
      const chunk = stream.take(n - this.filled);
      if (this.out === null && chunk.length === n) {
        // One chunk holds it all: no copy.
        this.done();
        return chunk;
      }
      // Not zeroed: every byte is copied in before the result is returned.
      this.out ??= uninitialized(n);
      this.out.set(chunk, this.filled);
      this.filled += chunk.length;
    }
    if (this.filled === n) {
      this.done();
      return this.out!;
    }
    if (stream.buffered === 0 && stream.error === null && !stream.eof) {
      // Straight from the socket into the result, if this thread reads it and something is there.
      this.out ??= uninitialized(n);
      while (this.fillDirect() > 0 && this.filled < n);
      if (this.filled === n) {
        this.done();
        return this.out;
      }
    }
    if (stream.error !== null) throw stream.error;
    if (stream.eof) {
      throw new IoError(`TcpStream.readExact: the stream ended after ${this.filled} of ${n} bytes`, { code: 'E_UNEXPECTED_EOF', syscall: 'read' });
    }
    this.out ??= uninitialized(n);
    stream.readers.register(this, cx.waker, 'TcpStream.readExact');
    stream.sink ??= this;
    stream.waitReadable();
    return PENDING;
  }

  /**
   * Takes bytes that just arrived (a view into the completion ring) straight into the result;
   * returns how many it took. Called by the stream while this future waits and nothing is
   * buffered.
   *
   * @internal
   */
  fill(bytes: Uint8Array): number {
    const take = Math.min(bytes.length, this.n - this.filled);
    copyInto(this.out!, this.filled, take === bytes.length ? bytes : bytes.subarray(0, take));
    this.filled += take;
    return take;
  }

  /**
   * Reads straight from the socket into the result (see `TcpStream.readDirect`); returns what
   * that returned. Throws the connection's error.
   *
   * @internal
   */
  fillDirect(): number {
    const got = this.stream.readDirect(this.out!, this.filled, this.n - this.filled);
    if (got > 0) this.filled += got;
    return got;
  }

  /** True once it has all its bytes. @internal */
  get full(): boolean {
    return this.filled === this.n;
  }

  /** Stops waiting (the task was aborted); bytes already taken are lost. */
  override [Symbol.dispose](): void {
    this.done();
  }

  private done(): void {
    const stream = this.stream;
    if (stream.sink === this) stream.sink = null;
    if (this.waker !== null) stream.readers.unregister(this);
  }
}
