/**
 * A counting semaphore (Tokio's `sync::Semaphore`): limits how many tasks use a resource at once.
 * Fair: waiters are served strictly in order, so a large request at the head of the line blocks
 * smaller ones behind it rather than starving.
 */

import { ArgumentRangeError, TideError, describeArgument } from '../errors.js';
import { FutureBase } from '../future/future-base.js';
import type { TideFuture } from '../future/future.js';
import { PENDING, type Context, type Poll, type Waker } from '../future/poll.js';
import { WaiterList, type WaiterNode } from './waiters.js';

/**
 * Thrown when acquiring from a semaphore that was closed ({@link Semaphore.close}) — Tokio's
 * `AcquireError`.
 */
export class SemaphoreClosedError extends TideError {
  /** Always `E_SEMAPHORE_CLOSED`. */
  readonly code = 'E_SEMAPHORE_CLOSED' as const;
  /** Creates the error; the message says the semaphore was closed. */
  constructor() {
    super('semaphore closed: no permits can be acquired from a closed semaphore');
  }
}

/** Checks a permit count argument. */
function checkCount(n: number, what: string): void {
  if (!Number.isSafeInteger(n) || n < 0) {
    throw new ArgumentRangeError(`${what} must be an integer between 0 and ${Semaphore.MAX_PERMITS}, got ${describeArgument(n)}`);
  }
}

/** The state a {@link Semaphore} shares with its acquire futures. */
class SemaphoreState {
  closed = false;
  /** Waiting acquires, oldest first. Invariant: while anyone waits, `permits` is 0. */
  readonly waiters = new WaiterList<Acquire>();
  constructor(public permits: number) {}

  /**
   * Returns `n` permits: they go to the waiters in order (a waiter at the head takes what it
   * still needs, possibly only part of it, before anyone behind it gets any), the rest to the pool.
   */
  release(n: number): void {
    let rest = n;
    for (let head = this.waiters.head; head !== null; head = this.waiters.head) {
      const take = Math.min(rest, head.remaining);
      head.remaining -= take;
      rest -= take;
      if (head.remaining > 0) break;
      this.waiters.remove(head);
      head.assigned();
    }
    this.permits += rest;
  }
}

/**
 * A pool of permits. `using permit = yield* sem.acquire()` waits for one and gives it back at the
 * end of the scope.
 *
 * ```ts
 * const sem = new Semaphore(3);            // at most 3 downloads at once
 * function* download(url: string) {
 *   using _permit = yield* sem.acquire();
 *   return yield* fetchIt(url);
 * }
 * ```
 */
export class Semaphore {
  /** The largest number of permits a semaphore can hold (`Number.MAX_SAFE_INTEGER`). */
  static readonly MAX_PERMITS = Number.MAX_SAFE_INTEGER;

  readonly #state: SemaphoreState;

  /**
   * @param permits - initial number of permits, an integer ≥ 0.
   * @throws RangeError if `permits` is not an integer in `[0, MAX_PERMITS]`.
   */
  constructor(permits: number) {
    checkCount(permits, 'Semaphore permits');
    this.#state = new SemaphoreState(permits);
  }

  /** Permits available right now (0 while anyone waits: released permits go to the waiters first). */
  availablePermits(): number {
    return this.#state.permits;
  }

  /** True after {@link Semaphore.close}. */
  isClosed(): boolean {
    return this.#state.closed;
  }

  /**
   * Waits for `n` permits (default 1), in line behind earlier acquires, and gives them as a
   * {@link SemaphorePermit}. Fails with {@link SemaphoreClosedError} if the semaphore is closed.
   * Lazy: it joins the line on its first poll. If the task waiting on it is aborted, the permits
   * it was already given go on to the next waiters.
   *
   * @throws RangeError if `n` is not an integer ≥ 0.
   */
  acquire(n = 1): TideFuture<SemaphorePermit> {
    checkCount(n, 'acquire: the number of permits');
    return new Acquire(this, this.#state, n);
  }

  /**
   * Takes `n` permits (default 1) if they are available now and nobody waits ahead, else returns
   * `undefined`. Throws {@link SemaphoreClosedError} if the semaphore is closed.
   *
   * @throws RangeError if `n` is not an integer ≥ 0.
   */
  tryAcquire(n = 1): SemaphorePermit | undefined {
    checkCount(n, 'tryAcquire: the number of permits');
    const state = this.#state;
    if (state.closed) throw new SemaphoreClosedError();
    if (!state.waiters.isEmpty() || state.permits < n) return undefined;
    state.permits -= n;
    return new SemaphorePermit(this, n);
  }

  /**
   * Adds `n` permits (waiters are served first). This is also how a released permit returns.
   *
   * @throws RangeError if `n` is not an integer ≥ 0 or the total would exceed `MAX_PERMITS`.
   */
  addPermits(n: number): void {
    checkCount(n, 'addPermits: the number of permits');
    const state = this.#state;
    if (state.permits + n > Semaphore.MAX_PERMITS) {
      throw new ArgumentRangeError(`addPermits: a semaphore holds at most ${Semaphore.MAX_PERMITS} permits`);
    }
    state.release(n);
  }

  /**
   * Closes the semaphore: waiting and later acquires fail with {@link SemaphoreClosedError}.
   * Permits already held stay valid and can still be released. Idempotent.
   */
  close(): void {
    const state = this.#state;
    if (state.closed) return;
    state.closed = true;
    for (let waiter = state.waiters.shift(); waiter !== null; waiter = state.waiters.shift()) {
      // What it was given so far returns to the pool.
      state.permits += waiter.n - waiter.remaining;
      waiter.fail();
    }
  }
}

/**
 * Permits taken from a {@link Semaphore}. Give them back with {@link SemaphorePermit.release} or by
 * disposing (`using permit = ...`); {@link SemaphorePermit.forget} drops them instead.
 */
export class SemaphorePermit implements Disposable {
  readonly #semaphore: Semaphore;
  #permits: number;

