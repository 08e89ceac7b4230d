// A worker that dies fails only the tasks it had started, is replaced, and nothing queued is lost.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JoinError, WorkerExitedError, type JoinHandle } from '@tide/core';
import type { MultiThreadRuntime as Runtime } from './index.js';
import { api, fx, settle, waitFor } from './test-support/runtime.js';

function panicCause(result: { ok: boolean; error?: unknown }): unknown {
  expect(result.ok).toBe(false);
  const error = result.error as JoinError;
  expect(error).toBeInstanceOf(JoinError);
  expect(error.isPanic()).toBe(true);
  return error.cause;
}

describe('worker crash recovery', () => {
  const counters = new SharedArrayBuffer(4 * 1_001);
  let rt: Runtime;

  beforeAll(() => {
    rt = api.MultiThreadRuntime.builder()
      .workerThreads(2)
      .onThreadStart(fx.installCounters, counters)
      .resourceLimits({ maxOldGenerationSizeMb: 24, maxYoungGenerationSizeMb: 8 })
      .build();
  });
  afterAll(() => rt.shutdownTimeout(5_000));

  it('process.exit in a task fails that task with WorkerExitedError(exitCode); the runtime keeps serving', async () => {
    const cause = panicCause(await settle(rt.spawn(fx.exitWith, 7)));
    expect(cause).toBeInstanceOf(WorkerExitedError);
    expect(cause).toMatchObject({ code: 'E_WORKER_EXITED', exitCode: 7 });
    await expect(rt.spawn(fx.add, 1, 2)).resolves.toBe(3);
    expect(rt.metrics().numWorkers).toBe(2);
  });

  it('an uncaught error kills the worker: its task fails with the error as the cause of WorkerExitedError', async () => {
    const cause = panicCause(await settle(rt.spawn(fx.throwUncaught, 'kaboom')));
    expect(cause).toBeInstanceOf(WorkerExitedError);
    expect(cause).toMatchObject({ exitCode: 1 });
    expect(String((cause as Error).message)).toMatch(/kaboom/);
    await expect(rt.spawn(fx.add, 2, 2)).resolves.toBe(4);
  });

  it('running out of memory (resourceLimits) kills only that worker', async () => {
    const cause = panicCause(await settle(rt.spawn(fx.exhaustMemory)));
    expect(cause).toBeInstanceOf(WorkerExitedError);
    await expect(rt.spawn(fx.add, 3, 3)).resolves.toBe(6);
  });

  it('blockOn on a task whose worker dies throws WorkerExitedError synchronously', () => {
    let caught: unknown;
    try {
      rt.blockOn(fx.exitWith, 9);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(WorkerExitedError);
    expect(caught).toMatchObject({ exitCode: 9 });
    expect(rt.blockOn(fx.add, 5, 5)).toBe(10);
  });

  it('tasks queued on a dying worker run elsewhere, each exactly once', async () => {
    const executions = new Int32Array(counters);
    for (let i = 0; i < executions.length; i++) Atomics.store(executions, i, 0);
    // The task spawns 1000 tasks into its own worker's queues, then kills the thread.
    panicCause(await settle(rt.spawn(fx.spawnThenExit, 1_000, 3)));
    await waitFor(() => {
      for (let i = 0; i < 1_000; i++) if (Atomics.load(executions, 1 + i) === 0) return false;
      return true;
    });
    let duplicated = 0;
    for (let i = 0; i < 1_000; i++) if (Atomics.load(executions, 1 + i) !== 1) duplicated++;
    expect(duplicated).toBe(0);
  });

  it('only the started tasks fail: other tasks in flight complete', async () => {
    const handles: JoinHandle<number, never>[] = [];
    for (let i = 0; i < 500; i++) handles.push(rt.spawn(fx.add, i, 0));
    const crash = settle(rt.spawn(fx.exitWith, 4));
    for (let i = 500; i < 1_000; i++) handles.push(rt.spawn(fx.add, i, 0));
    const values = await Promise.all(handles);
    expect(values).toEqual(Array.from({ length: 1_000 }, (_, i) => i));
    expect(panicCause(await crash)).toMatchObject({ exitCode: 4 });
  });
});
