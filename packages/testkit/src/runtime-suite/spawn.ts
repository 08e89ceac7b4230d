import { Handle, NoRuntimeError, handle as defaultHandle, mpsc, oneshot, setDefaultRuntime, spawn, yieldNow, blockOn as freeBlockOn } from '@tide/core';
import { describe, expect } from 'vitest';
import { createProbe, read } from '../probe.js';
import { addNumbers, spawnChain, spawnDetached, spawnJoin, spawnMany, spawnManyFromTask, yieldCounting, yieldThenSum, yieldUntilSet } from '../tasks.js';
import type { SuiteContext } from './suite-context.js';

/**
 * Spawning (Tokio's rt_common `spawn_one_join`, `spawn_one_bg`, `spawn_two`,
 * `spawn_many_from_block_on`, `spawn_many_from_task`, `spawn_await_chain`, `enter_and_spawn`;
 * rt_basic `spawned_task_does_not_progress_without_block_on`) and the Tauri-style default runtime.
 */
export function spawnCases(ctx: SuiteContext): void {
  const { factory, it } = ctx;

  describe('spawn', () => {
    it('one task, joined from the root (spawn_one_join)', () => {
      const rt = ctx.runtime();
      expect(rt.blockOn(spawnJoin, 'addNumbers', [40, 2])).toBe(42);
    });

    it.runIf(factory.acceptsClosures)('one task in the background, talking to the root over a oneshot (spawn_one_bg)', () => {
      const rt = ctx.runtime();
      const value = rt.blockOn(function* () {
        const [sender, receiver] = oneshot<string>();
        void Handle.current().spawn(function* () {
          yield* yieldNow();
          sender.send('from the background');
        });
        return yield* receiver;
      });
      expect(value).toBe('from the background');
    });

    it.runIf(factory.acceptsClosures)('two tasks sending on one channel (spawn_two)', () => {
      const rt = ctx.runtime();
      const received = rt.blockOn(function* () {
        const [sender, receiver] = mpsc.unbounded<string>();
        for (const name of ['a', 'b']) {
          const mine = sender.clone();
          void Handle.current().spawn(function* () {
            yield* yieldNow();
            yield* mine.send(name);
            mine.close();
          });
        }
        sender.close();
        const values: string[] = [];
        for (let value = yield* receiver.recv(); value !== undefined; value = yield* receiver.recv()) values.push(value);
        return values.sort();
      });
      expect(received).toEqual(['a', 'b']);
    });

    it('many tasks from blockOn (spawn_many_from_block_on)', () => {
      const rt = ctx.runtime();
      // sum over i < 1000 of (i + 1)
      expect(rt.blockOn(spawnMany, 1000)).toBe(500_500);
    });

    it('many tasks from a task (spawn_many_from_task)', () => {
      const rt = ctx.runtime();
      expect(rt.blockOn(spawnManyFromTask, 1000)).toBe(500_500);
    });

    it('a chain of tasks, each awaiting the next (spawn_await_chain)', () => {
      const rt = ctx.runtime();
      expect(rt.blockOn(spawnChain, 200)).toBe(200);
    });

    it('from the handle, outside any task; joined with await', async () => {
      const rt = ctx.runtime();
      const joined = rt.handle.spawn(addNumbers, 5, 6);
      expect(typeof joined.id).toBe('number');
      await expect(ctx.join(rt, joined)).resolves.toBe(11);
      expect(joined.isFinished()).toBe(true);
    });

    it('with the free spawn() inside handle.enter() (enter_and_spawn)', async () => {
      const rt = ctx.runtime();
      const guard = rt.handle.enter();
      let joined;
      try {
        joined = spawn(addNumbers, 20, 1);
      } finally {
        guard[Symbol.dispose]();
      }
      await expect(ctx.join(rt, joined)).resolves.toBe(21);
    });

    it.runIf(factory.drivenByCaller)('tasks do not progress while nobody drives the runtime (spawned_task_does_not_progress_without_block_on)', () => {
      const rt = ctx.runtime();
      const probe = createProbe();
      const task = rt.handle.spawn(yieldCounting, 5, probe, 0);
      expect(read(probe, 0)).toBe(0);
      expect(task.isFinished()).toBe(false);
      rt.blockOn(yieldUntilSet, probe, 0, 1_000, 5);
      expect(read(probe, 0)).toBe(5);
    });

    it.runIf(factory.drivenByCaller)('tasks left suspended when a blockOn returns resume on the next one', () => {
      const rt = ctx.runtime();
      const probe = createProbe();
      const task = rt.handle.spawn(yieldCounting, 1_000, probe, 0);
      rt.blockOn(yieldThenSum, [0, 0]);
      const afterFirst = read(probe, 0);
      expect(afterFirst).toBeGreaterThan(0);
      expect(afterFirst).toBeLessThan(1_000);
      expect(task.isFinished()).toBe(false);
      rt.blockOn(yieldUntilSet, probe, 0, 100_000, 1_000);
      expect(read(probe, 0)).toBe(1_000);
      expect(rt.blockOn(yieldThenSum, [0])).toBe(0);
      expect(task.isFinished()).toBe(true);
    });

    it.runIf(factory.drivenByCaller)('tasks spawned while nobody drives the runtime run on the next run()', async (context) => {
      const rt = ctx.runtime();
      if (rt.run === undefined) return context.skip();
      const probe = createProbe();
      const task = rt.handle.spawn(yieldCounting, 100, probe, 0);
      expect(read(probe, 0)).toBe(0);
      await expect(rt.run(yieldUntilSet, probe, 0, 100_000, 100)).resolves.toBeGreaterThan(0);
      await expect(ctx.join(rt, task)).resolves.toBe(100);
    });

    it.runIf(factory.drivenByCaller)('a task spawned and left detached by a finished root runs on the next blockOn', () => {
      const rt = ctx.runtime();
      const probe = createProbe();
      rt.blockOn(spawnDetached, probe, 0);
      rt.blockOn(yieldUntilSet, probe, 0, 1_000, 1);
      expect(read(probe, 0)).toBe(1);
    });

    it('async tasks spawned inside run() are joined by generator and async code alike', async (context) => {
      const rt = ctx.runtime();
      if (rt.run === undefined) return context.skip();
      await expect(rt.run(spawnJoin, 'asyncDouble', [4])).resolves.toBe(8);
    });

    it.runIf(factory.acceptsClosures)('closures with captured state and hoisted generator functions with arguments', () => {
      const rt = ctx.runtime();
      const captured = { value: 7 };
      function* times(a: number, b: number) {
        yield* yieldNow();
        return a * b;
      }
      const result = rt.blockOn(function* () {
        const fromClosure = Handle.current().spawn(function* () {
          yield* yieldNow();
          return captured.value;
        });
        const fromHoisted = Handle.current().spawn(times, 6, 7);
        const fromPlain = Handle.current().spawn(() => captured.value * 2);
        return [yield* fromClosure, yield* fromHoisted, yield* fromPlain];
      });
      expect(result).toEqual([7, 42, 14]);
    });
  });

  describe('default runtime (Tauri-style setDefaultRuntime)', () => {
    it('free functions use the default runtime outside any runtime context', async () => {
      const rt = ctx.runtime();
      expect(() => spawn(addNumbers, 1, 2)).toThrow(NoRuntimeError);
      setDefaultRuntime(rt.handle);
      try {
        expect(defaultHandle().id).toBe(rt.handle.id);
        const joined = spawn(addNumbers, 1, 2);
        await expect(ctx.join(rt, joined)).resolves.toBe(3);
        expect(freeBlockOn(yieldThenSum, [1, 2, 3])).toBe(6);
      } finally {
        setDefaultRuntime(undefined);
      }
      expect(() => defaultHandle()).toThrow(NoRuntimeError);
    });

    it('the runtime context takes precedence over the default runtime', () => {
      const fallback = ctx.runtime();
      const rt = ctx.runtime();
      setDefaultRuntime(fallback.handle);
      try {
        const guard = rt.handle.enter();
        try {
          expect(defaultHandle().id).toBe(rt.handle.id);
        } finally {
          guard[Symbol.dispose]();
        }
        expect(defaultHandle().id).toBe(fallback.handle.id);
      } finally {
        setDefaultRuntime(undefined);
      }
    });
  });
}
