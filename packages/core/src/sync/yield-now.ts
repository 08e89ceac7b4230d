/**
 * Cooperative yielding (Tokio's `task::yield_now`).
 */

import { FutureBase } from '../future/future-base.js';
import type { TideFuture } from '../future/future.js';
import { PENDING, type Context, type Poll } from '../future/poll.js';

/** The future of {@link yieldNow}. */
class YieldNow extends FutureBase<void> {
  private yielded = false;

  poll(cx: Context): Poll<void> {
    if (this.yielded) return undefined;
    this.yielded = true;
    // Wake ourselves before returning PENDING: the scheduler queues the task behind everything
    // already runnable, so they all get a turn before it resumes.
    cx.waker.wake();
    return PENDING;
  }
}

/**
 * Gives other tasks a turn: the task is suspended once and requeued at the back of the run queue,
 * so every task that was already runnable runs before it resumes. Use it in long synchronous
 * loops: `yield* yieldNow()` (or `await yieldNow()`, which waits one microtask turn).
 */
export function yieldNow(): TideFuture<void> {
  return new YieldNow();
}
