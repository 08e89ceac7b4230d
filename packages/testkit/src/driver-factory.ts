import type { Future } from '@tide/core';
import type { DriverFactory } from '@tide/core/driver';
import type { RuntimeFactory } from './runtime-factory.js';

/**
 * What {@link describeDriver} needs to check a driver against the contract of `@tide/core/driver`:
 * its factory, a runtime flavor to plug it into, and two ways to register with it.
 *
 * ```ts
 * describeDriver('time driver', {
 *   name: 'time',
 *   driver: () => timeDriver(),
 *   runtime: currentThreadFactory,
 *   pending: () => sleep(3_600_000),
 *   soon: () => sleep(1),
 * });
 * ```
 */
export interface DriverSuiteFactory<Name extends string = string> {
  /** The requirement name the driver serves (`'time'`, `'io'`, a plugin's own). */
  readonly name: Name;
  /** Creates the driver factory under test (called once or more per case). */
  driver(): DriverFactory<Name>;
  /**
   * A runtime flavor to plug the driver into: the suite builds it with
   * `{ time: false, drivers: [driver()] }`, or without the driver for the disabled-driver case.
   */
  readonly runtime: RuntimeFactory;
  /**
   * Creates a future that needs the driver and stays pending for the whole case (a registration
   * nothing completes, such as `sleep(3_600_000)`). It is created where the driver is current: in
   * a task, or under `handle.enter()`.
   */
  pending(): Future<unknown, Name>;
  /**
   * Optionally, a future the driver completes on its own a few milliseconds later (`sleep(1)`, a
   * loopback event). Enables the cases that check `turn()` and `park()` dispatch events.
   */
  soon?(): Future<unknown, Name>;
}
