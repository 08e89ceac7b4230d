import { Handle, JoinError, Mutex, Notify, RuntimeShutdownError, Semaphore, mpsc, oneshot, spawn, yieldNow } from '@tide/core';
import { describe, expect } from 'vitest';
import { createProbe, read, store, waitNonZero } from '../probe.js';
import {
  addNumbers,
  blockingGate,
  blockingSignalThenSleep,
  isCancelled,
  pendForever,
  pendForeverYieldingFinally,
  sleepFor,
  sleepForever,
  spawnInFinally,
  yieldThenSum,
} from '../tasks.js';
import type { SuiteContext } from './suite-context.js';

/**
 * Shutdown (Tokio's rt_common `outstanding_tasks_dropped`, `eagerly_drops_futures_on_shutdown`,
 * `shutdown_timeout`, `shutdown_timeout_0`, `shutdown_concurrent_spawn`,
 * `wake_while_rt_is_dropping`; rt_handle_block_on `spawn_after_runtime_dropped`,
 * `spawn_blocking_after_shutdown_fails`, `spawn_blocking_started_before_shutdown_continues`,
 * `sleep_after_shutdown_panics`): every task is cancelled at its suspension point with its
 * `finally` blocks run; afterwards spawns are cancelled, timers fail, and runtime-independent
 * futures still work.
 */
