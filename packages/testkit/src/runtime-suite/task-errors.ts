import { JoinError } from '@tide/core';
import { describe, expect, vi } from 'vitest';
import { createProbe } from '../probe.js';
import { addNumbers, failAfterYield, failNow, pendForever, sleepFor, spawnJoin, yieldThenSum } from '../tasks.js';
import type { RuntimeUnderTest } from '../runtime-factory.js';
import type { SuiteContext } from './suite-context.js';

/**
 * Task failures (Tokio's rt_common `panic_in_task`): a task that throws fails its join with a
 * `JoinError` that `isPanic()` with the thrown value as `cause`; a failed task nobody joins is
 * reported once through `onUnhandledError` (never as an unhandled rejection) and the runtime
 * keeps going.
 */
export function taskErrorCases(ctx: SuiteContext): void {
  const { factory, it } = ctx;

  /**
   * Drives the runtime through idle moments (a root that waits on a timer, so the loop runs dry
   * and reports failures) and lets host callbacks run, until `done()` (bounded).
   */
  const settle = async (rt: RuntimeUnderTest, done: () => boolean): Promise<void> => {
    for (let i = 0; i < 200 && !done(); i++) {
      if (factory.drivenByCaller) rt.blockOn(sleepFor, 1);
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  };

  describe('task errors', () => {
    it('a task that throws fails its join with JoinError: isPanic, cause, taskId (panic_in_task)', async () => {
      const rt = ctx.runtime();
      const task = rt.handle.spawn(failAfterYield, 'boom');
      const error = await ctx.joinFailure(rt, task);
      expect(error.isPanic()).toBe(true);
      expect(error.isCancelled()).toBe(false);
      expect(error.code).toBe('E_JOIN');
      expect(error.taskId).toBe(task.id);
      expect(error.cause).toMatchObject({ message: 'boom', code: 'E_TASK_FAILURE' });
      expect(error.intoPanic()).toBe(error.cause);
      expect(error.message).toBe(`task ${task.id} panicked with message "boom"`);
    });

    it('a task that throws before its first suspension fails the same way', async () => {
      const rt = ctx.runtime();
      const error = await ctx.joinFailure(rt, rt.handle.spawn(failNow, 'early'));
      expect(error.isPanic()).toBe(true);
      expect(error.cause).toMatchObject({ message: 'early' });
    });

    it('a root that joins a failing task gets the JoinError', () => {
      const rt = ctx.runtime();
      let thrown: unknown;
      try {
        rt.blockOn(spawnJoin, 'failAfterYield', ['inner']);
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(JoinError);
      expect((thrown as JoinError).isPanic()).toBe(true);
      expect((thrown as JoinError).cause).toMatchObject({ message: 'inner' });
    });

    it('a cancelled task’s JoinError: isCancelled, no panic, its own message', async () => {
      const rt = ctx.runtime();
      const probe = createProbe();
      const task = rt.handle.spawn(pendForever, probe, 0, 1);
      task.abort();
      const error = await ctx.joinFailure(rt, task);
      expect(error.isCancelled()).toBe(true);
      expect(error.isPanic()).toBe(false);
      expect(error.taskId).toBe(task.id);
      expect(error.message).toBe(`task ${task.id} was cancelled`);
      expect(() => error.intoPanic()).toThrow(error);
    });

    it('an unjoined failing task is reported once to onUnhandledError; the runtime and process go on', async () => {
      const reported: JoinError[] = [];
      const rejections: unknown[] = [];
      const onRejection = (reason: unknown): void => void rejections.push(reason);
      process.on('unhandledRejection', onRejection);
      try {
        const rt = ctx.runtime({ onUnhandledError: (error) => reported.push(error) });
        const lost = rt.handle.spawn(failAfterYield, 'lost');
        await settle(rt, () => reported.length > 0);
        // More driving must not report it again.
        for (let i = 0; i < 5; i++) await settle(rt, () => false);
        expect(reported).toHaveLength(1);
        expect(reported[0]).toBeInstanceOf(JoinError);
        expect(reported[0]!.isPanic()).toBe(true);
        expect(reported[0]!.taskId).toBe(lost.id);
        expect(reported[0]!.cause).toMatchObject({ message: 'lost' });
        expect(rt.blockOn(addNumbers, 1, 2)).toBe(3);
        await new Promise<void>((resolve) => setImmediate(resolve));
        expect(rejections).toEqual([]);
      } finally {
        process.off('unhandledRejection', onRejection);
      }
    });

    it.runIf(factory.drivenByCaller)(
      'an unjoined failure is reported even if the runtime never ran dry before shutdown (unhandled_before_shutdown)',
      () => {
        const reported: JoinError[] = [];
        const rt = ctx.runtime({ onUnhandledError: (error) => reported.push(error) });
        const lost = rt.handle.spawn(failAfterYield, 'lost before shutdown');
        // Roots that keep yielding: the loop never runs out of work while the task fails.
        for (let i = 0; i < 3; i++) rt.blockOn(yieldThenSum, [0, 0, 0, 0]);
        expect(lost.isFinished()).toBe(true);
        rt.shutdown(0);
        expect(reported.map((error) => error.taskId)).toEqual([lost.id]);
      },
    );

    it('a failing task that is joined is not reported as unhandled', async () => {
      const reported: JoinError[] = [];
      const rt = ctx.runtime({ onUnhandledError: (error) => reported.push(error) });
      const task = rt.handle.spawn(failAfterYield, 'joined');
      await ctx.joinFailure(rt, task);
      expect(() => rt.blockOn(spawnJoin, 'failAfterYield', ['joined by the root'])).toThrow(JoinError);
      await settle(rt, () => false);
      expect(reported).toEqual([]);
    });

    it.runIf(factory.drivenByCaller)('without a hook, an unjoined failure is printed once with console.error, naming the task', async () => {
      const printed = vi.spyOn(console, 'error').mockImplementation(() => {});
      try {
        const rt = ctx.runtime();
        const lost = rt.handle.spawn(failAfterYield, 'printed');
        await settle(rt, () => printed.mock.calls.length > 0);
        await settle(rt, () => false);
        expect(printed).toHaveBeenCalledTimes(1);
        expect(String(printed.mock.calls[0]![0])).toContain(`task ${lost.id}`);
        expect(rt.blockOn(yieldThenSum, [1])).toBe(1);
      } finally {
        printed.mockRestore();
      }
    });
  });
}
