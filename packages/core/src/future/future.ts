import type { Context, Poll } from './poll.js';
import type { Suspend } from './suspend.js';

/**
 * A value that becomes available later. Plugin authors implement `poll`; everyone else
 * `yield*`s it in a generator task or `await`s it in an async task.
 *
 * `R` is the phantom union of driver names the future needs to complete (`never` when it needs
 * none), so the compiler can refuse to block on it where those drivers are not turned.
 */
export interface Future<T, R extends string = never> extends Suspend<R> {
  /**
   * Returns the value when ready, or {@link PENDING} after arranging for `cx.waker` to be woken
   * when it may be ready. Throws to fail. Must not be called again after it returned a value.
   */
  poll(cx: Context): Poll<T>;
  /** Lets generator tasks write `const v = yield* future`. */
  [Symbol.iterator](): Iterator<Suspend<R>, T, unknown>;
}

/** A future tide ships: also awaitable, and disposable to release driver registrations. */
export interface TideFuture<T, R extends string = never> extends Future<T, R>, PromiseLike<T>, Disposable {}

/** The value type of a future. */
export type FutureOutput<F> = F extends Future<infer T, string> ? T : never;

/** The requirement union of a future. */
export type FutureRequirements<F> = F extends Suspend<infer R> ? R : never;

/** True if `value` looks like a tide future (has a `poll` method and is iterable). */
export function isFuture(value: unknown): value is Future<unknown, string> {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { poll?: unknown }).poll === 'function' &&
    typeof (value as { [Symbol.iterator]?: unknown })[Symbol.iterator] === 'function'
  );
}
