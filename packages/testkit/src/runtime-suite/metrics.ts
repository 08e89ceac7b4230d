import type { RuntimeMetrics } from '@tide/core';
import { describe, expect } from 'vitest';
import { createProbe, read, waitNonZero } from '../probe.js';
import { addNumbers, metricsInside, pendForever, sleepFor, viaSpawnBlocking, yieldCounting, yieldThenSum } from '../tasks.js';
import type { RuntimeUnderTest } from '../runtime-factory.js';
import type { SuiteContext } from './suite-context.js';

const sum = (metrics: RuntimeMetrics, key: 'parkCount' | 'unparkCount' | 'busyMs' | 'pollCount'): number =>
  metrics.workers.reduce((total, worker) => total + worker[key], 0);

/**
 * Metrics (Tokio's stable set plus a few unstable ones): alive and spawned task counts, queue
 * depth, park and unpark counts, busy time, poll count, workers.
 */
export function metricsCases(ctx: SuiteContext): void {
  const { factory, it } = ctx;

  const waitStarted = (rt: RuntimeUnderTest, probe: Int32Array, count: number): void => {
    for (let i = 0; i < 1_000 && read(probe, 0) < count; i++) {
      if (factory.drivenByCaller) ctx.drive(rt);
      else waitNonZero(probe, 0);
    }
  };

  describe('metrics', () => {
    it('a fresh runtime: no tasks, at least one worker, one entry per worker', () => {
      const rt = ctx.runtime();
      const metrics = rt.handle.metrics();
      expect(metrics.numAliveTasks).toBe(0);
      expect(metrics.spawnedTasksCount).toBe(0);
      expect(metrics.globalQueueDepth).toBe(0);
      expect(metrics.numWorkers).toBeGreaterThanOrEqual(1);
      expect(metrics.workers).toHaveLength(metrics.numWorkers);
      expect(metrics.numBlockingThreads).toBe(0);
      if (factory.flavor === 'current_thread') expect(metrics.numWorkers).toBe(1);
    });

    it('numAliveTasks counts spawned, unfinished tasks; spawnedTasksCount counts every spawn', async () => {
      const rt = ctx.runtime();
      const probe = createProbe();
      const tasks = [1, 2, 3].map(() => rt.handle.spawn(pendForever, probe, 0, 1));
      await ctx.join(rt, rt.handle.spawn(addNumbers, 1, 2));
      waitStarted(rt, probe, 3);
      let metrics = rt.handle.metrics();
      expect(metrics.spawnedTasksCount).toBe(4);
      expect(metrics.numAliveTasks).toBe(3);
      for (const task of tasks) task.abort();
      for (const task of tasks) await ctx.join(rt, task).catch(() => undefined);
      metrics = rt.handle.metrics();
      expect(metrics.numAliveTasks).toBe(0);
      expect(metrics.spawnedTasksCount).toBe(4);
    });

    it('the root of a blockOn is not counted as a task', () => {
      const rt = ctx.runtime();
      expect(rt.blockOn(metricsInside)).toMatchObject({ numAliveTasks: 0, spawnedTasksCount: 0 });
    });

    it.runIf(factory.drivenByCaller)('globalQueueDepth counts tasks waiting to run', () => {
      const rt = ctx.runtime();
      for (let i = 0; i < 4; i++) void rt.handle.spawn(addNumbers, i, i);
      expect(rt.handle.metrics().globalQueueDepth).toBe(4);
      ctx.drive(rt);
      expect(rt.handle.metrics().globalQueueDepth).toBe(0);
      expect(rt.handle.metrics().numAliveTasks).toBe(0);
    });

    it('parkCount grows when the runtime waits for a timer; unparkCount when another thread wakes it', () => {
      const rt = ctx.realClockRuntime();
      const before = rt.handle.metrics();
      // Long enough that a thread descheduled under load still reaches its park before the deadline.
      expect(rt.blockOn(sleepFor, 100)).toBeGreaterThanOrEqual(100);
      const afterSleep = rt.handle.metrics();
      expect(sum(afterSleep, 'parkCount')).toBeGreaterThan(sum(before, 'parkCount'));
      expect(rt.blockOn(viaSpawnBlocking, 'blockingSleep', [100])).toBe(100);
      const afterBlocking = rt.handle.metrics();
      expect(sum(afterBlocking, 'unparkCount')).toBeGreaterThan(sum(afterSleep, 'unparkCount'));
    });

    it('busy time grows while tasks run and never exceeds the time spent in blockOn; pollCount counts polls', () => {
      const rt = ctx.realClockRuntime();
      const probe = createProbe();
      const before = rt.handle.metrics();
      const start = performance.now();
      rt.blockOn(yieldCounting, 2_000, probe, 0);
      rt.blockOn(sleepFor, 5);
      const wall = performance.now() - start;
      const after = rt.handle.metrics();
      const busy = sum(after, 'busyMs') - sum(before, 'busyMs');
      expect(busy).toBeGreaterThan(0);
      // Each worker thread is busy at most the whole time (several may be busy at once).
      after.workers.forEach((worker, i) => expect(worker.busyMs - before.workers[i]!.busyMs).toBeLessThanOrEqual(wall + 1));
      expect(sum(after, 'pollCount') - sum(before, 'pollCount')).toBeGreaterThanOrEqual(2_000);
      expect(rt.blockOn(yieldThenSum, [1])).toBe(1);
    });
  });
}
