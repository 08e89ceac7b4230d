import { InvalidArgumentError } from '@tide/core';
import { HostPark, currentDriver, defineDriver, describeArgument, type Driver, type DriverContext, type DriverFactory, type Parker } from '@tide/core/driver';
import { Clock } from './clock.js';
import { ClockError } from './errors.js';
import { TimingWheel } from './wheel/timing-wheel.js';
import type { TimerEntry } from './wheel/entry.js';
// A cycle (sleep.ts imports this module), used only once both have loaded: in the constructor.
import { Sleep } from './sleep.js';

// Far below the 1 ms resolution, far above the rounding error of millisecond sums near performance.now().
const TICK_EPSILON = 1e-6;

/** Options of {@link timeDriver}. */
export interface TimeDriverOptions {
  /** Start with the clock frozen (current-thread only): timers fire only as time is advanced or auto-advanced. */
  readonly startPaused?: boolean;
}

/** What a timer entry carries: the timer to fire. */
export interface TimerTarget {
  /** The deadline passed: wake the waiting task. */
  fire(): void;
  /** The driver shut down: wake the waiting task, which then fails. */
  shutdown(): void;
}

/**
 * The time driver of one runtime thread: a hierarchical timing wheel (6 levels × 64 slots, 1 ms
 * resolution) on a {@link Clock}. Wheel time is whole milliseconds since the driver was built;
 * deadlines round up to the next millisecond, so a timer never fires early.
 */
export class TimeDriver implements Driver<'time'> {
  readonly name = 'time' as const;
  readonly clock: Clock;
  private readonly wheel = new TimingWheel<TimerTarget>();
  private readonly origin: number;
  private readonly parker: Parker;
  private readonly hostPark: HostPark;
  // The runtime's context, kept whole: calling `cx.requestTurn()` on it costs one call per timer armed, not two.
  private readonly cx: DriverContext;
  private readonly flavor: string;
  private shut = false;
  /**
   * A sleep that lives as long as the driver and is never registered. It keeps the hidden class
   * of sleeps (and the transitions that lead to it) reachable: when every sleep of a burst has
   * completed and died, a full GC would otherwise collect that class, deoptimize every function
   * compiled for it (V8's "weak objects" deopt) and make the next burst run while the JIT
   * re-learns and recompiles them.
   */
  private readonly sleepShape: Sleep;

  /** @internal Built by the runtime from {@link timeDriver}. */
  constructor(options: TimeDriverOptions, cx: DriverContext) {
    if (options.startPaused === true && cx.flavor !== 'current_thread') throw new ClockError('unsupported-flavor');
    this.clock = new Clock(options.startPaused === true);
    this.origin = this.clock.now();
    this.parker = cx.parker;
    this.hostPark = new HostPark(cx.parker);
    this.cx = cx;
    this.flavor = cx.flavor;
    this.sleepShape = new Sleep(this, this.origin);
  }

  /** True after shutdown: new timers are refused and pending ones fail. */
  get isShutdown(): boolean {
    return this.shut;
  }

  /** Live timers in the wheel. */
  get timerCount(): number {
    return this.wheel.size;
  }

  /**
   * @internal The wheel's time: the tick of the last turn (never ahead of the clock). A timer is
   * due when its deadline is at or before it; one due later is registered and fires on the next
   * turn, as in Tokio, which saves a clock read per poll.
   */
  get elapsedTick(): number {
    return this.wheel.elapsed;
  }

  /** The wheel tick (ms since the driver started) of clock time `ms`, rounded up. */
  tickFor(ms: number): number {
    // The epsilon absorbs floating-point error of (origin + n) - origin, so an exact tick stays exact.
    return Math.ceil(ms - this.origin - TICK_EPSILON);
  }

  /** The current wheel tick, rounded down. */
  nowTick(): number {
    return Math.floor(this.clock.now() - this.origin + TICK_EPSILON);
  }

  /** Clock time of a wheel tick. */
  timeOfTick(tick: number): number {
    return this.origin + tick;
  }

  /**
   * Schedules (or moves) an entry the caller owns — a timer that is its own wheel entry, so a
   * sleep costs one object rather than two.
   */
  schedule(entry: TimerEntry<TimerTarget>, tick: number): void {
    this.wheel.reschedule(entry, tick);
    this.cx.requestTurn();
  }

  /** Removes a timer (O(1); idempotent). */
  cancel(entry: TimerEntry<TimerTarget>): void {
    this.wheel.cancel(entry);
  }

