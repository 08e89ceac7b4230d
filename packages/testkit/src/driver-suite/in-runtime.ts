import { DriverDisabledError, DriverNotDrivenError, Handle, NoRuntimeError, RuntimeShutdownError } from '@tide/core';
import { currentDriver, type Driver } from '@tide/core/driver';
import { afterEach, describe, expect, it } from 'vitest';
import type { DriverSuiteFactory } from '../driver-factory.js';
import type { RuntimeUnderTest } from '../runtime-factory.js';

/** Calls `fn`; returns what it threw, or fails the case if it returned. */
function thrownBy(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error, but the call returned');
}

/**
 * The driver plugged into a runtime (the `runtime` factory of the suite): the errors a future
 * gives where the driver is missing, not turned or shut down, and registrations released when the
 * task waiting on them is aborted or the runtime shuts down.
 */
export function driverInRuntimeCases<Name extends string>(suite: DriverSuiteFactory<Name>): void {
  const { runtime: flavor } = suite;
  const built: RuntimeUnderTest[] = [];
  afterEach(() => {
    for (const rt of built.splice(0)) rt.shutdown(0);
  });
  const build = (withDriver: boolean): RuntimeUnderTest => {
    const rt = flavor.build({ time: false, drivers: withDriver ? [suite.driver()] : [] });
    built.push(rt);
    return rt;
  };
  /** Runs `fn` inside `rt`'s context on this thread. */
  const within = <T>(rt: RuntimeUnderTest, fn: () => T): T => {
    const guard = rt.handle.enter();
    try {
      return fn();
    } finally {
      guard.exit();
    }
  };

  describe('in a runtime', () => {
    it('outside any runtime, creating a registration throws NoRuntimeError', () => {
      expect(Handle.tryCurrent().ok).toBe(false);
      expect(() => suite.pending()).toThrow(NoRuntimeError);
    });

    it('in a runtime built without the driver, it throws DriverDisabledError naming the driver', () => {
      const rt = build(false);
      const error = within(rt, () => thrownBy(() => suite.pending()));
      expect(error).toBeInstanceOf(DriverDisabledError);
      expect(error).toMatchObject({ code: 'E_DRIVER_DISABLED', driver: suite.name });
      expect((error as Error).message).toContain(`'${suite.name}'`);
    });

    it('the runtime lists the driver and hands the same instance to every future on its thread', () => {
      const rt = build(true);
      expect(rt.handle.drivers).toContain(suite.name);
      const [first, second] = within(rt, () => [currentDriver<Driver>(suite.name), currentDriver<Driver>(suite.name)]);
      expect(first).toBe(second);
      expect(first.name).toBe(suite.name);
      expect(first.hasPendingWork()).toBe(false);
    });

    it.runIf(flavor.acceptsClosures && suite.soon !== undefined)('a task waiting on the driver completes through the runtime’s blockOn', () => {
      const rt = build(true);
      expect(
        rt.blockOn(function* () {
          yield* suite.soon!();
          return 'done';
        }),
      ).toBe('done');
    });

    it.runIf(flavor.acceptsClosures && !flavor.handleBlockOnDrivesDrivers)(
      'handle.blockOn on a registration throws DriverNotDrivenError naming the driver',
      () => {
        const rt = build(true);
        const error = thrownBy(() =>
          rt.handle.blockOn(function* () {
            yield* suite.pending();
          }),
        );
        expect(error).toBeInstanceOf(DriverNotDrivenError);
        expect((error as DriverNotDrivenError).drivers).toEqual([suite.name]);
      },
    );

    it.runIf(flavor.acceptsClosures && flavor.drivenByCaller)('aborting a task suspended on the driver releases its registration', async () => {
      const rt = build(true);
      let finallyRan = false;
      const task = rt.handle.spawn(function* () {
        try {
          yield* suite.pending();
        } finally {
          finallyRan = true;
        }
      });
      rt.blockOn(function* () {
        yield* Handle.current().spawn(function* () {});
      });
      const driver = within(rt, () => currentDriver<Driver>(suite.name));
      expect(driver.hasPendingWork()).toBe(true);
      task.abort();
      rt.blockOn(function* () {
        yield* Handle.current().spawn(function* () {});
      });
      expect(finallyRan).toBe(true);
      expect(driver.hasPendingWork()).toBe(false);
      await expect(Promise.resolve(task)).rejects.toMatchObject({ code: 'E_JOIN' });
    });

    it.runIf(flavor.acceptsClosures && flavor.drivenByCaller)(
      'shutdown cancels waiting tasks, shuts the driver down; later registrations fail with RuntimeShutdownError',
      () => {
        const rt = build(true);
        let finallyRan = false;
        void rt.handle.spawn(function* () {
          try {
            yield* suite.pending();
          } finally {
            finallyRan = true;
          }
        });
        rt.blockOn(function* () {
          yield* Handle.current().spawn(function* () {});
        });
        const driver = within(rt, () => currentDriver<Driver>(suite.name));
        rt.shutdown(0);
        expect(finallyRan).toBe(true);
        expect(driver.hasPendingWork()).toBe(false);
        expect(within(rt, () => thrownBy(() => suite.pending()))).toBeInstanceOf(RuntimeShutdownError);
        expect(
          thrownBy(() =>
            rt.handle.blockOn(function* () {
              yield* suite.pending();
            }),
          ),
        ).toBeInstanceOf(RuntimeShutdownError);
      },
    );
  });
}
