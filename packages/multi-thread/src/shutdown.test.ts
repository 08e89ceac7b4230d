// Shutdown as in Tokio, and a process that exits by itself afterwards (child processes).
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { JoinError, RuntimeShutdownError } from '@tide/core';
import { api, fx, settle, time, waitFor, waitSync } from './test-support/runtime.js';

const child = fileURLToPath(new URL('../test-fixtures/exit-child.mjs', import.meta.url));

function run(mode: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [child, mode], { timeout: 20_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? ((error as { code?: number }).code ?? null) : 0, stdout, stderr });
    });
  });
}

describe('shutdown', () => {
  it('cancels tasks at their suspension point (finally runs), runs onThreadStop, and later spawns are cancelled', async () => {
    const stops = new SharedArrayBuffer(4);
    const rt = api.MultiThreadRuntime.builder().workerThreads(2).enable(time.timeDriver()).onThreadStop(fx.countStop, stops).build();
    const gates = new SharedArrayBuffer(8);
    const g = new Int32Array(gates);
    const running = rt.spawn(fx.sleepForever, gates, 0, 1);
    waitSync(() => Atomics.load(g, 0) === 1);
    rt.shutdownTimeout(5_000);
    expect(rt.isShutdown).toBe(true);
    expect(Atomics.load(g, 1)).toBe(1);
    expect(Atomics.load(new Int32Array(stops), 0)).toBe(2);
    const joined = await settle(running);
    expect((joined as { error: JoinError }).error.isCancelled()).toBe(true);
    const late = rt.spawn(fx.add, 1, 1);
    expect(late.isFinished()).toBe(true);
    expect(((await settle(late)) as { error: JoinError }).error.isCancelled()).toBe(true);
    expect(rt.metrics().numAliveTasks).toBe(0);
    // blockOn now runs on the calling thread: runtime-independent work completes, timers fail.
    expect(rt.blockOn(fx.add, 1, 1)).toBe(2);
    expect(() => rt.blockOn(fx.sleepThen, 1, 'x')).toThrow(RuntimeShutdownError);
  });

  it('shutdownTimeout returns within its timeout while a task never yields; that worker is terminated after a grace period', async () => {
    const rt = api.MultiThreadRuntime.builder().workerThreads(1).build();
    const gates = new SharedArrayBuffer(8);
    const g = new Int32Array(gates);
    const held = rt.spawn(fx.holdUntil, gates, 0, 1);
    waitSync(() => Atomics.load(g, 0) === 1);
    const core = (rt as unknown as { core: { liveWorkers: readonly Worker[] } }).core;
    let exited = 0;
    for (const worker of core.liveWorkers) worker.once('exit', () => exited++);
    const start = performance.now();
    rt.shutdownTimeout(50);
    // A contract of the API, not a speed target: the wait is bounded by the timeout (plus the
    // scheduling slack of a loaded machine), not by the task, which is still blocked on its gate.
    expect(performance.now() - start).toBeLessThan(1_500);
    expect(Atomics.load(g, 1)).toBe(0);
    expect(((await settle(held)) as { error: JoinError }).error.isCancelled()).toBe(true);
    // The worker still running the task is terminated after the grace period, gate still closed.
    expect(exited).toBe(0);
    await waitFor(() => exited === 1);
    expect(Atomics.load(g, 1)).toBe(0);
  });

  it('shutting down twice is harmless; shutdownBackground returns at once', () => {
    const rt = api.MultiThreadRuntime.builder().workerThreads(1).build();
    expect(rt.blockOn(fx.add, 1, 2)).toBe(3);
    rt.shutdownBackground();
    rt.shutdownTimeout(1_000);
    expect(rt.isShutdown).toBe(true);
  });

  it.each(['idle', 'shutdown', 'background', 'dispose', 'pending', 'detached'])('a process using the runtime exits by itself (%s)', async (mode) => {
    const { code, stdout, stderr } = await run(mode);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toContain('spawn 3\nblockOn 5\nsleep ok\n');
    expect(stdout).toContain('end');
    if (mode === 'shutdown') {
      expect(stdout).toContain('finally 1\nstops 2\njoined JoinError true\nlate true\nlate true\n');
    }
    if (mode === 'dispose') expect(stdout).toContain('finally 1');
    if (mode === 'pending') expect(stdout).toContain('pending late');
    if (mode === 'detached') expect(stdout).toContain('end\ndetached held 1\n');
  });
});
