/**
 * `@tide/testkit/current-thread`: the conformance suites' adapter for `@tide/current-thread`, to
 * run {@link describeDriver} or `describeRuntime` cases on that flavor. A separate entry because
 * it needs `@tide/current-thread` installed; the main entry depends on no flavor.
 *
 * @packageDocumentation
 */
export { currentThreadFactory } from './flavors/current-thread.js';
