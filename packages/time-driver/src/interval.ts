import { ArgumentRangeError, FutureBase, PENDING, type Context, type Poll } from '@tide/core';
import { describeArgument } from '@tide/core/driver';
import { checkDuration } from './duration.js';
import { Instant } from './instant.js';
import { sleepUntil, type Sleep } from './sleep.js';

/** What an {@link Interval} does when ticks were missed (the task was late), as in Tokio. */
export type MissedTickBehavior = 'burst' | 'delay' | 'skip';

/** Options of {@link interval}. */
export interface IntervalOptions {
  /** Default `'burst'`: catch up by firing the missed ticks back to back. */
  readonly missedTickBehavior?: MissedTickBehavior;
}

// A tick counts as missed only if it is more than this late (Tokio's threshold).
const MISSED_THRESHOLD_MS = 5;

/** The future returned by `interval.tick()`. */
class Tick extends FutureBase<Instant, 'time'> {
  constructor(private readonly interval: Interval) {
    super();
  }
  poll(cx: Context): Poll<Instant> {
    return this.interval.pollTick(cx);
  }
  override [Symbol.dispose](): void {
    this.interval.release();
  }
}

/**
 * Ticks every `period` ms; the first tick completes immediately. Each `yield* interval.tick()`
 * gives the instant the tick was scheduled for.
 */
export class Interval {
  private readonly delay: Sleep;
  private scheduled: Instant;

  /** @internal Use {@link interval}. */
  constructor(
    readonly period: number,
    readonly missedTickBehavior: MissedTickBehavior,
    start: Instant,
  ) {
    this.scheduled = start;
    this.delay = sleepUntil(start);
  }

  /** Waits for the next tick. */
  tick(): FutureBase<Instant, 'time'> {
    return new Tick(this);
  }

  /** Restarts the schedule: the next tick is one period from now. */
  reset(): void {
    this.scheduled = Instant.now().add(this.period);
    this.delay.reset(this.scheduled);
  }

  /** @internal */
  pollTick(cx: Context): Poll<Instant> {
    if (this.delay.poll(cx) === PENDING) return PENDING;
    const tick = this.scheduled;
    const now = Instant.now();
    let next: Instant;
    if (now.ms > tick.ms + MISSED_THRESHOLD_MS) {
      switch (this.missedTickBehavior) {
        case 'burst':
          next = tick.add(this.period);
          break;
        case 'delay':
          next = now.add(this.period);
          break;
        case 'skip':
          next = new Instant(now.ms + this.period - ((now.ms - tick.ms) % this.period));
          break;
      }
    } else {
      next = tick.add(this.period);
    }
    this.scheduled = next;
    this.delay.reset(next);
    return tick;
  }

  /** @internal The waiting task was aborted: drop the timer registration. */
  release(): void {
    this.delay[Symbol.dispose]();
  }
}

/**
 * A periodic timer: the first tick is immediate, then one every `period` ms. A zero, negative
 * or non-finite period is an `ArgumentRangeError` (a `RangeError`).
 */
export function interval(period: number, options: IntervalOptions = {}): Interval {
  checkDuration('interval', period);
  if (period === 0) throw new ArgumentRangeError('interval: period must be greater than zero');
  const behavior = options.missedTickBehavior ?? 'burst';
  if (behavior !== 'burst' && behavior !== 'delay' && behavior !== 'skip') {
    throw new ArgumentRangeError(`interval: missedTickBehavior must be 'burst', 'delay' or 'skip', got ${describeArgument(behavior)}`);
  }
  return new Interval(period, behavior, Instant.now());
}
