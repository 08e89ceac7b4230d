import { threadId } from 'node:worker_threads';
import { describe, expect } from 'vitest';
import { addNumbers, asyncDouble, errorCode, failAfterYield, failNow, nestedBlockOn, spawnJoin, viaSpawnBlocking, yieldThenSum } from '../tasks.js';
import type { SuiteContext } from './suite-context.js';

/**
 * `Runtime.blockOn` and `run` (Tokio's rt_common `block_on_sync`, `block_on_async`,
 * `panic_in_block_on`, `nested_rt`, `create_rt_in_block_on`): values, errors, and the nested
 * blockOn rule.
 */
export function blockOnCases(ctx: SuiteContext): void {
  const { factory, it } = ctx;

  describe('blockOn', () => {
    it('returns a plain task’s value synchronously (block_on_sync)', () => {
      const rt = ctx.runtime();
      expect(rt.blockOn(addNumbers, 2, 3)).toBe(5);
    });

    it('returns a generator task’s value after it suspended (block_on_async)', () => {
      const rt = ctx.runtime();
      expect(rt.blockOn(yieldThenSum, [1, 2, 3, 4])).toBe(10);
    });

    it('rethrows what the task threw, as it was thrown (panic_in_block_on)', () => {
      const rt = ctx.runtime();
      expect(() => rt.blockOn(failAfterYield, 'boom')).toThrow(expect.objectContaining({ message: 'boom', code: 'E_TASK_FAILURE' }));
      expect(() => rt.blockOn(failNow, 'at once')).toThrow(expect.objectContaining({ message: 'at once', code: 'E_TASK_FAILURE' }));
    });

    it('can be called again after it returned and after it threw', () => {
      const rt = ctx.runtime();
      expect(rt.blockOn(addNumbers, 1, 1)).toBe(2);
      expect(() => rt.blockOn(failAfterYield, 'again')).toThrow('again');
      expect(rt.blockOn(yieldThenSum, [5, 5])).toBe(10);
    });

    it.runIf(factory.drivenByCaller)('runs the task on the calling thread', () => {
      const rt = ctx.runtime();
      expect(rt.blockOn(spawnJoin, 'whereAmIAfterYield', [])).toMatchObject({ threadId, runtimeId: rt.handle.id });
    });

    it('a blockOn from inside a task throws NestedBlockOnError (nested_rt)', () => {
      const rt = ctx.runtime();
      expect(rt.blockOn(nestedBlockOn)).toBe('E_NESTED_BLOCK_ON');
      expect(rt.blockOn(spawnJoin, 'nestedBlockOn', [])).toBe('E_NESTED_BLOCK_ON');
    });

    it.runIf(factory.acceptsClosures)('a second runtime can be built inside blockOn, but not driven on the same thread (create_rt_in_block_on)', () => {
      const rt = ctx.runtime();
      const result = rt.blockOn(function* () {
        const inner = ctx.build({ time: false });
        try {
          inner.blockOn(addNumbers, 1, 2);
          return 'driven';
        } catch (error) {
          return errorCode(error);
        } finally {
          inner.shutdown(0);
        }
      });
      expect(result).toBe('E_NESTED_BLOCK_ON');
    });

    it.runIf(factory.moduleUrl !== undefined)('a runtime built and driven on another thread from inside blockOn works', () => {
      const rt = ctx.runtime();
      const result = rt.blockOn(viaSpawnBlocking, 'driveRuntimeHere', [factory.moduleUrl]) as { value: number; threadId: number };
      expect(result.value).toBe(6);
      expect(result.threadId).not.toBe(threadId);
    });
  });

  describe('run (host-driven)', () => {
    it('resolves with an async task’s value across host awaits', async (context) => {
      const rt = ctx.runtime();
      if (rt.run === undefined) return context.skip();
      await expect(rt.run(asyncDouble, 21)).resolves.toBe(42);
      await expect(rt.run(yieldThenSum, [1, 2])).resolves.toBe(3);
    });

    it('rejects with what the task threw', async (context) => {
      const rt = ctx.runtime();
      if (rt.run === undefined) return context.skip();
      await expect(rt.run(failAfterYield, 'async boom')).rejects.toMatchObject({ message: 'async boom' });
    });

    it('a second run() while one drives the runtime rejects with NestedBlockOnError', async (context) => {
      const rt = ctx.runtime();
      if (rt.run === undefined) return context.skip();
      const first = rt.run(asyncDouble, 5);
      await expect(rt.run(addNumbers, 1, 2)).rejects.toMatchObject({ code: 'E_NESTED_BLOCK_ON' });
      await expect(first).resolves.toBe(10);
      await expect(rt.run(addNumbers, 1, 2)).resolves.toBe(3);
    });

    it('a blockOn while run() drives the runtime throws NestedBlockOnError', async (context) => {
      const rt = ctx.runtime();
      if (rt.run === undefined) return context.skip();
      let nested: unknown = 'not called';
      // Runs between two slices of run(): no task is on the stack, but the runtime is being driven.
      setImmediate(() => {
        try {
          nested = rt.blockOn(addNumbers, 1, 2);
        } catch (error) {
          nested = errorCode(error);
        }
      });
      await expect(rt.run(asyncDouble, 1)).resolves.toBe(2);
      expect(nested).toBe('E_NESTED_BLOCK_ON');
    });
  });
}
