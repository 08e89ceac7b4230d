import { threadId } from 'node:worker_threads';
import { JoinError, NotSendableError } from '@tide/core';
import { describe, expect } from 'vitest';
import { createProbe } from '../probe.js';
import { addNumbers, blockingAbort, blockingGrowth, viaSpawnBlocking, viaSpawnBlockingInTurn, type Whereabouts } from '../tasks.js';
import type { SuiteContext } from './suite-context.js';

/**
 * The blocking pool (Tokio's rt_common `spawn_from_blocking`, `spawn_blocking_from_blocking`):
 * `spawnBlocking(taskRef, ...args)` runs on worker threads entered in the runtime's context,
 * grows on demand up to `maxBlockingThreads`, reuses idle threads and lets them go after
 * `threadKeepAlive`, and abort only cancels a task that has not started.
 */
export function blockingCases(ctx: SuiteContext): void {
  const { factory, it } = ctx;

  describe('blocking pool', () => {
    it('runs a TaskRef on another thread, inside the runtime’s context', () => {
      const rt = ctx.runtime();
      const where = rt.blockOn(viaSpawnBlocking, 'whereAmI', []) as Whereabouts;
      expect(where.threadId).not.toBe(threadId);
      expect(where.runtimeId).toBe(rt.handle.id);
    });

    it('passes arguments and returns the value', () => {
      const rt = ctx.runtime();
      expect(rt.blockOn(viaSpawnBlocking, 'addNumbers', [20, 22])).toBe(42);
      expect(rt.blockOn(viaSpawnBlocking, 'yieldThenSum', [[1, 2, 3]])).toBe(6);
    });

    it('a blocking task that throws fails its join with a panic carrying the error', () => {
      const rt = ctx.runtime();
      let thrown: unknown;
      try {
        rt.blockOn(viaSpawnBlocking, 'failNow', ['blocking boom']);
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(JoinError);
      expect((thrown as JoinError).isPanic()).toBe(true);
      expect((thrown as JoinError).cause).toMatchObject({ message: 'blocking boom', code: 'E_TASK_FAILURE' });
    });

    it('refuses a closure or arguments that cannot cross threads, at the call', () => {
      const rt = ctx.runtime();
      const spawnBlocking = rt.handle.spawnBlocking as (task: unknown, ...args: unknown[]) => unknown;
      expect(() => spawnBlocking(() => 1)).toThrow(NotSendableError);
      expect(() => spawnBlocking(addNumbers, () => 1, 2)).toThrow(TypeError);
      expect(() => spawnBlocking(addNumbers, () => 1, 2)).toThrow(expect.objectContaining({ code: 'E_NOT_SENDABLE' }));
    });

    it('a blocking task spawns onto the runtime through its context (spawn_from_blocking)', () => {
      const rt = ctx.runtime();
      const seen = rt.blockOn(viaSpawnBlocking, 'blockingSpawnOnRuntime', []) as { blockingThread: number; spawnedThread: number };
      expect(seen.blockingThread).not.toBe(threadId);
      if (factory.drivenByCaller) expect(seen.spawnedThread).toBe(threadId);
      else expect(seen.spawnedThread).not.toBe(seen.blockingThread);
    });

    it('a blocking task runs another blocking task (spawn_blocking_from_blocking)', () => {
      const rt = ctx.runtime();
      expect(rt.blockOn(viaSpawnBlocking, 'blockingSpawnBlocking', [1, 2])).toMatchObject({ value: 3 });
    });

    it('grows on demand up to maxBlockingThreads and queues the rest', () => {
      const rt = ctx.runtime({ maxBlockingThreads: 2 });
      const seen = rt.blockOn(blockingGrowth, createProbe(), 5);
      expect(seen.threadsDuring).toBe(2);
      expect(seen.queuedDuring).toBe(3);
      expect(seen.distinctThreads).toBeLessThanOrEqual(2);
      expect(seen.threads).not.toContain(threadId);
      expect(rt.handle.metrics().numBlockingThreads).toBeLessThanOrEqual(2);
    });

    it('reuses an idle thread instead of starting another', () => {
      const rt = ctx.runtime();
      // From one task: a multi-thread runtime has a blocking pool per worker thread.
      const seen = rt.blockOn(viaSpawnBlockingInTurn, 'whereAmI', [], 3) as Whereabouts[];
      const threads = new Set(seen.map((where) => where.threadId));
      expect(threads.size).toBe(1);
      const metrics = rt.handle.metrics();
      expect(metrics.numBlockingThreads).toBe(1);
      expect(metrics.numIdleBlockingThreads).toBe(1);
      expect(metrics.blockingQueueDepth).toBe(0);
    });

    it('abort cancels a queued blocking task (it never starts) but not a started one', () => {
      const rt = ctx.realClockRuntime({ maxBlockingThreads: 1 });
      expect(rt.blockOn(blockingAbort, createProbe())).toEqual({ started: 'ok', queued: 'cancelled', queuedEverStarted: 0 });
    });

    it('idle threads exit after threadKeepAlive', async () => {
      const rt = ctx.runtime({ threadKeepAliveMs: 1 });
      rt.blockOn(viaSpawnBlocking, 'addNumbers', [1, 1]);
      // A caller-driven runtime lets the idle thread go only while driven; one with its own
      // threads may already have let it go (after 1 ms) when blockOn returns.
      if (factory.drivenByCaller) expect(rt.handle.metrics().numBlockingThreads).toBe(1);
      else expect(rt.handle.metrics().numBlockingThreads).toBeLessThanOrEqual(1);
      for (let i = 0; i < 500 && rt.handle.metrics().numBlockingThreads > 0; i++) {
        await new Promise<void>((resolve) => setTimeout(resolve, 10));
        ctx.drive(rt);
      }
      expect(rt.handle.metrics().numBlockingThreads).toBe(0);
    });
  });
}
