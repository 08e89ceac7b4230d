import {
  ArgumentRangeError,
  PENDING,
  RuntimeShutdownError,
  suspendOn,
  toPromise,
  type Context,
  type Poll,
  type Suspend,
  type TideFuture,
  type Waker,
} from '@tide/core';
import { currentTimeDriver, type TimeDriver, type TimerTarget } from './driver.js';
import { checkDuration } from './duration.js';
import { Instant } from './instant.js';
import { TimerEntry, UNLINKED } from './wheel/entry.js';

/**
 * {@link TimerEntry.where} of a sleep whose deadline was reached (fired, or seen passed by a poll).
 * The wheel reads any negative `where` as "in no list", so the state costs no field of its own.
 */
const FIRED = -2;

/**
 * A future that completes at a deadline. Created with {@link sleep} or {@link sleepUntil} inside a
 * runtime with the time driver; registered in the timing wheel on first poll, removed at once
 * when its task is aborted (`[Symbol.dispose]`).
 *
 * A sleep is its own wheel entry (one object per timer, which matters with a million of them), so
 * it implements the future protocol itself rather than extending `FutureBase`.
 */
export class Sleep extends TimerEntry<TimerTarget> implements TideFuture<void, 'time'>, TimerTarget {
  /** Phantom requirement marker; never set. */
  declare readonly __requires?: (_: never) => 'time';
  // Declared and set in the constructor: class fields would be defined as `undefined` first.
  private declare readonly driver: TimeDriver;
  private declare waker: Waker | null;

  /** @internal Use `sleep` / `sleepUntil`. */
  constructor(driver: TimeDriver, deadlineMs: number) {
    super(driver.tickFor(deadlineMs), -1, undefined as unknown as TimerTarget);
    this.payload = this;
    this.driver = driver;
    this.waker = null;
  }

  /** When the sleep completes. */
  get deadlineInstant(): Instant {
    return new Instant(this.driver.timeOfTick(this.deadline));
  }

  /** True once the deadline has passed (as last observed by the driver). */
  isElapsed(): boolean {
    return this.where === FIRED || this.deadline <= this.driver.nowTick();
  }

  /** Ready once the deadline has passed; throws `RuntimeShutdownError` if the runtime shut down. */
  poll(cx: Context): Poll<void> {
    const driver = this.driver;
    // Only the driver's shutdown calls `shutdown()`: its flag is the sleep's state too.
    if (driver.isShutdown) {
      driver.cancel(this);
      throw new RuntimeShutdownError('this timer');
    }
    // Compared with the wheel's time (the last turn), not a fresh clock read: a deadline that
    // passed since then is registered and fires on the next turn (Tokio does the same).
    if (this.where === FIRED || this.deadline <= driver.elapsedTick) {
      driver.cancel(this);
      this.where = FIRED;
      return undefined;
    }
    this.waker = cx.waker;
    if (!this.isScheduled) driver.schedule(this, this.deadline);
    return PENDING;
  }

  /** Moves the deadline (re-registers if it was pending). */
  reset(deadline: Instant): void {
    this.driver.cancel(this);
    if (this.where === FIRED) this.where = UNLINKED;
    this.deadline = this.driver.tickFor(deadline.ms);
    if (this.waker !== null) this.driver.schedule(this, this.deadline);
  }

  /** @internal The wheel reached the deadline. */
  fire(): void {
    this.where = FIRED;
    this.waker?.wake();
  }

  /** @internal The driver shut down. */
  shutdown(): void {
    this.waker?.wake();
  }

  /** Lets a generator task write `yield* sleep(ms)`. */
  [Symbol.iterator](): Iterator<Suspend<'time'>, void, unknown> {
    return suspendOn(this);
  }

  /** Lets an async task write `await sleep(ms)`. */
  then<A = void, B = never>(
    onfulfilled?: ((value: void) => A | PromiseLike<A>) | null,
    onrejected?: ((reason: unknown) => B | PromiseLike<B>) | null,
  ): Promise<A | B> {
    return toPromise(this).then(onfulfilled, onrejected);
  }

  /** Removes the timer from the wheel (the task waiting on it was aborted). */
  [Symbol.dispose](): void {
    this.driver.cancel(this);
    this.waker = null;
  }
}

/**
 * Completes after `ms` milliseconds: `yield* sleep(10)` in a generator task, `await sleep(10)` in
 * an async one. Needs the time driver (`'time'` in its type); a negative, NaN or infinite `ms`
 * is an `ArgumentRangeError` (a `RangeError`).
 */
export function sleep(ms: number): Sleep {
  checkDuration('sleep', ms);
  const driver = currentTimeDriver();
  return new Sleep(driver, driver.clock.now() + ms);
}

/** Completes at `deadline` (immediately if it has passed). */
export function sleepUntil(deadline: Instant): Sleep {
  if (!(deadline instanceof Instant) || Number.isNaN(deadline.ms)) throw new ArgumentRangeError('sleepUntil: expected an Instant');
  return new Sleep(currentTimeDriver(), deadline.ms);
}
