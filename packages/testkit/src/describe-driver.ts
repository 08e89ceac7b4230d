import { describe } from 'vitest';
import { installHangGuard } from './support/hang-guard.js';
import type { DriverSuiteFactory } from './driver-factory.js';
import { driverContractCases } from './driver-suite/contract.js';
import { driverInRuntimeCases } from './driver-suite/in-runtime.js';

/**
 * Registers the driver conformance suite (vitest) for one driver: the contract of
 * `@tide/core/driver` checked on a standalone instance (sendable factory, `turn` without events
 * returns 0, `parkTimeout`/`hasPendingWork` follow registrations, shutdown wakes registrations that
 * then fail with `RuntimeShutdownError`, `unpark` from another thread wakes a `park`), then the
 * driver plugged into a runtime (`DriverDisabledError`, `NoRuntimeError`, `DriverNotDrivenError`,
 * registrations released on abort and shutdown).
 *
 * ```ts
 * describeDriver('time driver', { name: 'time', driver: () => timeDriver(), runtime, pending: () => sleep(3_600_000), soon: () => sleep(1) });
 * ```
 *
 * @param name - the name of the top-level `describe` block.
 * @param suite - the driver factory, a runtime flavor to plug it into, and how to register with it.
 */
export function describeDriver<Name extends string>(name: string, suite: DriverSuiteFactory<Name>): void {
  describe(name, () => {
    installHangGuard();
    driverContractCases(suite);
    driverInRuntimeCases(suite);
  });
}
