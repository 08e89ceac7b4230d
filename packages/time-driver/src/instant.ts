import { performance } from 'node:perf_hooks';
import { currentFrame } from '@tide/core/driver';
import { checkDuration } from './duration.js';
import type { TimeDriver } from './driver.js';

/** The clock `Instant.now()` reads: the current runtime's time driver (paused or not), else real time. */
function clockNow(): number {
  const frame = currentFrame();
  if (frame !== null) {
    try {
      return (frame.runtime.driver('time') as TimeDriver).clock.now();
    } catch {
      // No usable time driver here: fall back to real time.
    }
  }
  return performance.now();
}

/**
 * A point in monotonic time, in milliseconds. Inside a runtime it reads that runtime's clock, so
 * a paused clock's `Instant.now()` moves only as time is advanced.
 */
export class Instant {
  /** @param ms - milliseconds on the monotonic clock (`performance.now()`'s origin). */
  constructor(readonly ms: number) {}

  /** Now, on the current runtime's clock. */
  static now(): Instant {
    return new Instant(clockNow());
  }

  /** This instant plus `ms`. */
  add(ms: number): Instant {
    return new Instant(this.ms + checkDuration('Instant.add', ms));
  }

  /** Milliseconds from `earlier` to this instant (0 if `earlier` is later). */
  since(earlier: Instant): number {
    return Math.max(0, this.ms - earlier.ms);
  }

  /** Milliseconds from this instant to now. */
  elapsed(): number {
    return Math.max(0, clockNow() - this.ms);
  }

  /** Orders instants: negative if this is earlier. */
  compare(other: Instant): number {
    return this.ms - other.ms;
  }
}
