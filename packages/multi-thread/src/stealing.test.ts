// Throughput correctness and work distribution on real worker threads.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JoinHandle } from '@tide/core';
import type { MultiThreadRuntime as Runtime } from './index.js';
import { api, fx } from './test-support/runtime.js';

const N = 100_000;

describe('1e5 tasks', () => {
  const counters = new SharedArrayBuffer((N + 1) * 4);
  let rt: Runtime;

  beforeAll(() => {
    rt = api.MultiThreadRuntime.builder().workerThreads(2).onThreadStart(fx.installCounters, counters).build();
  });
  afterAll(() => rt.shutdownTimeout(5_000));

  it('runs every task exactly once and returns every result (no loss, no duplicate)', async () => {
    const handles: JoinHandle<number, never>[] = [];
    for (let i = 0; i < N; i++) handles.push(rt.spawn(fx.record, i));
    const values = await Promise.all(handles);
    let wrong = 0;
    for (let i = 0; i < N; i++) if (values[i] !== i) wrong++;
    expect(wrong).toBe(0);
    const executions = new Int32Array(counters);
    let missing = 0;
    let duplicated = 0;
    for (let i = 0; i < N; i++) {
      const n = Atomics.load(executions, 1 + i);
      if (n === 0) missing++;
      else if (n > 1) duplicated++;
    }
    expect({ missing, duplicated }).toEqual({ missing: 0, duplicated: 0 });
    expect(rt.metrics().numAliveTasks).toBe(0);
  });
});

describe('work stealing', () => {
  const counters = new SharedArrayBuffer(4);
  let rt: Runtime;
  beforeAll(() => {
    rt = api.MultiThreadRuntime.builder().workerThreads(2).onThreadStart(fx.installCounters, counters).build();
  });
  afterAll(() => rt.shutdownTimeout(5_000));

  it('a burst spawned from one worker is executed on several workers', async () => {
    // Every task of the burst that lands on the spawning worker waits (bounded) until another
    // worker has run one: the test can only pass if the burst was stolen or shared.
    Atomics.store(new Int32Array(counters), 0, 0);
    const { spawner, threads } = await rt.spawn(fx.burst, 200);
    expect(threads).toHaveLength(200);
    const distinct = new Set(threads);
    expect(distinct.size).toBe(2);
    expect(distinct.has(spawner)).toBe(true);
  });

  it('the steal count in the metrics records it', async () => {
    Atomics.store(new Int32Array(counters), 0, 0);
    await rt.spawn(fx.burst, 300);
    const m = rt.metrics();
    expect(m.workers.reduce((s, w) => s + w.stealCount, 0)).toBeGreaterThan(0);
  });
});