export function shutdownCases(ctx: SuiteContext): void {
  const { factory, it } = ctx;

  describe('shutdown', () => {
    it('cancels outstanding tasks at their suspension point and runs their finally blocks (outstanding_tasks_dropped)', async () => {
      const rt = ctx.runtime();
      const probe = createProbe();
      const tasks = [
        rt.handle.spawn(pendForever, probe, 0, 1),
        rt.handle.spawn(pendForever, probe, 0, 1),
        rt.handle.spawn(pendForeverYieldingFinally, probe, 0, 1),
      ];
      ctx.waitForCount(rt, probe, 0, 3);
      ctx.drop(rt);
      expect(read(probe, 1)).toBe(3);
      expect(rt.handle.metrics()).toMatchObject({ numAliveTasks: 0, globalQueueDepth: 0 });
      for (const task of tasks) {
        expect(task.isFinished()).toBe(true);
        expect(isCancelled(await ctx.joinFailure(rt, task))).toBe(true);
      }
    });

    it('drops a task waiting on a timer, releasing the timer (eagerly_drops_futures_on_shutdown)', () => {
      const rt = ctx.runtime();
      const probe = createProbe();
      const task = rt.handle.spawn(sleepForever, probe, 0, 1);
      ctx.waitForCount(rt, probe, 0);
      ctx.drop(rt);
      expect(read(probe, 1)).toBe(1);
      expect(task.isFinished()).toBe(true);
    });

    it.runIf(factory.drivenByCaller)('tasks that never started are dropped without being polled', async () => {
      const rt = ctx.runtime();
      const probe = createProbe();
      const task = rt.handle.spawn(pendForever, probe, 0, 1);
      rt.shutdown(0);
      expect(read(probe, 0)).toBe(0);
      expect(read(probe, 1)).toBe(0);
      expect(isCancelled(await ctx.joinFailure(rt, task))).toBe(true);
    });

    it('a spawn after shutdown returns a handle that is already cancelled (spawn_after_runtime_dropped)', async () => {
      const rt = ctx.runtime();
      rt.shutdown(0);
      const task = rt.handle.spawn(addNumbers, 1, 2);
      expect(task.isFinished()).toBe(true);
      expect(isCancelled(await ctx.joinFailure(rt, task))).toBe(true);
      const guard = rt.handle.enter();
      try {
        expect(spawn(addNumbers, 3, 4).isFinished()).toBe(true);
      } finally {
        guard.exit();
      }
    });

    it('a spawnBlocking after shutdown is cancelled (spawn_blocking_after_shutdown_fails)', async () => {
      const rt = ctx.runtime();
      rt.shutdown(0);
      const task = rt.handle.spawnBlocking(addNumbers, 1, 2);
      expect(isCancelled(await ctx.joinFailure(rt, task))).toBe(true);
    });

    it('a task spawning from its finally block during shutdown gets a cancelled handle (shutdown_concurrent_spawn)', () => {
      const rt = ctx.runtime();
      const probe = createProbe();
      rt.handle.spawn(spawnInFinally, probe, 0, 1);
      ctx.waitForCount(rt, probe, 0);
      ctx.drop(rt);
      expect(read(probe, 1)).toBe(1);
    });

    it('runtime-independent futures still complete in handle.blockOn after shutdown', () => {
      const rt = ctx.runtime();
      rt.shutdown(0);
      expect(rt.handle.blockOn(yieldThenSum, [1, 2, 3])).toBe(6);
      expect(rt.handle.blockOn(addNumbers, 2, 2)).toBe(4);
    });

    it.runIf(factory.acceptsClosures)('channels, Notify, Semaphore and Mutex still work in handle.blockOn after shutdown', () => {
      const rt = ctx.runtime();
      rt.shutdown(0);
      const result = rt.handle.blockOn(function* () {
        const [tx, rx] = oneshot<number>();
        tx.send(1);
        const [sender, receiver] = mpsc.channel<number>(1);
        yield* sender.send(2);
        const notify = new Notify();
        notify.notifyOne();
        yield* notify.notified();
        const semaphore = new Semaphore(1);
        const permit = yield* semaphore.acquire();
        permit.release();
        const mutex = new Mutex(3);
        const guard = yield* mutex.lock();
        const locked = guard.value;
        guard[Symbol.dispose]();
        yield* yieldNow();
        return (yield* rx) + ((yield* receiver.recv()) ?? 0) + locked;
      });
      expect(result).toBe(6);
    });

    it('timers fail with RuntimeShutdownError after shutdown (sleep_after_shutdown_panics)', () => {
      const rt = ctx.runtime();
      rt.shutdown(0);
      expect(() => rt.handle.blockOn(sleepFor, 1)).toThrow(RuntimeShutdownError);
      expect(() => rt.handle.blockOn(sleepFor, 1)).toThrow(expect.objectContaining({ code: 'E_RUNTIME_SHUTDOWN' }));
    });

    it('shutdownTimeout(0) returns at once while a blocking task still runs; its handle is cancelled (shutdown_timeout_0)', async () => {
      const rt = ctx.runtime();
      const gate = createProbe();
      const task = rt.handle.spawnBlocking(blockingGate, gate, 0, 1);
      waitNonZero(gate, 0);
      rt.shutdown(0);
      store(gate, 1, 1);
      expect(task.isFinished()).toBe(true);
      expect(isCancelled(await ctx.joinFailure(rt, task))).toBe(true);
      expect(rt.handle.metrics()).toMatchObject({ numBlockingThreads: 0, blockingQueueDepth: 0 });
    });

    it('a blocking task started before shutdown finishes within the timeout and keeps its value (shutdown_timeout)', async () => {
      const rt = ctx.runtime();
      const gate = createProbe();
      const task = rt.handle.spawnBlocking(blockingSignalThenSleep, gate, 0, 20);
      waitNonZero(gate, 0);
      rt.shutdown(30_000);
      expect(task.isFinished()).toBe(true);
      await expect(ctx.join(rt, task)).resolves.toBe(20);
    });

    it('a blocking task still queued at shutdown is cancelled and never starts', async () => {
      const rt = ctx.runtime({ maxBlockingThreads: 1 });
      const gate = createProbe();
      const running = rt.handle.spawnBlocking(blockingGate, gate, 0, 1);
      const queued = rt.handle.spawnBlocking(blockingGate, gate, 2, 1);
      waitNonZero(gate, 0);
      rt.shutdown(0);
      store(gate, 1, 1);
      expect(isCancelled(await ctx.joinFailure(rt, queued))).toBe(true);
      expect(isCancelled(await ctx.joinFailure(rt, running))).toBe(true);
      expect(read(gate, 2)).toBe(0);
    });

    it('shutting down twice is harmless', () => {
      const rt = ctx.runtime();
      rt.blockOn(addNumbers, 1, 1);
      rt.shutdown(0);
      rt.shutdown(0);
      expect(rt.handle.blockOn(addNumbers, 1, 1)).toBe(2);
    });

    it.runIf(factory.acceptsClosures)('finally blocks that wake other tasks during shutdown (wake_while_rt_is_dropping)', () => {
      const rt = ctx.runtime();
      const notify = new Notify();
      let finallies = 0;
      const waiter = function* () {
        try {
          yield* notify.notified();
        } finally {
          notify.notifyWaiters();
          notify.notifyOne();
          finallies++;
        }
      };
      rt.blockOn(function* () {
        for (let i = 0; i < 3; i++) void Handle.current().spawn(waiter);
        yield* yieldNow();
      });
      rt.shutdown(0);
      expect(finallies).toBe(3);
    });

    it('the JoinError of a task cancelled by shutdown says cancelled', async () => {
      const rt = ctx.runtime();
      const probe = createProbe();
      const task = rt.handle.spawn(pendForever, probe, 0, 1);
      ctx.waitForCount(rt, probe, 0);
      rt.shutdown(0);
      const error = await ctx.joinFailure(rt, task);
      expect(error).toBeInstanceOf(JoinError);
      expect(error.taskId).toBe(task.id);
    });
  });
}
