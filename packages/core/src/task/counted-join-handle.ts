import { NOOP_WAKER, PENDING, type Context, type Poll } from '../future/poll.js';
import type { RuntimeCore } from '../runtime/runtime-core.js';
import { JoinHandle, type Outcome, type TaskOwner } from './join-handle.js';

/**
 * Who counts the pending joins of {@link CountedJoinHandle}s: usually the thing that delivers
 * their outcomes on this thread (a blocking pool, a multi-thread runtime's task origin). The
 * counter keeps the count itself; each handle reports at most one pending join of each kind.
 */
export interface JoinCounter {
  /** A task on this thread started waiting for a pending handle (`yield* handle`). */
  joined(): void;
  /** That wait is over: the handle settled, or the joining task was aborted. */
  left(): void;
  /**
   * Host code started awaiting a pending handle (`await handle`, `handle.then(…)`). Optional: a
   * counter that does not need to know leaves both host hooks out.
   */
  hostJoined?(): void;
  /** A handle host code awaited settled (follows {@link JoinCounter.hostJoined}). */
  hostLeft?(): void;
}

/**
 * The join handle of a task whose outcome arrives from another thread (a blocking-pool task, a
 * multi-thread task): it reports to a {@link JoinCounter} while someone on this thread waits for
 * it, so a runtime that does not own the task knows to collect its outcome and to be woken by it
 * — a current-thread `blockOn` that joins it holds the thread in `Atomics.wait`, and only a
 * counted join tells it that a foreign completion is awaited (see `ForeignCompletions`).
 *
 * - `yield* handle` on a pending handle counts one join (`joined`) until the handle settles or the
 *   joining task is aborted (`left`).
 * - `await handle` / `then` on a pending handle reports a host join (`hostJoined`, then
 *   `hostLeft` when it settles), if the counter has those hooks.
 *
 * Joining itself is core's {@link JoinHandle}'s: every `then` shares one promise and a `yield*`
 * joiner rides along with it, so any mix of awaits and joins on one handle gets the outcome.
 * Flavor authors create these and settle them with `settle` when the outcome arrives.
 */
export class CountedJoinHandle<T = unknown, R extends string = string> extends JoinHandle<T, R> {
  /** True while a task on this thread joins it with `yield*` (reported to the counter). */
  private joinPending = false;
  /** True while host code awaits it (reported to the counter, if it has host hooks). */
  private hostJoinPending = false;

  /**
   * @param runtime - the runtime the task belongs to (`Handle.current()` inside it).
   * @param owner - who aborts the task (`abort()`).
   * @param counter - who counts the pending joins.
   */
  constructor(
    runtime: RuntimeCore,
    owner: TaskOwner,
    private readonly counter: JoinCounter,
  ) {
    super(runtime, owner, null, null);
  }

  /** `yield* handle`: a pending join is counted until the handle settles or the joiner lets go. */
  override poll(cx: Context): Poll<T> {
    const value = super.poll(cx);
    if (value === PENDING && !this.joinPending && cx.waker !== NOOP_WAKER) {
      this.joinPending = true;
      this.counter.joined();
    }
    return value;
  }

  /** `await handle`: reported as a host join while the handle is pending (see {@link JoinCounter.hostJoined}). */
  override then<A = T, B = never>(
    onfulfilled?: ((value: T) => A | PromiseLike<A>) | null,
    onrejected?: ((reason: unknown) => B | PromiseLike<B>) | null,
  ): Promise<A | B> {
    if (!this.hostJoinPending && this.counter.hostJoined !== undefined && !this.isFinished()) {
      this.hostJoinPending = true;
      this.counter.hostJoined();
    }
    return super.then(onfulfilled, onrejected);
  }

  /** The joining task was aborted: it no longer waits for this handle. */
  override [Symbol.dispose](): void {
    this.leave();
    super[Symbol.dispose]();
  }

  /** @internal Records the outcome (see `JoinHandle.settle`); no join is pending any more. */
  override settle(outcome: Outcome, result: unknown): boolean {
    this.leave();
    if (this.hostJoinPending) {
      this.hostJoinPending = false;
      this.counter.hostLeft?.();
    }
    return super.settle(outcome, result);
  }

  private leave(): void {
    if (!this.joinPending) return;
    this.joinPending = false;
    this.counter.left();
  }
}
