/**
 * A future that completes once a condition holds, for the "wait until the other side is gone"
 * methods (`closed()` on senders). The owner wakes every waiter with {@link wakeAllClosed} when
 * the condition becomes true.
 *
 * @internal Not exported from `@tide/core`.
 */

import { FutureBase } from '../future/future-base.js';
import { PENDING, type Context, type Poll, type Waker } from '../future/poll.js';
import { WaiterList, type WaiterNode } from './waiters.js';

/** Completes (with `undefined`) once `isDone()` is true; waits in `list` meanwhile. */
export class ClosedFuture extends FutureBase<void> implements WaiterNode<ClosedFuture> {
  /** @internal */
  prevWaiter: ClosedFuture | null = null;
  /** @internal */
  nextWaiter: ClosedFuture | null = null;
  /** @internal */
  queued = false;
  /** @internal The latest waker it was polled with. */
  waker: Waker | null = null;

  /**
   * @param list - where to wait; the owner wakes it.
   * @param isDone - the condition, checked on every poll.
   */
  constructor(
    private readonly list: WaiterList<ClosedFuture>,
    private readonly isDone: () => boolean,
  ) {
    super();
  }

  /** Ready once the condition holds; otherwise registers (or refreshes) its waker. */
  poll(cx: Context): Poll<void> {
    if (this.isDone()) {
      this.list.remove(this);
      this.waker = null;
      return undefined;
    }
    this.waker = cx.waker;
    if (!this.queued) this.list.push(this);
    return PENDING;
  }

  /** Leaves the wait list (the waiting task was aborted). */
  override [Symbol.dispose](): void {
    this.list.remove(this);
    this.waker = null;
  }
}

/** Dequeues and wakes every waiter of `list` (the condition just became true). */
export function wakeAllClosed(list: WaiterList<ClosedFuture> | null): void {
  if (list === null) return;
  for (let node = list.shift(); node !== null; node = list.shift()) {
    const waker = node.waker;
    node.waker = null;
    waker?.wake();
  }
}
