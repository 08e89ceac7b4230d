import { FutureBase } from './future-base.js';
import { PENDING, type Context, type Poll } from './poll.js';
import type { Suspend } from './suspend.js';

function dispose(future: Suspend): void {
  (future as Partial<Disposable>)[Symbol.dispose]?.();
}

/**
 * Runs a generator (the object a generator function returns) as a future, inside whatever task
 * polls it: it polls each future the generator `yield*`s with the poller's context. Cancelling it
 * (`[Symbol.dispose]` or {@link GeneratorFuture.cancel}) returns the generator at its suspension
 * point so its `finally` blocks run; if they `yield*`, keep polling until it is done.
 *
 * This is how `timeout(ms, work(arg))` and other combinators accept generator calls.
 */
export class GeneratorFuture<T, R extends string = string> extends FutureBase<T, R> {
  private awaiting: Suspend | null = null;
  private cancelled = false;
  private done = false;

  /** @param gen - a started or fresh generator; it is driven to completion by polling. */
  constructor(private readonly gen: Generator<Suspend<R>, T, unknown>) {
    super();
  }

  /** Steps the generator until it is pending or done. */
  poll(cx: Context): Poll<T> {
    let mode = 0; // 0 next, 1 throw
    let input: unknown = undefined;
    for (;;) {
      const awaiting = this.awaiting;
      if (awaiting !== null) {
        let value: unknown;
        try {
          value = awaiting.poll(cx);
        } catch (error) {
          this.awaiting = null;
          mode = 1;
          input = error;
          value = undefined;
        }
        if (mode === 0) {
          if (value === PENDING) return PENDING;
          this.awaiting = null;
          input = value;
        }
      }
      const result = mode === 0 ? this.gen.next(input) : this.gen.throw(input);
      mode = 0;
      input = undefined;
      if (result.done === true) {
        this.done = true;
        return result.value;
      }
      this.awaiting = result.value;
    }
  }

  /**
   * Stops the generator at its suspension point: its `finally` blocks run. Returns true when the
   * generator finished; false if a `finally` block is itself waiting (poll again to finish it).
   */
  cancel(): boolean {
    if (this.done) return true;
    if (!this.cancelled) {
      this.cancelled = true;
      if (this.awaiting !== null) dispose(this.awaiting);
      this.awaiting = null;
      const result = this.gen.return(undefined as T);
      if (result.done === true) {
        this.done = true;
        return true;
      }
      this.awaiting = result.value;
      return false;
    }
    return false;
  }

  /** True once the generator has returned (normally or after cancellation). */
  isDone(): boolean {
    return this.done;
  }

  /** Cancels the generator (see {@link GeneratorFuture.cancel}). */
  override [Symbol.dispose](): void {
    this.cancel();
  }
}
