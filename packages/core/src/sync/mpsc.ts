/**
 * Multi-producer, single-consumer channels (Tokio's `sync::mpsc`), re-exported from `@tide/core`
 * as the `mpsc` namespace: `mpsc.channel(capacity)`, `mpsc.unbounded()`, `mpsc.Sender`,
 * `mpsc.Receiver`.
 *
 * ```ts
 * const [tx, rx] = mpsc.channel<string>(16);
 * spawn(function* (tx: mpsc.Sender<string>) {
 *   yield* tx.send('hello');           // waits while the channel is full
 *   tx.close();                        // or `using tx = ...`
 * }, tx);
 * for (let v; (v = yield* rx.recv()) !== undefined; ) console.log(v);   // generator task
 * for await (const v of rx) console.log(v);                              // async code
 * ```
 *
 * Sending is eager: `send` queues the value when it is called (or, on a full bounded channel,
 * joins the queue of waiting senders at once); the returned future reports when the value is in
 * the buffer. So a send that is never awaited is still delivered, in call order. Values from one
 * sender arrive in the order they were sent; waiting senders are served first come, first served.
 */

import { ChannelClosedError, ArgumentRangeError, describeArgument } from '../errors.js';
import { ready, toPromise } from '../future/future-base.js';
import type { TideFuture } from '../future/future.js';
import { ClosedFuture, wakeAllClosed } from './closed-future.js';
import { Chan, NOTHING, RecvFuture, SendFuture, sendClosedError } from './mpsc-chan.js';
import { TRY_RECV_CLOSED, TRY_RECV_EMPTY, type TryRecvResult } from './try-recv.js';
import { WaiterList } from './waiters.js';

// A send that found room is complete at once: share one completed future instead of allocating.
const SENT: TideFuture<void> = ready(undefined);

/**
 * Creates a bounded channel holding at most `capacity` values: `send` waits while it is full,
 * which is how a fast producer is slowed down to its consumer (backpressure).
 *
 * @param capacity - an integer ≥ 1.
 * @throws RangeError if `capacity` is not an integer ≥ 1.
 */
export function channel<T>(capacity: number): [Sender<T>, Receiver<T>] {
  if (!Number.isSafeInteger(capacity) || capacity < 1) {
    throw new ArgumentRangeError(`mpsc bounded channel requires capacity > 0 (an integer), got ${describeArgument(capacity)}`);
  }
  const chan = new Chan<T>(capacity);
  return [new Sender(chan), new Receiver(chan)];
}

/**
 * Creates a channel without a bound: `send` never waits (the returned future is already
 * complete), so nothing slows a producer that outpaces its consumer — prefer {@link channel}
 * unless the producer cannot wait (for example a callback).
 */
export function unbounded<T>(): [Sender<T>, Receiver<T>] {
  const chan = new Chan<T>(Infinity);
  return [new Sender(chan), new Receiver(chan)];
}

/**
 * A sending handle of an mpsc channel. {@link Sender.clone} makes more; the channel ends for the
 * receiver once every handle is closed (or disposed) and the buffer is drained.
 */
export class Sender<T> implements Disposable {
  readonly #chan: Chan<T>;
  #closed = false;

  /** @internal Use {@link channel}, {@link unbounded} or {@link Sender.clone}. */
  constructor(chan: Chan<T>) {
    this.#chan = chan;
  }

  /**
   * Sends `value`. The value is queued right away when there is room; on a full bounded channel
   * this sender joins the queue of waiting senders and the future completes once its value moved
   * into the buffer. Fails with {@link ChannelClosedError} if the receiver was closed (before the
   * value got in) or this handle was closed. If the task waiting on it is aborted while it still
   * waits, the value is withdrawn and not sent.
   */
  send(value: T): TideFuture<void> {
    const chan = this.#chan;
    if (this.isClosed()) return new SendFuture<T>(chan, this, undefined, true);
    if (chan.buffer.length < chan.bound) {
      chan.push(value);
      return SENT;
    }
    const future = new SendFuture(chan, this, value, false);
    future.enqueue();
    return future;
  }

  /**
   * Sends `value` if there is room now. Returns `true` if it was queued, `false` if the channel
   * is full (nothing was sent; try again later or use {@link Sender.send}). Throws
   * {@link ChannelClosedError} if the receiver or this handle is closed — that is permanent, so a
   * retry loop cannot spin on it. Never `false` on an unbounded channel.
   */
  trySend(value: T): boolean {
    if (this.isClosed()) throw sendClosedError();
    const chan = this.#chan;
    if (chan.buffer.length >= chan.bound) return false;
    chan.push(value);
    return true;
  }