  /** Fires every timer whose deadline has passed, in deadline order. */
  turn(): number {
    if (this.shut) return 0;
    // An idle wheel needs no clock read (a frozen clock is free to read, and keeps wheel time exact).
    if (this.wheel.size === 0 && !this.clock.isPaused) return 0;
    return this.wheel.advance(this.nowTick(), fireEntry);
  }

  /** Milliseconds until the next timer (0 if one is due; Infinity with none, or while the clock is frozen). */
  parkTimeout(): number {
    const next = this.wheel.nextDeadline();
    if (next === undefined) return Infinity;
    const wait = this.timeOfTick(next) - this.clock.now();
    if (wait <= 0) return 0;
    // Frozen time does not move by waiting: only auto-advance (onIdle) or advance() moves it.
    return this.clock.isPaused ? Infinity : wait;
  }

  /** True while timers are registered. */
  hasPendingWork(): boolean {
    return !this.shut && this.wheel.size > 0;
  }

  /**
   * Auto-advance: with the clock frozen, nothing runnable and a timer pending, jump to the next
   * deadline (never while blocking tasks run: they may still wake something sooner).
   */
  onIdle(blockingBusy: boolean): boolean {
    if (!this.clock.isPaused || blockingBusy || this.shut) return false;
    const next = this.wheel.nextDeadline();
    if (next === undefined) return false;
    this.clock.advanceTo(this.timeOfTick(next));
    this.turn();
    return true;
  }

  /** Moves frozen time forward by `ms` and fires what became due. */
  advance(ms: number): void {
    if (this.flavor !== 'current_thread') throw new ClockError('unsupported-flavor');
    this.clock.advance(ms);
    this.turn();
  }

  /** Freezes the clock. */
  pause(): void {
    if (this.flavor !== 'current_thread') throw new ClockError('unsupported-flavor');
    this.clock.pause();
  }

  /** Unfreezes the clock. */
  resume(): void {
    this.clock.resume();
  }

  /** Blocks the thread until the next timer or an unpark, then fires due timers. */
  park(timeoutMs: number): void {
    this.parker.park(Math.min(timeoutMs, this.parkTimeout()));
    this.turn();
  }

  /**
   * Waits without blocking until the next timer, an unpark or `signal`; one host timer is armed
   * for the next deadline, ref'd only while a timer is pending.
   */
  async parkAsync(timeoutMs: number, signal?: AbortSignal): Promise<void> {
    await this.hostPark.wait(Math.min(timeoutMs, this.parkTimeout()), signal);
    this.turn();
  }

  /** Wakes a thread parked in this driver. */
  unpark(): void {
    this.parker.unpark();
  }

  /** Shuts down: every pending timer wakes its task, which then fails with `RuntimeShutdownError`. */
  shutdown(): void {
    if (this.shut) return;
    this.shut = true;
    this.hostPark.cancelTimer();
    this.wheel.drain(shutdownEntry);
  }
}

function fireEntry(entry: TimerEntry<TimerTarget>): void {
  entry.payload.fire();
}

function shutdownEntry(entry: TimerEntry<TimerTarget>): void {
  entry.payload.shutdown();
}

const factory = defineDriver<'time', TimeDriverOptions>(
  import.meta.url,
  'timeDriver',
  'time',
  (options, cx) => new TimeDriver(options, cx),
  (options, flavor) => {
    if (options.startPaused === true && flavor !== 'current_thread') throw new ClockError('unsupported-flavor');
  },
);

/**
 * The time driver factory: `CurrentThreadRuntime.builder().enable(timeDriver())`. Sendable, so a
 * multi-thread runtime builds one per worker.
 */
export function timeDriver(options: TimeDriverOptions = {}): DriverFactory<'time', TimeDriverOptions> {
  checkOptions(options);
  return factory(options);
}

/** Refuses what is not a {@link TimeDriverOptions}: a misspelt option would otherwise be ignored. */
function checkOptions(options: TimeDriverOptions): void {
  if (options === null || typeof options !== 'object') {
    throw new InvalidArgumentError(`timeDriver() expects an options object such as { startPaused: true }, got ${describeArgument(options)}`);
  }
  for (const key of Object.keys(options)) {
    if (key !== 'startPaused') throw new InvalidArgumentError(`timeDriver(): unknown option '${key}' (the only option is startPaused)`);
  }
  if (options.startPaused !== undefined && typeof options.startPaused !== 'boolean') {
    throw new InvalidArgumentError(`timeDriver(): startPaused must be true or false, got ${describeArgument(options.startPaused)}`);
  }
}

/** This thread's time driver; throws the runtime's reason (no runtime, disabled, not driven, shut down) if none. */
export function currentTimeDriver(): TimeDriver {
  return currentDriver<TimeDriver>('time', '.enable(timeDriver())');
}
