import { DriverDisabledError, JoinError, NoRuntimeError } from '@tide/core';
import { sleep } from '@tide/time-driver';
import { describe, expect } from 'vitest';
import { createProbe, read } from '../probe.js';
import {
  asyncSleep,
  intervalOffsets,
  sleepFor,
  sleepOrder,
  sleepThenSet,
  sleepUnderLoad,
  spawnJoin,
  timeoutOverSleep,
  timeoutOverTask,
  viaSpawnBlocking,
  yieldUntilSet,
} from '../tasks.js';
import type { SuiteContext } from './suite-context.js';

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Timers through the time driver (Tokio's rt_common `sleep_at_root`, `sleep_in_spawn`,
 * `sleep_from_blocking`, `complete_block_on_under_load`, `io_driver_called_when_under_load`;
 * rt_basic `timeout_panics_when_no_time_handle`): sleep, timeout, interval, deadline order,
 * timers under load, and the errors when the driver is missing or not turned.
 */
export function timerCases(ctx: SuiteContext): void {
  const { factory, it } = ctx;

  describe('timers', () => {
    it('sleep at the root (sleep_at_root)', () => {
      const rt = ctx.runtime();
      expect(rt.blockOn(sleepFor, 10)).toBeGreaterThanOrEqual(10);
    });

    it('sleep in a spawned task (sleep_in_spawn)', () => {
      const rt = ctx.runtime();
      expect(rt.blockOn(spawnJoin, 'sleepFor', [10])).toBeGreaterThanOrEqual(10);
    });

    it('sleep in an async task driven by run()', async (context) => {
      const rt = ctx.runtime();
      if (rt.run === undefined) return context.skip();
      expect(await rt.run(asyncSleep, 10)).toBeGreaterThanOrEqual(10);
    });

    it('timers fire in deadline order', () => {
      const rt = ctx.runtime();
      expect(rt.blockOn(sleepOrder, [40, 10, 30, 20, 0])).toEqual([0, 10, 20, 30, 40]);
    });

    it('timeout fails with Elapsed when the deadline passes first, and cancels the work (its finally runs)', () => {
      const rt = ctx.runtime();
      const probe = createProbe();
      expect(rt.blockOn(timeoutOverSleep, 10, DAY_MS, probe, 0)).toBe('E_ELAPSED');
      expect(read(probe, 0)).toBe(1);
    });

    it('timeout lets work that completes first win', () => {
      const rt = ctx.runtime();
      const probe = createProbe();
      expect(rt.blockOn(timeoutOverSleep, DAY_MS, 5, probe, 0)).toBe('completed');
      expect(read(probe, 0)).toBe(1);
    });

    it('timeout over a JoinHandle aborts the task when the deadline passes', () => {
      const rt = ctx.runtime();
      const probe = createProbe();
      expect(rt.blockOn(timeoutOverTask, 10, probe, 0, 1)).toBe('E_ELAPSED/cancelled');
      expect(read(probe, 0)).toBe(1);
      expect(read(probe, 1)).toBe(1);
    });

    it('interval: the first tick is immediate, then one per period', () => {
      const rt = ctx.runtime();
      expect(rt.blockOn(intervalOffsets, 10, 4)).toEqual([0, 10, 20, 30]);
    });

    it('a root timer completes while another task keeps the runtime busy (complete_block_on_under_load)', async () => {
      const rt = ctx.realClockRuntime();
      const probe = createProbe();
      // Busy until the root's timer fired (or, if it never fires, until it gives up and fails).
      const busy = rt.handle.spawn(yieldUntilSet, probe, 0, 50_000_000);
      rt.blockOn(sleepThenSet, 2, probe, 0);
      expect(read(probe, 0)).toBe(1);
      await expect(ctx.join(rt, busy)).resolves.toEqual(expect.any(Number));
    });

    it('the time driver is turned under load: a spawned sleeper wakes busy tasks (io_driver_called_when_under_load)', () => {
      const rt = ctx.realClockRuntime();
      const yields = rt.blockOn(sleepUnderLoad, 2, 4, 50_000_000);
      expect(yields).toHaveLength(4);
    });

    it('without the time driver a timer throws DriverDisabledError naming the driver (timeout_panics_when_no_time_handle)', () => {
      const rt = ctx.build({ time: false });
      let thrown: unknown;
      try {
        rt.blockOn(sleepFor, 1);
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(DriverDisabledError);
      expect(thrown).toMatchObject({ code: 'E_DRIVER_DISABLED', driver: 'time' });
      expect((thrown as Error).message).toContain('timeDriver()');
      const probe = createProbe();
      expect(rt.blockOn(timeoutOverSleep, 10, 10, probe, 0)).toBe('E_DRIVER_DISABLED');
    });

    it('outside any runtime a timer throws NoRuntimeError', () => {
      expect(() => sleep(1)).toThrow(NoRuntimeError);
    });

    it.runIf(!factory.handleBlockOnDrivesDrivers)('a timer on a blocking thread throws DriverNotDrivenError (sleep_from_blocking)', () => {
      const rt = ctx.runtime();
      for (const task of ['blockingCreateSleep', 'blockingHandleSleep'] as const) {
        let thrown: unknown;
        try {
          rt.blockOn(viaSpawnBlocking, task, [5]);
        } catch (error) {
          thrown = error;
        }
        expect(thrown).toBeInstanceOf(JoinError);
        expect((thrown as JoinError).isPanic()).toBe(true);
        expect((thrown as JoinError).cause).toMatchObject({ code: 'E_DRIVER_NOT_DRIVEN' });
      }
    });

    it.runIf(factory.handleBlockOnDrivesDrivers)('a blocking thread can sleep through its handle (sleep_from_blocking)', () => {
      const rt = ctx.runtime();
      expect(rt.blockOn(viaSpawnBlocking, 'blockingHandleSleep', [5])).toBeGreaterThanOrEqual(5);
    });
  });
}
