import { FutureBase, PENDING, type Context, type Poll } from '@tide/core';
import { currentTimeDriver, type TimeDriver } from './driver.js';
import { checkDuration } from './duration.js';

/**
 * Freezes the current runtime's clock (current-thread only). While frozen and idle with a timer
 * pending, the runtime jumps to the next deadline, so tests of long timeouts take microseconds.
 * Throws if time is already frozen, outside a runtime, or on a multi-thread runtime.
 */
export function pause(): void {
  currentTimeDriver().pause();
}

/** Lets the current runtime's clock run again. Throws if it is not frozen. */
export function resume(): void {
  currentTimeDriver().resume();
}

/** The future of {@link advance}: moves frozen time, fires what became due, then yields once. */
class Advance extends FutureBase<void, 'time'> {
  private driver: TimeDriver | null;
  constructor(private readonly ms: number) {
    super();
    this.driver = currentTimeDriver();
  }
  poll(cx: Context): Poll<void> {
    const driver = this.driver;
    if (driver === null) return undefined;
    this.driver = null;
    driver.advance(this.ms);
    // Yield once so the tasks whose timers just fired run before the caller continues.
    cx.waker.wake();
    return PENDING;
  }
}

/**
 * Moves the frozen clock forward by `ms`, fires every timer that became due, and yields once so
 * their tasks run: `yield* advance(1000)`. Throws if time is not frozen.
 */
export function advance(ms: number): FutureBase<void, 'time'> {
  checkDuration('advance', ms);
  return new Advance(ms);
}
