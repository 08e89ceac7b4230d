// The queues as the metrics and the order of execution show them, on real worker threads:
// globalQueueInterval fairness, queue depths while workers are held, busy time, Node's own IO in
// a task. Deterministic: workers are held on gates, so what is queued is known exactly.
import { fileURLToPath } from 'node:url';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { JoinHandle } from '@tide/core';
import { api, fx, waitFor, waitSync } from './test-support/runtime.js';

const { MultiThreadRuntime } = api;

function gate(): { sab: SharedArrayBuffer; cells: Int32Array; open: (index: number) => void } {
  const cells = new Int32Array(new SharedArrayBuffer(4 * 8));
  return {
    sab: cells.buffer,
    cells,
    open: (index) => {
      Atomics.store(cells, index, 1);
      Atomics.notify(cells, index);
    },
  };
}

/**
 * One worker runs a task that fills its own queues with `n` tasks and holds it; the owner then
 * spawns one more (it goes to the global queue) and releases the worker. Returns the position
 * (1-based) at which the global task ran among the n + 1.
 */
async function positionOfGlobalTask(interval: number, n: number): Promise<number> {
  const order = new Int32Array(new SharedArrayBuffer(4 * (n + 2)));
  const rt = MultiThreadRuntime.builder().workerThreads(1).globalQueueInterval(interval).onThreadStart(fx.installCounters, order.buffer).build();
  try {
    const g = gate();
    const filler = rt.spawn(fx.spawnLocalBurstThenHold, n, g.sab, 0, 1);
    waitSync(() => Atomics.load(g.cells, 0) === 1);
    expect(rt.metrics().workers[0]!.localQueueDepth).toBe(n);
    const global = rt.spawn(fx.recordOrder, n);
    expect(rt.metrics().globalQueueDepth).toBe(1);
    g.open(1);
    await filler;
    await global;
    await waitFor(() => Atomics.load(order, 0) === n + 1);
    return Atomics.load(order, 1 + n);
  } finally {
    rt.shutdownTimeout(5_000);
  }
}

describe('globalQueueInterval', () => {
  it('a worker busy with its own queue still takes from the global queue every globalQueueInterval picks', async () => {
    expect(await positionOfGlobalTask(4, 100)).toBeLessThanOrEqual(4);
  });

  it('with an interval longer than the local work, the global task waits until the local queue is empty', async () => {
    expect(await positionOfGlobalTask(1_000, 100)).toBe(101);
  });
});

describe('metrics while workers are held', () => {
  it('globalQueueDepth and numAliveTasks count the tasks waiting for a worker', async () => {
    const workers = 2;
    const rt = MultiThreadRuntime.builder().workerThreads(workers).build();
    try {
      const g = gate();
      const holders = [rt.spawn(fx.holdUntil, g.sab, 0, 7), rt.spawn(fx.holdUntil, g.sab, 1, 7)];
      waitSync(() => Atomics.load(g.cells, 0) === 1 && Atomics.load(g.cells, 1) === 1);
      const queued: JoinHandle<number, never>[] = [];
      for (let i = 0; i < 10; i++) queued.push(rt.spawn(fx.add, i, 0));
      const m = rt.metrics();
      expect(m.globalQueueDepth).toBe(10);
      expect(m.numAliveTasks).toBe(workers + 10);
      g.open(7);
      await Promise.all([...holders, ...queued]);
      expect(rt.metrics()).toMatchObject({ globalQueueDepth: 0, numAliveTasks: 0 });
    } finally {
      rt.shutdownTimeout(5_000);
    }
  });

  it("localQueueDepth counts a worker's own queue (LIFO slot included)", async () => {
    const order = new SharedArrayBuffer(4 * 40);
    const rt = MultiThreadRuntime.builder().workerThreads(1).onThreadStart(fx.installCounters, order).build();
    try {
      const g = gate();
      const filler = rt.spawn(fx.spawnLocalBurstThenHold, 30, g.sab, 0, 1);
      waitSync(() => Atomics.load(g.cells, 0) === 1);
      const m = rt.metrics();
      expect(m.workers[0]!.localQueueDepth).toBe(30);
      expect(m.globalQueueDepth).toBe(0);
      g.open(1);
      await filler;
      await waitFor(() => Atomics.load(new Int32Array(order), 0) === 30);
      await waitFor(() => rt.metrics().numAliveTasks === 0);
      expect(rt.metrics().workers[0]!.localQueueDepth).toBe(0);
    } finally {
      rt.shutdownTimeout(5_000);
    }
  });

  it('busyMs grows by at least the CPU time tasks took; parkCount by the parks in between', async () => {
    const rt = MultiThreadRuntime.builder().workerThreads(1).build();
    try {
      const before = rt.metrics().workers[0]!;
      await rt.spawn(fx.spin, 20);
      await rt.spawn(fx.spin, 20);
      // The worker publishes its busy time when it goes idle: wait (bounded) for that.
      await waitFor(() => rt.metrics().workers[0]!.busyMs - before.busyMs >= 40);
      const after = rt.metrics().workers[0]!;
      expect(after.parkCount).toBeGreaterThanOrEqual(before.parkCount);
      expect(after.pollCount).toBeGreaterThanOrEqual(before.pollCount + 2);
    } finally {
      rt.shutdownTimeout(5_000);
    }
  });
});

describe('metrics of a worker that never goes idle', () => {
  it('busyMs grows while the worker stays busy, not only when it parks', async () => {
    const rt = MultiThreadRuntime.builder().workerThreads(1).build();
    const g = gate();
    try {
      const before = rt.metrics().workers[0]!.busyMs;
      const busy = rt.spawn(fx.busyUntilOpen, g.sab, 0);
      // The task yields but never lets the worker idle until the gate opens: the busy time must
      // show up meanwhile (it used to be published only when the worker ran out of work).
      await waitFor(() => rt.metrics().workers[0]!.busyMs - before >= 100);
      expect(rt.metrics().numAliveTasks).toBe(1);
      g.open(0);
      await busy;
    } finally {
      rt.shutdownTimeout(5_000);
    }
  });
});

describe("Node's own IO inside tasks", () => {
  it('an async task awaits fs.promises on its worker', async () => {
    const rt = MultiThreadRuntime.builder().workerThreads(1).build();
    try {
      const path = fileURLToPath(import.meta.url);
      const length = readFileSync(path, 'utf8').length;
      await expect(rt.spawn(fx.readFileAsync, path)).resolves.toBe(length);
      expect(rt.blockOn(fx.readFileAsync, path)).toBe(length);
    } finally {
      rt.shutdownTimeout(5_000);
    }
  });
});
