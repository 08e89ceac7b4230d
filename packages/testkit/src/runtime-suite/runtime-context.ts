import { EnterGuardOrderError, Handle, NoRuntimeError, TryCurrentError, currentTask, spawn } from '@tide/core';
import { describe, expect } from 'vitest';
import { asyncContext, asyncDouble, spawnJoin, whereAmI, whereAmIAfterYield, type Whereabouts } from '../tasks.js';
import type { SuiteContext } from './suite-context.js';

/**
 * The runtime context (Tokio's rt_handle `basic_enter`, `interleave_enter_different_rt`,
 * `interleave_enter_same_rt`, `interleave_then_enter`, `runtime_id_is_same`,
 * `runtime_ids_different`): `Handle.current()` inside generator and async tasks (across awaits),
 * `tryCurrent()` outside, enter guards and their order, two runtimes interleaved, no leaks.
 */
export function runtimeContextCases(ctx: SuiteContext): void {
  const { factory, it } = ctx;

  describe('context', () => {
    it('Handle.current() inside a generator task is its runtime, and currentTask() is the task', () => {
      const rt = ctx.runtime();
      const root = rt.blockOn(whereAmIAfterYield);
      expect(root.runtimeId).toBe(rt.handle.id);
      expect(root.taskId).toBeGreaterThan(0);
      const spawned = rt.blockOn(spawnJoin, 'whereAmIAfterYield', []) as Whereabouts;
      expect(spawned.runtimeId).toBe(rt.handle.id);
      expect(spawned.taskId).toBeGreaterThan(0);
    });

    it('Handle.current() and currentTask() inside an async task, across awaits (via run)', async (context) => {
      const rt = ctx.runtime();
      if (rt.run === undefined) return context.skip();
      const seen = await rt.run(asyncContext);
      expect(seen.runtimeIds).toEqual([rt.handle.id, rt.handle.id, rt.handle.id, rt.handle.id]);
      expect(new Set(seen.taskIds).size).toBe(1);
      const spawned = (await rt.run(spawnJoin, 'asyncDouble', [2])) as number;
      expect(spawned).toBe(4);
    });

    it('outside a runtime: current() throws NoRuntimeError, tryCurrent() reports it without throwing', () => {
      expect(() => Handle.current()).toThrow(NoRuntimeError);
      expect(() => Handle.current()).toThrow(expect.objectContaining({ code: 'E_NO_RUNTIME' }));
      const attempt = Handle.tryCurrent();
      expect(attempt.ok).toBe(false);
      if (!attempt.ok) {
        expect(attempt.error).toBeInstanceOf(TryCurrentError);
        expect(attempt.error).toBeInstanceOf(NoRuntimeError);
        expect(attempt.error.isMissingContext()).toBe(true);
      }
      expect(() => currentTask()).toThrow(NoRuntimeError);
    });

    it('the context does not leak out of blockOn, after a value or an error', () => {
      const rt = ctx.runtime();
      rt.blockOn(whereAmI);
      expect(Handle.tryCurrent().ok).toBe(false);
      expect(() => rt.blockOn(spawnJoin, 'failNow', ['x'])).toThrow();
      expect(Handle.tryCurrent().ok).toBe(false);
    });

    it.runIf(factory.acceptsClosures)('host callbacks scheduled by a generator task do not see its context', async () => {
      const rt = ctx.runtime();
      let seen: boolean | undefined;
      rt.blockOn(function* () {
        setImmediate(() => {
          seen = Handle.tryCurrent().ok;
        });
      });
      await new Promise<void>((resolve) => setImmediate(resolve));
      expect(seen).toBe(false);
    });

    it('host callbacks that run while run() waits do not see the runtime', async (context) => {
      const rt = ctx.runtime();
      if (rt.run === undefined) return context.skip();
      let seen: boolean | undefined;
      setImmediate(() => {
        seen = Handle.tryCurrent().ok;
      });
      await rt.run(asyncDouble, 1);
      expect(seen).toBe(false);
    });

    it('enter() makes the runtime current until the guard is disposed (basic_enter)', () => {
      const rt = ctx.runtime();
      const guard = rt.handle.enter();
      try {
        expect(Handle.current().id).toBe(rt.handle.id);
        expect(Handle.current().flavor).toBe(factory.flavor);
      } finally {
        guard[Symbol.dispose]();
      }
      expect(Handle.tryCurrent().ok).toBe(false);
    });

    it('guards disposed in reverse order restore each previous context', () => {
      const first = ctx.runtime();
      const second = ctx.runtime();
      const outer = first.handle.enter();
      const inner = second.handle.enter();
      expect(Handle.current().id).toBe(second.handle.id);
      inner[Symbol.dispose]();
      expect(Handle.current().id).toBe(first.handle.id);
      outer[Symbol.dispose]();
      expect(Handle.tryCurrent().ok).toBe(false);
    });

    it('guards of two runtimes disposed out of order throw EnterGuardOrderError (interleave_enter_different_rt)', () => {
      const first = ctx.runtime();
      const second = ctx.runtime();
      const outer = first.handle.enter();
      const inner = second.handle.enter();
      let thrown: unknown;
      try {
        outer[Symbol.dispose]();
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(EnterGuardOrderError);
      expect(thrown).toMatchObject({ code: 'E_ENTER_GUARD_ORDER' });
      expect((thrown as Error).message).toContain('reverse order');
      // The failed disposal changed nothing: the inner runtime is still current.
      expect(Handle.current().id).toBe(second.handle.id);
      inner[Symbol.dispose]();
      outer[Symbol.dispose]();
      expect(Handle.tryCurrent().ok).toBe(false);
    });

    it('guards of one runtime disposed out of order throw too (interleave_enter_same_rt)', () => {
      const rt = ctx.runtime();
      const outer = rt.handle.enter();
      const inner = rt.handle.enter();
      expect(() => outer.exit()).toThrow(EnterGuardOrderError);
      inner.exit();
      outer.exit();
      expect(Handle.tryCurrent().ok).toBe(false);
    });

    it('entering again after an out-of-order disposal works (interleave_then_enter)', () => {
      const first = ctx.runtime();
      const second = ctx.runtime();
      const outer = first.handle.enter();
      const inner = second.handle.enter();
      expect(() => outer.exit()).toThrow(EnterGuardOrderError);
      inner.exit();
      outer.exit();
      const again = second.handle.enter();
      expect(Handle.current().id).toBe(second.handle.id);
      again.exit();
      expect(Handle.tryCurrent().ok).toBe(false);
    });

    it('disposing a guard twice is harmless', () => {
      const rt = ctx.runtime();
      const guard = rt.handle.enter();
      guard.exit();
      guard.exit();
      expect(Handle.tryCurrent().ok).toBe(false);
    });

    it('two runtimes interleaved: a blockOn of one inside the other’s guard sees its own runtime, then the guard’s again', async () => {
      const first = ctx.runtime();
      const second = ctx.runtime();
      const guard = first.handle.enter();
      let spawned;
      try {
        expect(second.blockOn(whereAmIAfterYield).runtimeId).toBe(second.handle.id);
        expect(Handle.current().id).toBe(first.handle.id);
        spawned = spawn(whereAmI);
        expect(first.blockOn(whereAmI).runtimeId).toBe(first.handle.id);
        expect(Handle.current().id).toBe(first.handle.id);
      } finally {
        guard.exit();
      }
      expect((await ctx.join(first, spawned)).runtimeId).toBe(first.handle.id);
      expect(second.blockOn(whereAmI).runtimeId).toBe(second.handle.id);
    });

    it('ids: one per runtime, shared by its handles (runtime_id_is_same, runtime_ids_different)', () => {
      const first = ctx.runtime();
      const second = ctx.runtime();
      expect(first.handle.id).not.toBe(second.handle.id);
      expect(first.blockOn(whereAmI).runtimeId).toBe(first.handle.id);
      const guard = first.handle.enter();
      try {
        expect(Handle.current().id).toBe(first.handle.id);
      } finally {
        guard.exit();
      }
    });

    it('the handle reports its flavor, name and drivers', () => {
      const named = ctx.runtime({ name: 'conformance' });
      expect(named.handle.flavor).toBe(factory.flavor);
      expect(named.handle.name).toBe('conformance');
      expect(named.handle.drivers).toContain('time');
      const bare = ctx.build({ time: false });
      expect(bare.handle.name).toBeUndefined();
      expect(bare.handle.drivers).not.toContain('time');
    });
  });
}
