import {
  Elapsed,
  InvalidTaskError,
  FutureBase,
  GeneratorFuture,
  JoinHandle,
  PENDING,
  isFuture,
  type Context,
  type Future,
  type Poll,
  type Suspend,
} from '@tide/core';
import { checkDuration } from './duration.js';
import { Instant } from './instant.js';
import { sleepUntil, type Sleep } from './sleep.js';

/** What `timeout` can bound: a future (including a `JoinHandle`) or a generator call (`work(arg)`). */
export type TimeoutTarget<T, R extends string> = Future<T, R> | Generator<Suspend<R>, T, unknown>;

/**
 * A future that completes with the inner work's value, or fails with {@link Elapsed} when the
 * deadline passes first; the inner work is then cancelled (a generator's `finally` blocks run, a
 * `JoinHandle`'s task is aborted, a future's registration is released).
 */
export class Timeout<T, R extends string> extends FutureBase<T, R | 'time'> {
  private readonly inner: Future<T, R>;
  private readonly delay: Sleep;
  private cancelling = false;

  /** @internal Use {@link timeout}. */
  constructor(deadline: Instant, target: TimeoutTarget<T, R>) {
    super();
    this.inner = isFuture(target) ? target : new GeneratorFuture(checkTarget(target));
    this.delay = sleepUntil(deadline);
  }

  /** Polls the inner work first (so work that is ready wins), then the deadline. */
  poll(cx: Context): Poll<T> {
    if (this.cancelling) return this.pollCancellation(cx);
    const value = this.inner.poll(cx);
    if (value !== PENDING) {
      this.delay[Symbol.dispose]();
      return value;
    }
    if (this.delay.poll(cx) === PENDING) return PENDING;
    this.cancelling = true;
    return this.pollCancellation(cx);
  }

  private pollCancellation(cx: Context): Poll<T> {
    const inner = this.inner;
    if (inner instanceof GeneratorFuture) {
      // A generator's finally blocks may wait themselves: finish them before failing.
      if (!inner.cancel() && !inner.isDone() && inner.poll(cx) === PENDING && !inner.isDone()) return PENDING;
    } else if (inner instanceof JoinHandle) {
      inner.abort();
    } else {
      (inner as Partial<Disposable>)[Symbol.dispose]?.();
    }
    throw new Elapsed();
  }

  /** Cancels the inner work and the timer (the task waiting on the timeout was aborted). */
  override [Symbol.dispose](): void {
    this.delay[Symbol.dispose]();
    const inner = this.inner as Partial<Disposable>;
    inner[Symbol.dispose]?.();
  }
}

/** A generator call passes; anything else that is not a future is refused at the call. */
function checkTarget<T, R extends string>(target: Generator<Suspend<R>, T, unknown>): Generator<Suspend<R>, T, unknown> {
  const candidate = target as Partial<Generator> | null | undefined;
  if (typeof candidate?.next === 'function' && typeof candidate.throw === 'function' && typeof candidate.return === 'function') return target;
  throw new InvalidTaskError(
    target,
    'a future (sleep(…), a JoinHandle, a channel receive…) or a generator call such as work(arg) for timeout ' +
      '(to bound a Promise, run it as a task, spawn(async () => …), and pass its JoinHandle)',
  );
}

/**
 * Bounds work by `ms` milliseconds: `yield* timeout(100, fetch(url))` returns the value or throws
 * {@link Elapsed} (`code: 'E_ELAPSED'`), cancelling the work.
 */
export function timeout<T, R extends string>(ms: number, target: TimeoutTarget<T, R>): Timeout<T, R> {
  checkDuration('timeout', ms);
  return new Timeout(Instant.now().add(ms), target);
}

/** Like {@link timeout} with an absolute deadline. */
export function timeoutAt<T, R extends string>(deadline: Instant, target: TimeoutTarget<T, R>): Timeout<T, R> {
  return new Timeout(deadline, target);
}
