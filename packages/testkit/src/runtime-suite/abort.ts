import { JoinError } from '@tide/core';
import { describe, expect } from 'vitest';
import { createProbe, read } from '../probe.js';
import {
  abortAsyncTask,
  addNumbers,
  yieldCounting,
  isCancelled,
  joinSetCancel,
  pendForever,
  pendForeverYieldingFinally,
  sleepJoinOrder,
  turnOrder,
} from '../tasks.js';
import type { SuiteContext } from './suite-context.js';

const STARTED = 0;
const FINALLY = 1;

/**
 * Aborting tasks: cancelled at the suspension point with `finally` blocks run (which may
 * suspend themselves), idempotent, a no-op once finished; `AbortHandle`; `JoinSet.abortAll`,
 * disposing a set, and its completion order; async tasks' `AbortSignal`.
 */
export function abortCases(ctx: SuiteContext): void {
  const { factory, it } = ctx;

  describe('abort', () => {
    it('cancels a task at its suspension point: finally runs, the join fails as cancelled', async () => {
      const rt = ctx.runtime();
      const probe = createProbe();
      const task = rt.handle.spawn(pendForever, probe, STARTED, FINALLY);
      ctx.waitForCount(rt, probe, STARTED);
      expect(task.isFinished()).toBe(false);
      task.abort();
      const error = await ctx.joinFailure(rt, task);
      expect(error).toBeInstanceOf(JoinError);
      expect(isCancelled(error)).toBe(true);
      expect(read(probe, FINALLY)).toBe(1);
      expect(task.isFinished()).toBe(true);
    });

    it('a finally block may itself suspend; it completes before the join fails', async () => {
      const rt = ctx.runtime();
      const probe = createProbe();
      const task = rt.handle.spawn(pendForeverYieldingFinally, probe, STARTED, FINALLY);
      ctx.waitForCount(rt, probe, STARTED);
      task.abort();
      const error = await ctx.joinFailure(rt, task);
      expect(isCancelled(error)).toBe(true);
      expect(read(probe, FINALLY)).toBe(1);
    });

    it('aborting twice is aborting once', async () => {
      const rt = ctx.runtime();
      const probe = createProbe();
      const task = rt.handle.spawn(pendForeverYieldingFinally, probe, STARTED, FINALLY);
      ctx.waitForCount(rt, probe, STARTED);
      task.abort();
      task.abort();
      ctx.drive(rt);
      task.abort();
      expect(isCancelled(await ctx.joinFailure(rt, task))).toBe(true);
      ctx.drive(rt);
      expect(read(probe, FINALLY)).toBe(1);
    });

    it('aborting a finished task does nothing: it keeps its value', async () => {
      const rt = ctx.runtime();
      const task = rt.handle.spawn(addNumbers, 1, 2);
      await expect(ctx.join(rt, task)).resolves.toBe(3);
      task.abort();
      task.abortHandle().abort();
      await expect(ctx.join(rt, task)).resolves.toBe(3);
    });

    it('disposing a JoinHandle detaches it: the task is not cancelled and still finishes', async () => {
      const rt = ctx.runtime();
      const probe = createProbe();
      const task = rt.handle.spawn(yieldCounting, 10, probe, 0);
      task[Symbol.dispose]();
      await ctx.join(rt, rt.handle.spawn(yieldCounting, 20, probe, 1));
      ctx.waitForCount(rt, probe, 0, 10);
      expect(read(probe, 0)).toBe(10);
      await expect(ctx.join(rt, task)).resolves.toBe(10);
    });

    it.runIf(factory.drivenByCaller)('a task aborted before it started never runs', async () => {
      const rt = ctx.runtime();
      const probe = createProbe();
      const task = rt.handle.spawn(pendForever, probe, STARTED, FINALLY);
      task.abort();
      expect(task.isFinished()).toBe(true);
      ctx.drive(rt);
      expect(isCancelled(await ctx.joinFailure(rt, task))).toBe(true);
      expect(read(probe, STARTED)).toBe(0);
      expect(read(probe, FINALLY)).toBe(0);
    });

    it('an AbortHandle aborts the task it was taken from', async () => {
      const rt = ctx.runtime();
      const probe = createProbe();
      const task = rt.handle.spawn(pendForever, probe, STARTED, FINALLY);
      const abortHandle = task.abortHandle();
      expect(abortHandle.id).toBe(task.id);
      ctx.waitForCount(rt, probe, STARTED);
      expect(abortHandle.isFinished()).toBe(false);
      abortHandle.abort();
      expect(isCancelled(await ctx.joinFailure(rt, task))).toBe(true);
      expect(abortHandle.isFinished()).toBe(true);
      expect(read(probe, FINALLY)).toBe(1);
    });

    it('JoinSet.abortAll cancels every task in the set; each join fails as cancelled', () => {
      const rt = ctx.runtime();
      expect(rt.blockOn(joinSetCancel, 5, 'abortAll')).toEqual({ cancelled: 5, finallyRan: 5, sizeAfter: 0 });
    });

    it('disposing a JoinSet (dropping it) aborts its tasks', () => {
      const rt = ctx.runtime();
      expect(rt.blockOn(joinSetCancel, 3, 'dispose')).toEqual({ cancelled: 3, finallyRan: 3, sizeAfter: 0 });
    });

    it('JoinSet.joinNext gives tasks in the order they finish', () => {
      const rt = ctx.runtime();
      // Sleeps on a paused clock; without one, real sleeps would race on a loaded machine, so the
      // tasks finish in an order set through shared memory instead.
      if (factory.pausedClock) expect(rt.blockOn(sleepJoinOrder, [30, 10, 20, 5])).toEqual([5, 10, 20, 30]);
      else expect(rt.blockOn(turnOrder, [3, 1, 2, 0])).toEqual([0, 1, 2, 3]);
    });

    it('an async task’s signal fires and its handle settles as cancelled at once', async (context) => {
      const rt = ctx.runtime();
      if (rt.run === undefined) return context.skip();
      await expect(rt.run(abortAsyncTask)).resolves.toEqual({ finishedAtOnce: true, joined: 'cancelled', signalFired: 1 });
    });
  });
}
