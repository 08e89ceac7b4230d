import { FutureBase, PENDING, RuntimeShutdownError, type Context, type Poll, type Waker } from '@tide/core';
import { currentTimeDriver, type TimeDriver, type TimerTarget } from './driver.js';
import { checkDuration } from './duration.js';
import { Instant } from './instant.js';
import type { TimerEntry } from './wheel/entry.js';

/**
 * A future that completes at a deadline. Created with {@link sleep} or {@link sleepUntil} inside a
 * runtime with the time driver; registered in the timing wheel on first poll, removed at once
 * when its task is aborted (`[Symbol.dispose]`).
 */
export class Sleep extends FutureBase<void, 'time'> implements TimerTarget {
  private readonly driver: TimeDriver;
  private tick: number;
  private entry: TimerEntry<TimerTarget> | null = null;
  private waker: Waker | null = null;
  private fired = false;
  private shut = false;

  /** @internal Use `sleep` / `sleepUntil`. */
  constructor(driver: TimeDriver, deadlineMs: number) {
    super();
    this.driver = driver;
    this.tick = driver.tickFor(deadlineMs);
  }

  /** When the sleep completes. */
  get deadline(): Instant {
    return new Instant(this.driver.timeOfTick(this.tick));
  }

  /** True once the deadline has passed (as last observed by the driver). */
  isElapsed(): boolean {
    return this.fired || this.tick <= this.driver.nowTick();
  }

  /** Ready once the deadline has passed; throws `RuntimeShutdownError` if the runtime shut down. */
  poll(cx: Context): Poll<void> {
    if (this.shut || this.driver.isShutdown) {
      this.release();
      throw new RuntimeShutdownError('this timer');
    }
    if (this.fired || this.tick <= this.driver.nowTick()) {
      this.release();
      this.fired = true;
      return undefined;
    }
    this.waker = cx.waker;
    this.entry ??= this.driver.insert(this.tick, this);
    return PENDING;
  }

  /** Moves the deadline (re-registers if it was pending). */
  reset(deadline: Instant): void {
    this.release();
    this.fired = false;
    this.tick = this.driver.tickFor(deadline.ms);
    if (this.waker !== null) this.entry = this.driver.insert(this.tick, this);
  }

  /** @internal The wheel reached the deadline. */
  fire(): void {
    this.entry = null;
    this.fired = true;
    this.waker?.wake();
  }

  /** @internal The driver shut down. */
  shutdown(): void {
    this.entry = null;
    this.shut = true;
    this.waker?.wake();
  }

  /** Removes the timer from the wheel (the task waiting on it was aborted). */
  override [Symbol.dispose](): void {
    this.release();
    this.waker = null;
  }

  private release(): void {
    if (this.entry !== null) {
      this.driver.cancel(this.entry);
      this.entry = null;
    }
  }
}

/**
 * Completes after `ms` milliseconds: `yield* sleep(10)` in a generator task, `await sleep(10)` in
 * an async one. Needs the time driver (`'time'` in its type); a negative, NaN or infinite `ms`
 * is a `RangeError`.
 */
export function sleep(ms: number): Sleep {
  checkDuration('sleep', ms);
  const driver = currentTimeDriver();
  return new Sleep(driver, driver.clock.now() + ms);
}

/** Completes at `deadline` (immediately if it has passed). */
export function sleepUntil(deadline: Instant): Sleep {
  if (!(deadline instanceof Instant) || Number.isNaN(deadline.ms)) throw new RangeError('sleepUntil: expected an Instant');
  return new Sleep(currentTimeDriver(), deadline.ms);
}
