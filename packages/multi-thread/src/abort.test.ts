// abort() crosses threads: a queued task is removed, a started generator task is cancelled at its
// suspension point (its finally block runs), an async task's signal fires.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeadlockError, JoinError } from '@tide/core';
import type { MultiThreadRuntime as Runtime } from './index.js';
import { api, fx, settle, time, waitFor, waitSync } from './test-support/runtime.js';

function expectCancelled(result: { ok: boolean; error?: unknown }): void {
  expect(result.ok).toBe(false);
  expect(result.error).toBeInstanceOf(JoinError);
  expect((result.error as JoinError).isCancelled()).toBe(true);
}

describe.each([1, 2])('cross-thread abort with %i worker(s)', (workers) => {
  const counters = new SharedArrayBuffer(4 * 16);
  let rt: Runtime<'time'>;

  beforeAll(() => {
    rt = api.MultiThreadRuntime.builder().workerThreads(workers).enable(time.timeDriver()).onThreadStart(fx.installCounters, counters).build();
  });
  afterAll(() => rt.shutdownTimeout(5_000));

  it('a task that has not started is removed and never runs', async () => {
    const executions = new Int32Array(counters);
    Atomics.store(executions, 1 + 5, 0);
    const gates = new SharedArrayBuffer(4 * 8);
    const g = new Int32Array(gates);
    // Occupy every worker, so the next task stays queued.
    const holders = [];
    for (let w = 0; w < workers; w++) holders.push(rt.spawn(fx.holdUntil, gates, w, 7));
    waitSync(() => {
      for (let w = 0; w < workers; w++) if (Atomics.load(g, w) === 0) return false;
      return true;
    });
    const queued = rt.spawn(fx.record, 5);
    queued.abort();
    expect(queued.isFinished()).toBe(true);
    expectCancelled(await settle(queued));
    Atomics.store(g, 7, 1);
    Atomics.notify(g, 7);
    await Promise.all(holders);
    // Run more work through every worker: the cancelled task would have run by now.
    await Promise.all(Array.from({ length: 50 }, (_, i) => rt.spawn(fx.add, i, 1)));
    expect(Atomics.load(executions, 1 + 5)).toBe(0);
  });

  it('a started generator task is cancelled at its suspension point and its finally block runs', async () => {
    const gates = new SharedArrayBuffer(4 * 4);
    const g = new Int32Array(gates);
    const handle = rt.spawn(fx.sleepForever, gates, 0, 1);
    waitSync(() => Atomics.load(g, 0) === 1);
    handle.abort();
    expectCancelled(await settle(handle));
    // The finally block ran before the cancellation was reported.
    expect(Atomics.load(g, 1)).toBe(1);
  });

  it("a started async task's signal fires and its handle settles as cancelled", async () => {
    const gates = new SharedArrayBuffer(4 * 4);
    const g = new Int32Array(gates);
    const handle = rt.spawn(fx.asyncUntilAborted, gates, 0, 1);
    waitSync(() => Atomics.load(g, 0) === 1);
    handle.abort();
    expectCancelled(await settle(handle));
    await waitFor(() => Atomics.load(g, 1) === 1);
  });

  it('aborting a finished task does nothing', async () => {
    const handle = rt.spawn(fx.add, 1, 1);
    await expect(handle).resolves.toBe(2);
    handle.abort();
    await expect(handle).resolves.toBe(2);
  });

  it('a blockOn whose task nothing can ever wake throws DeadlockError after its finally ran (Tokio would hang)', () => {
    const executions = new Int32Array(counters);
    Atomics.store(executions, 0, 0);
    expect(() => rt.blockOn(fx.awaitNothing)).toThrow(DeadlockError);
    expect(Atomics.load(executions, 0)).toBe(1);
    // The runtime is still usable.
    expect(rt.blockOn(fx.add, 1, 2)).toBe(3);
  });

  it('an abort handle aborts across threads too', async () => {
    const gates = new SharedArrayBuffer(4 * 4);
    const g = new Int32Array(gates);
    const handle = rt.spawn(fx.sleepForever, gates, 0, 1);
    waitSync(() => Atomics.load(g, 0) === 1);
    handle.abortHandle().abort();
    expectCancelled(await settle(handle));
    expect(Atomics.load(g, 1)).toBe(1);
  });
});
