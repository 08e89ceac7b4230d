import { DriverNotDrivenError, Handle, mpsc, yieldNow } from '@tide/core';
import { describe, expect } from 'vitest';
import { createProbe } from '../probe.js';
import { addNumbers, sleepFor, sleepForever, spawnJoin, spawnMany, viaSpawnBlocking, yieldThenSum } from '../tasks.js';
import type { SuiteContext } from './suite-context.js';

/**
 * `Handle.blockOn` (Tokio's rt_handle_block_on `basic`, `bounded_mpsc_channel`,
 * `basic_spawn_blocking`, rt_common `spawn_one_from_block_on_called_on_handle`): it runs pure
 * futures and ready tasks; on a flavor whose handle cannot turn the drivers, a future that would
 * wait for one throws `DriverNotDrivenError` naming it, where Tokio would hang.
 */
export function handleBlockOnCases(ctx: SuiteContext): void {
  const { factory, it } = ctx;

  describe('handle.blockOn', () => {
    it('runs a pure generator task (basic)', () => {
      const rt = ctx.runtime();
      expect(rt.handle.blockOn(yieldThenSum, [1, 2, 3])).toBe(6);
      expect(rt.handle.blockOn(addNumbers, 1, 2)).toBe(3);
    });

    it('runs the ready tasks it waits for (spawn_one_from_block_on_called_on_handle)', () => {
      const rt = ctx.runtime();
      expect(rt.handle.blockOn(spawnJoin, 'addNumbers', [2, 2])).toBe(4);
      expect(rt.handle.blockOn(spawnMany, 100)).toBe(5050);
    });

    it.runIf(factory.acceptsClosures)('a bounded channel between a spawned producer and the root (bounded_mpsc_channel)', () => {
      const rt = ctx.runtime();
      const total = rt.handle.blockOn(function* () {
        const [sender, receiver] = mpsc.channel<number>(1);
        void Handle.current().spawn(function* () {
          for (let i = 1; i <= 100; i++) yield* sender.send(i);
          sender.close();
        });
        let sum = 0;
        for (let value = yield* receiver.recv(); value !== undefined; value = yield* receiver.recv()) sum += value;
        yield* yieldNow();
        return sum;
      });
      expect(total).toBe(5050);
    });

    it('joins a blocking task (basic_spawn_blocking)', () => {
      const rt = ctx.runtime();
      expect(rt.handle.blockOn(viaSpawnBlocking, 'addNumbers', [30, 12])).toBe(42);
    });

    it.runIf(!factory.handleBlockOnDrivesDrivers)('a timer inside it throws DriverNotDrivenError naming the time driver', () => {
      const rt = ctx.runtime();
      let thrown: unknown;
      try {
        rt.handle.blockOn(sleepFor, 10);
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(DriverNotDrivenError);
      expect(thrown).toMatchObject({ code: 'E_DRIVER_NOT_DRIVEN', drivers: ['time'] });
      expect((thrown as Error).message).toContain("'time'");
    });

    it.runIf(!factory.handleBlockOnDrivesDrivers)('joining a task that waits on a timer throws DriverNotDrivenError too', () => {
      const rt = ctx.runtime();
      expect(() => rt.handle.blockOn(spawnJoin, 'sleepFor', [10])).toThrow(DriverNotDrivenError);
    });

    it.runIf(!factory.handleBlockOnDrivesDrivers)('the runtime still works after a DriverNotDrivenError, and its blockOn drives the timer', () => {
      const rt = ctx.runtime();
      expect(() => rt.handle.blockOn(sleepFor, 10)).toThrow(DriverNotDrivenError);
      expect(rt.blockOn(sleepFor, 10)).toBeGreaterThanOrEqual(10);
    });

    it.runIf(!factory.handleBlockOnDrivesDrivers)('a pure root completes even while other tasks wait on timers', () => {
      const rt = ctx.runtime();
      const probe = createProbe();
      const sleeper = rt.handle.spawn(sleepForever, probe, 0, 1);
      expect(rt.handle.blockOn(yieldThenSum, [1, 1])).toBe(2);
      expect(sleeper.isFinished()).toBe(false);
    });

    it.runIf(factory.handleBlockOnDrivesDrivers)('drives timers itself on this flavor', () => {
      const rt = ctx.runtime();
      expect(rt.handle.blockOn(sleepFor, 5)).toBeGreaterThanOrEqual(5);
    });
  });
}
