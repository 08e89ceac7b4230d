/**
 * `@tide/testkit`: the conformance suites every tide runtime flavor and driver runs (vitest).
 *
 * - {@link describeRuntime} checks a runtime flavor against Tokio's runtime semantics as tide
 *   translates them; a flavor provides a {@link RuntimeFactory}.
 * - {@link describeDriver} checks a driver against the driver contract of `@tide/core/driver`; a
 *   driver provides a {@link DriverSuiteFactory}.
 * - The suites' tasks are TaskRefs exported from here, so worker threads that import this
 *   module's built `dist/index.js` find them by name.
 * - {@link installHangGuard} fails a test file's run (instead of hanging it) when a case blocks
 *   its thread forever, as a synchronous `blockOn` can; the suites install it themselves.
 * - `@tide/testkit/current-thread` exports `currentThreadFactory`, the adapter for
 *   `@tide/current-thread`.
 *
 * @packageDocumentation
 */
export { describeRuntime } from './describe-runtime.js';
export { describeDriver } from './describe-driver.js';
export type { RuntimeFactory, RuntimeCapabilities, RuntimeUnderTest, RuntimeBuildOptions } from './runtime-factory.js';
export type { DriverSuiteFactory } from './driver-factory.js';
export { createProbe, bump, store, read, waitNonZero, waitAtLeast, type Probe } from './probe.js';
export { turnCounterDriver, type TurnCounterOptions } from './turn-counter-driver.js';
export { installHangGuard, HANG_LIMIT_MS } from './support/hang-guard.js';
export * from './tasks.js';