  /** @internal Permits come from {@link Semaphore.acquire} and {@link Semaphore.tryAcquire}. */
  constructor(semaphore: Semaphore, permits: number) {
    this.#semaphore = semaphore;
    this.#permits = permits;
  }

  /** The semaphore the permits belong to. */
  get semaphore(): Semaphore {
    return this.#semaphore;
  }

  /** How many permits this holds (0 once released or forgotten). */
  get permits(): number {
    return this.#permits;
  }

  /** Returns the permits to the semaphore (to the oldest waiters first). Idempotent. */
  release(): void {
    const n = this.#permits;
    if (n === 0) return;
    this.#permits = 0;
    this.#semaphore.addPermits(n);
  }

  /** Drops the permits without returning them: the semaphore permanently has that many fewer. */
  forget(): void {
    this.#permits = 0;
  }

  /** Same as {@link SemaphorePermit.release}. */
  [Symbol.dispose](): void {
    this.release();
  }
}

// Acquire future states.
const IDLE = 0; // not in line (never polled, or withdrawn)
const WAITING = 1; // in line; `remaining` permits still missing
const ASSIGNED = 2; // got all its permits, not yet polled
const DONE = 3; // produced its permit
const FAILED = 4; // the semaphore was closed

/** The future of {@link Semaphore.acquire}. */
class Acquire extends FutureBase<SemaphorePermit> implements WaiterNode<Acquire> {
  prevWaiter: Acquire | null = null;
  nextWaiter: Acquire | null = null;
  queued = false;
  /** Permits still missing while in line. */
  remaining = 0;
  private waker: Waker | null = null;
  private stateOf = IDLE;
  private permit: SemaphorePermit | null = null;

  constructor(
    private readonly semaphore: Semaphore,
    private readonly state: SemaphoreState,
    readonly n: number,
  ) {
    super();
  }

  poll(cx: Context): Poll<SemaphorePermit> {
    switch (this.stateOf) {
      case DONE:
        return this.permit as SemaphorePermit;
      case ASSIGNED:
        return this.done();
      case FAILED:
        throw new SemaphoreClosedError();
      case IDLE: {
        const state = this.state;
        if (state.closed) {
          this.stateOf = FAILED;
          throw new SemaphoreClosedError();
        }
        if (state.waiters.isEmpty() && state.permits >= this.n) {
          state.permits -= this.n;
          return this.done();
        }
        // Take what is there now (only possible when nobody waits) and queue for the rest.
        const take = Math.min(state.permits, this.n);
        state.permits -= take;
        this.remaining = this.n - take;
        state.waiters.push(this);
        this.stateOf = WAITING;
        break;
      }
    }
    this.waker = cx.waker;
    return PENDING;
  }

  /** All permits handed over (already dequeued): wake the task. */
  assigned(): void {
    this.stateOf = ASSIGNED;
    this.wake();
  }

  /** The semaphore closed while this waited (already dequeued). */
  fail(): void {
    this.remaining = 0;
    this.stateOf = FAILED;
    this.wake();
  }

  /**
   * Leaves the line (its task was aborted). Permits it had already been given — some while
   * waiting, or all if it was woken but not yet polled — go on to the next waiters.
   */
  override [Symbol.dispose](): void {
    const state = this.stateOf;
    if (state === WAITING) {
      this.state.waiters.remove(this);
      this.stateOf = IDLE;
      // Release even 0: a zero-permit waiter behind it may now be at the head and ready.
      this.state.release(this.n - this.remaining);
    } else if (state === ASSIGNED) {
      this.stateOf = IDLE;
      this.state.release(this.n);
    }
    this.waker = null;
  }

  private done(): SemaphorePermit {
    this.stateOf = DONE;
    this.waker = null;
    this.permit = new SemaphorePermit(this.semaphore, this.n);
    return this.permit;
  }

  private wake(): void {
    const waker = this.waker;
    this.waker = null;
    waker?.wake();
  }
}
