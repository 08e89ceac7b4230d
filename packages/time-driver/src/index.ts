/**
 * `@tide/time-driver`: Tokio's timer for tide — a hierarchical timing wheel turned by the runtime,
 * with `sleep`, `timeout`, `interval`, `Instant` and a paused clock for deterministic tests.
 *
 * ```ts
 * const rt = CurrentThreadRuntime.builder().enable(timeDriver()).build();
 * rt.blockOn(function* () { yield* sleep(10); });
 * ```
 *
 * @packageDocumentation
 */
export { timeDriver, TimeDriver, currentTimeDriver, type TimeDriverOptions, type TimerTarget } from './driver.js';
export { sleep, sleepUntil, Sleep } from './sleep.js';
export { timeout, timeoutAt, Timeout, type TimeoutTarget } from './timeout.js';
export { interval, Interval, type IntervalOptions, type MissedTickBehavior } from './interval.js';
export { Instant } from './instant.js';
export { pause, resume, advance } from './pause.js';
export { Clock } from './clock.js';
export { ClockError, type ClockErrorKind } from './errors.js';
export { TimingWheel, MAX_DURATION, NUM_LEVELS } from './wheel/timing-wheel.js';
export { TimerEntry } from './wheel/entry.js';