  /**
   * A new handle to the same channel; the receiver sees the end only after every handle is
   * closed. Throws {@link ChannelClosedError} on a closed handle (a closed channel must not come
   * back to life).
   */
  clone(): Sender<T> {
    if (this.#closed) throw new ChannelClosedError('mpsc sender closed: a closed sender cannot be cloned');
    this.#chan.senders++;
    return new Sender(this.#chan);
  }

  /**
   * Closes this handle: it can send no more. When it was the last one, the receiver gets the
   * buffered values and then `undefined`. Sends of this handle that are still waiting for room
   * are delivered (closing flushes, it does not cancel). Idempotent.
   */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    const chan = this.#chan;
    chan.dropSender();
    // This handle's `closed()` futures must complete; other handles' futures re-check and wait on.
    wakeAllClosed(chan.closedWaiters);
  }

  /** Same as {@link Sender.close}: `using tx = ...` closes the handle at the end of the scope. */
  [Symbol.dispose](): void {
    this.close();
  }

  /** True if sending through this handle can no longer succeed: the receiver or this handle is closed. */
  isClosed(): boolean {
    return this.#closed || this.#chan.rxClosed;
  }

  /**
   * Completes when sending through this handle can no longer succeed (see {@link Sender.isClosed}):
   * typically when the consumer went away, so a producer can stop.
   */
  closed(): TideFuture<void> {
    const chan = this.#chan;
    chan.closedWaiters ??= new WaiterList<ClosedFuture>();
    return new ClosedFuture(chan.closedWaiters, () => this.isClosed());
  }

  /** Free slots right now: `maxCapacity()` minus the buffered values (`Infinity` when unbounded). */
  capacity(): number {
    const chan = this.#chan;
    return chan.bound - chan.buffer.length;
  }

  /** The channel's bound, as given to {@link channel} (`Infinity` when unbounded). */
  maxCapacity(): number {
    return this.#chan.bound;
  }
}

/**
 * The receiving half of an mpsc channel. `recv()` is a future of the next value, or `undefined`
 * once every sender is closed and the buffer is drained (Tokio's `None`). Iterate it with
 * `for await` in async code; in a generator task loop on `yield* rx.recv()`, or on
 * `yield* rx.next()` when `undefined` is a value your channel carries.
 */
export class Receiver<T> implements AsyncIterable<T>, Disposable {
  readonly #chan: Chan<T>;

  /** @internal Use {@link channel} or {@link unbounded}. */
  constructor(chan: Chan<T>) {
    this.#chan = chan;
  }

  /**
   * The next value, waiting for one if the buffer is empty; `undefined` when the channel has
   * ended (all senders closed, or this receiver closed, and nothing left buffered). If the task
   * waiting on it is aborted, no value is lost: values are only taken when the future completes.
   */
  recv(): TideFuture<T | undefined> {
    return new RecvFuture<T, T | undefined>(this.#chan, false);
  }

  /**
   * Like {@link Receiver.recv}, as an iterator result — `{ done: false, value }` or
   * `{ done: true }` at the end — for channels whose values may be `undefined`:
   * `for (let r; !(r = yield* rx.next()).done; ) use(r.value);`
   */
  next(): TideFuture<IteratorResult<T, undefined>> {
    return new RecvFuture<T, IteratorResult<T, undefined>>(this.#chan, true);
  }

  /**
   * Takes a value without waiting: `{ ok: true, value }`, or `{ ok: false, reason }` with
   * `'empty'` (senders may still send) or `'closed'` (the channel ended and is drained).
   */
  tryRecv(): TryRecvResult<T> {
    const chan = this.#chan;
    const value = chan.pop();
    if (value !== NOTHING) return { ok: true, value };
    return chan.ended() ? TRY_RECV_CLOSED : TRY_RECV_EMPTY;
  }

  /**
   * Closes the channel from the receiving side: waiting and later sends fail with
   * {@link ChannelClosedError}, senders' `closed()` completes, and the values already buffered can
   * still be received (then `recv` gives `undefined`). Idempotent.
   */
  close(): void {
    this.#chan.closeRx();
  }

  /** Same as {@link Receiver.close}: `using rx = ...` closes it at the end of the scope. */
  [Symbol.dispose](): void {
    this.close();
  }

  /**
   * True once no new value can arrive: every sender is closed or this receiver is. Values may
   * still be buffered (see {@link Receiver.isEmpty}).
   */
  isClosed(): boolean {
    return this.#chan.ended();
  }

  /** True if no value is buffered. */
  isEmpty(): boolean {
    return this.#chan.buffer.length === 0;
  }

  /** Number of buffered values. */
  len(): number {
    return this.#chan.buffer.length;
  }

  /** Free slots right now (`Infinity` when unbounded). */
  capacity(): number {
    const chan = this.#chan;
    return chan.bound - chan.buffer.length;
  }

  /** The channel's bound (`Infinity` when unbounded). */
  maxCapacity(): number {
    return this.#chan.bound;
  }

  /**
   * Iterates the values with `for await` until the channel ends. Leaving the loop early does not
   * close the receiver (call {@link Receiver.close} for that), so it can be iterated again later.
   */
  [Symbol.asyncIterator](): AsyncIterableIterator<T, undefined> {
    return {
      next: () => toPromise(this.next()),
      [Symbol.asyncIterator]() {
        return this;
      },
    };
  }
}
