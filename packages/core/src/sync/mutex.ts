/**
 * An async mutex (Tokio's `sync::Mutex`): a value that one task at a time may use, held across
 * suspension points. Built on a one-permit {@link Semaphore}, so waiters are served in order.
 */

import { TideError } from '../errors.js';
import { FutureBase } from '../future/future-base.js';
import type { TideFuture } from '../future/future.js';
import { PENDING, type Context, type Poll } from '../future/poll.js';
import { Semaphore, type SemaphorePermit } from './semaphore.js';

/** Where the protected value lives: shared by the mutex and its guards. */
interface Cell<T> {
  value: T;
}

/**
 * Protects `value`: `lock()` waits until no other task holds the lock and gives a
 * {@link MutexGuard} through which to read and write it.
 *
 * ```ts
 * const counter = new Mutex(0);
 * function* increment() {
 *   using guard = yield* counter.lock();
 *   const v = guard.value;
 *   yield* yieldNow();                 // other tasks run; none can touch the counter
 *   guard.value = v + 1;
 * }                                    // unlocked here
 * ```
 *
 * Only needed when the lock is held across a `yield*`/`await`: code that does not suspend runs
 * alone on its thread anyway.
 */
export class Mutex<T> {
  readonly #semaphore = new Semaphore(1);
  readonly #cell: Cell<T>;

  /** @param value - the value to protect. */
  constructor(value: T) {
    this.#cell = { value };
  }

  /**
   * Waits for the lock (first come, first served) and gives its guard. If the task waiting on it
   * is aborted, it leaves the line, and a lock it had just been handed passes to the next waiter.
   */
  lock(): TideFuture<MutexGuard<T>> {
    return new Lock(this.#semaphore.acquire(1), this.#cell);
  }

  /** Takes the lock if it is free now (and nobody waits), else returns `undefined`. */
  tryLock(): MutexGuard<T> | undefined {
    const permit = this.#semaphore.tryAcquire(1);
    return permit === undefined ? undefined : new MutexGuard(permit, this.#cell);
  }

  /** True while some guard holds the lock. */
  isLocked(): boolean {
    return this.#semaphore.availablePermits() === 0;
  }
}

/** A {@link MutexGuard}'s value was used after the guard was released. */
export class MutexGuardReleasedError extends TideError {
  /** Always `E_GUARD_RELEASED`. */
  readonly code = 'E_GUARD_RELEASED' as const;
  /** Creates the error; the message says to lock again. */
  constructor() {
    super('MutexGuard used after release: lock the mutex again to use its value');
  }
}

/**
 * Holds the lock of a {@link Mutex}: read and write the protected value through
 * {@link MutexGuard.value}, then {@link MutexGuard.release} it, or let `using` dispose it.
 */
export class MutexGuard<T> implements Disposable {
  #permit: SemaphorePermit | null;
  readonly #cell: Cell<T>;

  /** @internal Guards come from {@link Mutex.lock} and {@link Mutex.tryLock}. */
  constructor(permit: SemaphorePermit, cell: Cell<T>) {
    this.#permit = permit;
    this.#cell = cell;
  }

  /**
   * The protected value. Throws {@link MutexGuardReleasedError} after the guard was released: holding on to a guard
   * past its lock would let two tasks touch the value at once.
   */
  get value(): T {
    this.check();
    return this.#cell.value;
  }
  set value(value: T) {
    this.check();
    this.#cell.value = value;
  }

  /** True until the guard is released. */
  isHeld(): boolean {
    return this.#permit !== null;
  }

  /** Unlocks the mutex (the next waiter gets it). Idempotent. */
  release(): void {
    const permit = this.#permit;
    if (permit === null) return;
    this.#permit = null;
    permit.release();
  }

  /** Same as {@link MutexGuard.release}. */
  [Symbol.dispose](): void {
    this.release();
  }

  private check(): void {
    if (this.#permit === null) {
      throw new MutexGuardReleasedError();
    }
  }
}

/** The future of {@link Mutex.lock}: an acquire of the one permit, wrapped into a guard. */
class Lock<T> extends FutureBase<MutexGuard<T>> {
  private guard: MutexGuard<T> | null = null;

  constructor(
    private readonly acquire: TideFuture<SemaphorePermit>,
    private readonly cell: Cell<T>,
  ) {
    super();
  }

  poll(cx: Context): Poll<MutexGuard<T>> {
    if (this.guard !== null) return this.guard;
    const permit = this.acquire.poll(cx);
    if (permit === PENDING) return PENDING;
    this.guard = new MutexGuard(permit, this.cell);
    return this.guard;
  }

  /** Leaves the line; a lock handed over but not yet observed passes on (see the acquire future). */
  override [Symbol.dispose](): void {
    this.acquire[Symbol.dispose]();
  }
}
