/**
 * The poll protocol that plugin authors implement. Application authors never see it: they
 * `yield*` or `await` futures.
 */

/** The one "not ready" value a {@link Future.poll} returns. */
export const PENDING: unique symbol = Symbol('tide.pending');

/** The result of polling: the value, or {@link PENDING}. */
export type Poll<T> = T | typeof PENDING;

/**
 * Wakes the task that is suspended on a future. May be called from any code on the runtime's
 * thread, any number of times; extra wakes are cheap and harmless.
 */
export interface Waker {
  /** Schedule the task to be polled again. */
  wake(): void;
}

/** What a future's `poll` receives: the waker to store if the future is not ready yet. */
export interface Context {
  /** The waker of the task being polled. */
  readonly waker: Waker;
}

/** A waker that does nothing, for polling a future whose readiness you check yourself. */
export const NOOP_WAKER: Waker = Object.freeze({ wake() {} });

/** A context holding {@link NOOP_WAKER}. */
export const NOOP_CONTEXT: Context = Object.freeze({ waker: NOOP_WAKER });
