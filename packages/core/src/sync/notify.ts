/**
 * Wakes tasks without passing data (Tokio's `sync::Notify`): the building block for "something
 * changed, go and look" signals.
 */

import { FutureBase } from '../future/future-base.js';
import type { TideFuture } from '../future/future.js';
import { PENDING, type Context, type Poll, type Waker } from '../future/poll.js';
import { WaiterList, type WaiterNode } from './waiters.js';

/** The state a {@link Notify} shares with its `notified()` futures. */
class NotifyState {
  /** A stored `notifyOne` nobody was waiting for (at most one, as in Tokio). */
  permit = false;
  /** Counts `notifyWaiters` calls; a future notices one that happened after it was created. */
  epoch = 0;
  /** Futures that were polled and wait, oldest first. */
  readonly waiters = new WaiterList<Notified>();

  notifyOne(): void {
    const waiter = this.waiters.shift();
    if (waiter === null) this.permit = true;
    else waiter.wakeWith(BY_ONE);
  }
}

/**
 * Notifies one task or all waiting tasks.
 *
 * - {@link Notify.notifyOne} wakes the oldest waiting `notified()` future; if none waits, it stores
 *   a permit so the next `notified()` completes at once (at most one permit is stored).
 * - {@link Notify.notifyWaiters} wakes every `notified()` future created before the call (polled or
 *   not) and stores no permit.
 *
 * ```ts
 * const notify = new Notify();
 * spawn(function* () { yield* notify.notified(); console.log('notified'); });
 * notify.notifyOne();
 * ```
 */
export class Notify {
  readonly #state = new NotifyState();

  /**
   * A future that completes when this `Notify` is notified. It waits in line from its first poll
   * (FIFO for `notifyOne`), but counts for `notifyWaiters` from its creation. If the task waiting
   * on it is aborted after a `notifyOne` picked it, the notification passes to the next waiter
   * (or becomes the stored permit) instead of being lost.
   */
  notified(): TideFuture<void> {
    return new Notified(this.#state);
  }

  /** Wakes the oldest waiting task, or stores a permit for the next `notified()` if none waits. */
  notifyOne(): void {
    this.#state.notifyOne();
  }

  /** Wakes every task waiting now (every `notified()` future created before this call). No permit is stored. */
  notifyWaiters(): void {
    const state = this.#state;
    state.epoch++;
    for (let waiter = state.waiters.shift(); waiter !== null; waiter = state.waiters.shift()) waiter.wakeWith(BY_ALL);
  }
}

// Notified future states.
const INIT = 0; // not waiting in line (never polled, or withdrawn)
const WAITING = 1; // in the waiter list
const BY_ONE = 2; // picked by notifyOne, not yet polled
const BY_ALL = 3; // woken by notifyWaiters, not yet polled
const DONE = 4;

/** The future of {@link Notify.notified}. */
class Notified extends FutureBase<void> implements WaiterNode<Notified> {
  prevWaiter: Notified | null = null;
  nextWaiter: Notified | null = null;
  queued = false;
  private waker: Waker | null = null;
  private stateOf = INIT;
  private readonly epoch: number;

  constructor(private readonly notify: NotifyState) {
    super();
    this.epoch = notify.epoch;
  }

  poll(cx: Context): Poll<void> {
    const notify = this.notify;
    switch (this.stateOf) {
      case DONE:
      case BY_ONE:
      case BY_ALL:
        return this.done();
      case INIT:
        if (notify.epoch !== this.epoch) return this.done();
        if (notify.permit) {
          notify.permit = false;
          return this.done();
        }
        notify.waiters.push(this);
        this.stateOf = WAITING;
        break;
    }
    this.waker = cx.waker; // WAITING: keep the latest waker
    return PENDING;
  }

  /** Dequeued by the notifier: record how, and wake the task. */
  wakeWith(how: typeof BY_ONE | typeof BY_ALL): void {
    this.stateOf = how;
    const waker = this.waker;
    this.waker = null;
    waker?.wake();
  }

  /** Leaves the line; a `notifyOne` that picked this future but was not observed goes to the next waiter. */
  override [Symbol.dispose](): void {
    const state = this.stateOf;
    if (state === WAITING) {
      this.notify.waiters.remove(this);
      this.stateOf = INIT;
    } else if (state === BY_ONE) {
      this.stateOf = INIT;
      this.notify.notifyOne();
    }
    this.waker = null;
  }

  private done(): undefined {
    this.stateOf = DONE;
    this.waker = null;
    return undefined;
  }
}
