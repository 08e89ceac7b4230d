/**
 * A channel for sending exactly one value between tasks (Tokio's `sync::oneshot`).
 *
 * ```ts
 * const [tx, rx] = oneshot<number>();
 * spawn(function* () { tx.send(42); });
 * const value = yield* rx;        // or `await rx` in async code
 * ```
 */

import { ChannelClosedError } from '../errors.js';
import { FutureBase } from '../future/future-base.js';
import type { TideFuture } from '../future/future.js';
import { PENDING, type Context, type Poll, type Waker } from '../future/poll.js';
import { ClosedFuture, wakeAllClosed } from './closed-future.js';
import { TRY_RECV_CLOSED, TRY_RECV_EMPTY, type TryRecvResult } from './try-recv.js';
import { WaiterList } from './waiters.js';

// What the sender did.
const EMPTY = 0; // nothing yet, the sender is alive
const SENT = 1; // a value is stored
const DROPPED = 2; // the sender closed without sending

/** The state both halves share. */
class OneshotState<T> {
  /** EMPTY, SENT or DROPPED. */
  state = EMPTY;
  /** The value once sent. */
  value: T | undefined = undefined;
  /** `receiver.close()` was called. */
  rxClosed = false;
  /** The waker of the task waiting on the receiver. */
  rxWaker: Waker | null = null;
  /** Waiters of `sender.closed()`, created on first use (most oneshots never need it). */
  closedWaiters: WaiterList<ClosedFuture> | null = null;

  /** Wakes the receiving task, if one waits. */
  wakeRx(): void {
    const waker = this.rxWaker;
    this.rxWaker = null;
    waker?.wake();
  }
}

/**
 * Creates a oneshot channel: a sender that can send one value and the receiver that gets it.
 * Returns a tuple, like Tokio's `oneshot::channel()`.
 */
export function oneshot<T>(): [OneshotSender<T>, OneshotReceiver<T>] {
  const state = new OneshotState<T>();
  return [new OneshotSender(state), new OneshotReceiver(state)];
}

/**
 * The sending half of a {@link oneshot} channel. Send once with {@link OneshotSender.send}; closing
 * it (or disposing it, `using tx = ...`) without sending makes the receiver fail with
 * {@link ChannelClosedError} — the analog of dropping Tokio's sender.
 */
export class OneshotSender<T> implements Disposable {
  readonly #s: OneshotState<T>;

  /** @internal Use {@link oneshot}. */
  constructor(state: OneshotState<T>) {
    this.#s = state;
  }

  /**
   * Sends `value` and wakes the receiver. Returns `false` (and delivers nothing) if the receiver
   * was closed, or if this sender already sent or was closed — where Tokio returns `Err(value)`.
   * Never blocks.
   */
  send(value: T): boolean {
    const s = this.#s;
    if (s.state !== EMPTY || s.rxClosed) return false;
    s.value = value;
    s.state = SENT;
    s.wakeRx();
    return true;
  }

  /**
   * True if the receiver was closed: a `send` would fail. Use it to skip work nobody will collect.
   */
  isClosed(): boolean {
    return this.#s.rxClosed;
  }

  /**
   * Completes when the receiver is closed (`rx.close()`), so a producer can stop computing a value
   * nobody wants — for example by racing it against the work.
   */
  closed(): TideFuture<void> {
    const s = this.#s;
    s.closedWaiters ??= new WaiterList<ClosedFuture>();
    return new ClosedFuture(s.closedWaiters, () => s.rxClosed);
  }

  /**
   * Gives up sending: if nothing was sent, the receiver fails with {@link ChannelClosedError}.
   * A no-op after `send`. Idempotent.
   */
  close(): void {
    const s = this.#s;
    if (s.state !== EMPTY) return;
    s.state = DROPPED;
    s.wakeRx();
  }

  /** Same as {@link OneshotSender.close}: `using tx = ...` closes it at the end of the scope. */
  [Symbol.dispose](): void {
    this.close();
  }
}

/**
 * The receiving half of a {@link oneshot} channel, and itself a future: `yield* rx` or `await rx`
 * gives the value, or throws {@link ChannelClosedError} if the sender was closed without sending
 * (or this receiver was closed before a value arrived).
 *
 * Like a Promise, it settles once: later polls, awaits and `tryRecv` calls report the same
 * value or error. Await it from one task at a time (it keeps one waker, as in Tokio).
 *
 * Its `[Symbol.dispose]` only forgets the waiting task's waker (the runtime calls it when that
 * task is aborted); to tell the sender that nobody is listening any more, call
 * {@link OneshotReceiver.close}.
 */
export class OneshotReceiver<T> extends FutureBase<T> {
  readonly #s: OneshotState<T>;

  /** @internal Use {@link oneshot}. */
  constructor(state: OneshotState<T>) {
    super();
    this.#s = state;
  }

  /** The value once sent; throws {@link ChannelClosedError} if none can come; else waits. */
  poll(cx: Context): Poll<T> {
    const s = this.#s;
    if (s.state === SENT) return s.value as T;
    if (s.state === DROPPED || s.rxClosed) throw closedError(s);
    s.rxWaker = cx.waker; // the latest waker wins: a re-poll may come from a different context
    return PENDING;
  }

  /**
   * Takes the value without waiting: `{ ok: true, value }` if it was sent; otherwise
   * `{ ok: false, reason: 'empty' }` while the sender may still send, or `'closed'` if it never will.
   */
  tryRecv(): TryRecvResult<T> {
    const s = this.#s;
    if (s.state === SENT) return { ok: true, value: s.value as T };
    return s.state === DROPPED || s.rxClosed ? TRY_RECV_CLOSED : TRY_RECV_EMPTY;
  }

  /**
   * Refuses the value: later `send` calls return `false`, and the sender's `closed()` completes.
   * A value sent before the call can still be received. Idempotent.
   */
  close(): void {
    const s = this.#s;
    if (s.rxClosed) return;
    s.rxClosed = true;
    wakeAllClosed(s.closedWaiters);
    // A task awaiting this receiver must now see the channel closed (unless a value is there).
    s.wakeRx();
  }

  /** Forgets the waker of the task that was waiting (it was aborted); does not close the channel. */
  override [Symbol.dispose](): void {
    this.#s.rxWaker = null;
  }
}

function closedError(s: OneshotState<unknown>): ChannelClosedError {
  return new ChannelClosedError(
    s.state === DROPPED
      ? 'oneshot channel closed: the sender was closed (or disposed) without sending a value'
      : 'oneshot channel closed: the receiver was closed before a value was sent',
  );
}
