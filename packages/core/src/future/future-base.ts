import { keepHiddenClass } from '../hidden-class.js';
import type { Future, TideFuture } from './future.js';
import { PENDING, type Context, type Poll, type Waker } from './poll.js';
import type { Suspend } from './suspend.js';

/**
 * The iterator behind `yield* future`: yields the future once (the scheduler polls it and
 * resumes the generator with the value), then returns what it was resumed with. `throw` and
 * `return` pass straight through so errors and aborts reach the generator at the `yield*`.
 */
class SuspendIterator<T, R extends string> implements Iterator<Suspend<R>, T, unknown> {
  private yielded = false;
  constructor(private readonly future: Future<T, R>) {}
  next(value?: unknown): IteratorResult<Suspend<R>, T> {
    if (this.yielded) return { done: true, value: value as T };
    this.yielded = true;
    return { done: false, value: this.future };
  }
  throw(error: unknown): IteratorResult<Suspend<R>, T> {
    throw error;
  }
  return(value?: unknown): IteratorResult<Suspend<R>, T> {
    return { done: true, value: value as T };
  }
}

// Every `yield*` on a pending future makes one (see keepHiddenClass).
keepHiddenClass(new SuspendIterator(PENDING as unknown as Future<unknown, never>));

/** Iterates a future for `yield*`. Use it when you implement {@link Future} without {@link FutureBase}. */
export function suspendOn<T, R extends string>(future: Future<T, R>): Iterator<Suspend<R>, T, unknown> {
  return new SuspendIterator(future);
}

/**
 * Drives a future to completion from the host: it is polled right away and again, from a
 * microtask, each time its waker fires. This is what `await future` does in an async task.
 */
class PromiseDriver<T> implements Waker, Context {
  readonly waker: Waker = this;
  private queued = false;
  constructor(
    private readonly future: Future<T, string>,
    private readonly resolve: (value: T) => void,
    private readonly reject: (error: unknown) => void,
  ) {}
  wake(): void {
    if (this.queued) return;
    this.queued = true;
    queueMicrotask(this.step);
  }
  readonly step = (): void => {
    this.queued = false;
    let result: Poll<T>;
    try {
      result = this.future.poll(this);
    } catch (error) {
      this.reject(error);
      return;
    }
    if (result !== PENDING) this.resolve(result);
  };
}

/** Turns any future into a Promise that settles with it (polling from microtasks). */
export function toPromise<T>(future: Future<T, string>): Promise<T> {
  return new Promise<T>((resolve, reject) => new PromiseDriver(future, resolve, reject).step());
}

/**
 * Base class for futures: implement `poll` (and `[Symbol.dispose]` if you hold a registration)
 * and get `yield*` support and `PromiseLike` for free.
 */
export abstract class FutureBase<T, R extends string = never> implements TideFuture<T, R> {
  /** Phantom requirement marker; never set. */
  declare readonly __requires?: (_: never) => R;

  /** See {@link Future.poll}. */
  abstract poll(cx: Context): Poll<T>;

  /** Lets a generator task write `const value = yield* future`. */
  [Symbol.iterator](): Iterator<Suspend<R>, T, unknown> {
    return new SuspendIterator(this);
  }

  /** Lets an async task write `const value = await future`. */
  then<A = T, B = never>(
    onfulfilled?: ((value: T) => A | PromiseLike<A>) | null,
    onrejected?: ((reason: unknown) => B | PromiseLike<B>) | null,
  ): Promise<A | B> {
    return toPromise(this).then(onfulfilled, onrejected);
  }

  /**
   * Releases whatever the future registered with a driver. The runtime calls it when the task
   * suspended on this future is aborted or shut down. The default holds nothing.
   */
  [Symbol.dispose](): void {}
}

/** A future that is ready at once with `value`. */
export class Ready<T> extends FutureBase<T> {
  /** @param value - the value to produce. */
  constructor(private readonly value: T) {
    super();
  }
  /** Always returns the value. */
  poll(): T {
    return this.value;
  }
}

/** A future that is ready at once with `value`. */
export function ready<T>(value: T): TideFuture<T> {
  return new Ready(value);
}

/** A future built from a poll function, for small adapters. */
export function pollFn<T, R extends string = never>(poll: (cx: Context) => Poll<T>): TideFuture<T, R> {
  return new (class extends FutureBase<T, R> {
    poll(cx: Context): Poll<T> {
      return poll(cx);
    }
  })();
}
