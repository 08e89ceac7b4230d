import { Handle, mpsc, oneshot, yieldNow, type OneshotSender } from '@tide/core';
import { describe, expect } from 'vitest';
import { createProbe, read } from '../probe.js';
import { coopBudget, readyLoop, setSlot, sleepThenSet, spawnJoin, yieldCounting, yieldLoad, yieldThenRecord, yieldUntilSet } from '../tasks.js';
import { turnCounterDriver } from '../turn-counter-driver.js';
import type { SuiteContext } from './suite-context.js';

/**
 * Cooperative scheduling (Tokio's rt_common `coop`, `yield_defers_until_park`,
 * `ping_pong_saturation`, `io_driver_called_when_under_load`): `yieldNow` goes to the back of the
 * queue, a task that yields forever does not starve others, the per-task budget preempts a task
 * that only awaits ready futures, and the drivers are turned every `eventInterval` ticks under load.
 */
export function coopCases(ctx: SuiteContext): void {
  const { factory, it } = ctx;

  describe('coop and fairness', () => {
    it.runIf(factory.drivenByCaller)('yieldNow defers the task behind every task that was already runnable', () => {
      const rt = ctx.runtime();
      const probe = createProbe();
      void rt.handle.spawn(yieldThenRecord, probe, 1, 0);
      void rt.handle.spawn(setSlot, probe, 1, 1);
      ctx.drive(rt);
      expect(read(probe, 0)).toBe(1);
    });

    it('a task that yields in a loop does not starve the others (coop)', async () => {
      const rt = ctx.runtime();
      const probe = createProbe();
      const spinner = rt.handle.spawn(yieldUntilSet, probe, 0, 10_000_000);
      expect(rt.blockOn(spawnJoin, 'setSlot', [probe, 0, 1])).toBe(1);
      const yields = await ctx.join(rt, spinner);
      expect(yields).toBeLessThan(10_000_000);
    });

    it('a task awaiting only ready futures is preempted by the budget, and still finishes', () => {
      const rt = ctx.runtime();
      const seen = rt.blockOn(coopBudget, 10_000);
      expect(seen).toBeLessThan(10_000);
      const probe = createProbe();
      expect(rt.blockOn(readyLoop, 10_000, probe, 0)).toBe(10_000);
      expect(read(probe, 0)).toBe(10_000);
    });

    it('the drivers are turned every eventInterval ticks under load', () => {
      const counters = createProbe(2);
      const rt = ctx.build({ time: false, eventInterval: 8, drivers: [turnCounterDriver({ counters })] });
      expect(rt.blockOn(yieldLoad, 4, 200)).toBe(800);
      // 800 task polls in batches of 8: about 100 turns. Allow for any extra or fused turns.
      expect(read(counters, 0)).toBeGreaterThanOrEqual(50);
    });

    it('a root that yields in a loop still lets the runtime turn its drivers (yield_defers_until_park)', () => {
      const rt = ctx.realClockRuntime();
      const probe = createProbe();
      void rt.handle.spawn(sleepThenSet, 1, probe, 0);
      // It throws if it yields 2e6 times without the timer firing. On a flavor with its own
      // threads the sleeper may run elsewhere and fire before the root starts (0 yields).
      const yields = rt.blockOn(yieldUntilSet, probe, 0, 2_000_000);
      if (factory.drivenByCaller) expect(yields).toBeGreaterThan(0);
      else expect(yields).toBeGreaterThanOrEqual(0);
    });

    it('drivers are shut down with the runtime', () => {
      const counters = createProbe(2);
      const rt = ctx.build({ time: false, drivers: [turnCounterDriver({ counters })] });
      expect(rt.blockOn(yieldCounting, 3, createProbe(), 0)).toBe(3);
      ctx.drop(rt);
      expect(read(counters, 1)).toBeGreaterThanOrEqual(1);
    });

    it.runIf(factory.acceptsClosures)('ping-pong between many pairs of tasks completes (ping_pong_saturation)', () => {
      const rt = ctx.runtime();
      const total = rt.blockOn(function* () {
        const pairs = 50;
        const rounds = 100;
        const [done, finished] = mpsc.unbounded<number>();
        for (let p = 0; p < pairs; p++) {
          const [toPong, pongInbox] = mpsc.channel<OneshotSender<number>>(1);
          const handle = Handle.current();
          void handle.spawn(function* () {
            for (let value = yield* pongInbox.recv(); value !== undefined; value = yield* pongInbox.recv()) value.send(1);
          });
          const doneSender = done.clone();
          void handle.spawn(function* () {
            let count = 0;
            for (let r = 0; r < rounds; r++) {
              const [reply, replied] = oneshot<number>();
              yield* toPong.send(reply);
              count += yield* replied;
              if (r % 10 === 0) yield* yieldNow();
            }
            toPong.close();
            yield* doneSender.send(count);
            doneSender.close();
          });
        }
        done.close();
        let sum = 0;
        for (let value = yield* finished.recv(); value !== undefined; value = yield* finished.recv()) sum += value;
        return sum;
      });
      expect(total).toBe(5_000);
    });
  });
}
