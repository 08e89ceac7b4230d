import { DeadlockError } from '@tide/core';
import { describe, expect } from 'vitest';
import { createProbe, read } from '../probe.js';
import { addNumbers, asyncDouble, awaitIdleOneshot, joinAsyncTask, viaSpawnBlocking } from '../tasks.js';
import type { SuiteContext } from './suite-context.js';

/** Calls `fn`, expecting it to throw; returns what it threw. */
function thrownBy(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected a DeadlockError, but the call returned');
}

/**
 * Deadlock detection: where Tokio would hang, a synchronous `blockOn` whose root can never
 * complete throws `DeadlockError` — with the host-Promise hint when an async task (whose
 * continuations cannot run while the thread is blocked) is what it waits on — after the root's
 * `finally` blocks ran; the runtime stays usable.
 */
export function deadlockCases(ctx: SuiteContext): void {
  const { factory, it } = ctx;
  describe('deadlock', () => {
    it('a root that nothing can wake throws DeadlockError (no host-Promise hint) after its finally ran', () => {
      const rt = ctx.runtime();
      const probe = createProbe();
      const error = thrownBy(() => rt.blockOn(awaitIdleOneshot, probe, 0));
      expect(error).toBeInstanceOf(DeadlockError);
      expect(error).toMatchObject({ code: 'E_DEADLOCK', hostPromise: false });
      expect(read(probe, 0)).toBe(1);
    });

    it.runIf(factory.asyncTasksInBlockOn !== true)('a root waiting on an async task throws DeadlockError with the host-Promise hint', () => {
      const rt = ctx.runtime();
      const error = thrownBy(() => rt.blockOn(joinAsyncTask, 1));
      expect(error).toBeInstanceOf(DeadlockError);
      expect(error).toMatchObject({ hostPromise: true });
      expect((error as Error).message).toMatch(/host Promise/);
      expect((error as Error).message).toMatch(/run\(/);
    });

    it.runIf(factory.asyncTasksInBlockOn !== true)('an async root in the synchronous blockOn throws DeadlockError with the hint', () => {
      const rt = ctx.runtime();
      const error = thrownBy(() => rt.blockOn(asyncDouble, 1));
      expect(error).toBeInstanceOf(DeadlockError);
      expect(error).toMatchObject({ hostPromise: true });
    });

    it.runIf(factory.asyncTasksInBlockOn === true)('a root waiting on an async task, and an async root, complete: other threads run them', () => {
      const rt = ctx.runtime();
      expect(rt.blockOn(joinAsyncTask, 1)).toBe(2);
      expect(rt.blockOn(asyncDouble, 2)).toBe(4);
    });

    it('a runtime that has run blocking tasks still reports a deadlock: its idle blocking threads cannot wake the root', () => {
      // Kept alive for 60 s: the idle threads exist when the root deadlocks (it used to hang until they exited).
      const rt = ctx.build({ threadKeepAliveMs: 60_000 });
      expect(rt.blockOn(viaSpawnBlocking, 'addNumbers', [1, 2])).toBe(3);
      const probe = createProbe();
      expect(() => rt.blockOn(awaitIdleOneshot, probe, 0)).toThrow(DeadlockError);
      expect(read(probe, 0)).toBe(1);
    });

    it('the runtime is still usable after a DeadlockError', () => {
      const rt = ctx.runtime();
      expect(() => rt.blockOn(awaitIdleOneshot, createProbe(), 0)).toThrow(DeadlockError);
      expect(rt.blockOn(addNumbers, 1, 2)).toBe(3);
    });

    it('handle.blockOn detects the deadlock too', () => {
      const rt = ctx.runtime();
      const probe = createProbe();
      expect(() => rt.handle.blockOn(awaitIdleOneshot, probe, 0)).toThrow(DeadlockError);
      expect(read(probe, 0)).toBe(1);
    });

    it('run() rejects with DeadlockError instead of hanging', async (context) => {
      const rt = ctx.runtime();
      if (rt.run === undefined) return context.skip();
      const probe = createProbe();
      await expect(rt.run(awaitIdleOneshot, probe, 0)).rejects.toBeInstanceOf(DeadlockError);
      expect(read(probe, 0)).toBe(1);
    });
  });
}
