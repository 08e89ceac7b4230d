// transfer(): a task's binary result moved to the joining thread instead of copied.
import { InvalidArgumentError } from '@tide/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MultiThreadRuntime as Runtime } from './index.js';
import { api, fx } from './test-support/runtime.js';

const { MultiThreadRuntime, transfer } = api;

describe('transfer()', () => {
  let rt: Runtime;
  beforeAll(() => {
    // One worker: the task that made the bytes and the one that looks at them share a thread.
    rt = MultiThreadRuntime.builder().workerThreads(1).build();
  });
  afterAll(() => rt.shutdownTimeout(5_000));

  it.each([16, 1 << 20, 9 << 20])('moves a %i-byte result: the joiner gets it, the worker no longer has it', async (n) => {
    const bytes = await rt.spawn(fx.makeBytesKept, n, true);
    expect(bytes).toBeInstanceOf(Uint8Array);
    expect(bytes.byteLength).toBe(n);
    expect(bytes[n - 1]).toBe(9);
    expect(rt.blockOn(fx.keptLength)).toBe(0);
  });

  it('blockOn gets a moved result too', () => {
    const bytes = rt.blockOn(fx.makeBytesKept, 1024, true);
    expect(bytes.byteLength).toBe(1024);
    expect(rt.blockOn(fx.keptLength)).toBe(0);
  });

  it('without transfer() the result is a copy: the worker keeps its bytes', async () => {
    const bytes = await rt.spawn(fx.makeBytesKept, 1024, false);
    expect(bytes.byteLength).toBe(1024);
    expect(rt.blockOn(fx.keptLength)).toBe(1024);
  });

  it('a task on a worker joining a moved result from another task', () => {
    expect(rt.blockOn(fx.joinTransferred, 4096)).toBe(4096);
  });

  it('returns its argument (no effect where no thread is crossed) and refuses what is not binary', () => {
    const bytes = new Uint8Array(4);
    expect(transfer(bytes)).toBe(bytes);
    expect(() => transfer('bytes' as never)).toThrow(InvalidArgumentError);
    expect(() => transfer({ buffer: new ArrayBuffer(4) } as never)).toThrow(InvalidArgumentError);
  });
});

describe('transfer() across workers', () => {
  it('a moved result relayed through the owner to the worker that spawned the task', () => {
    const counters = new SharedArrayBuffer(4 * 4);
    const rt = MultiThreadRuntime.builder().workerThreads(2).onThreadStart(fx.installCounters, counters).build();
    try {
      for (const n of [2048, 9 << 20]) expect(rt.blockOn(fx.transferFromAnotherWorker, n)).toBe(2);
    } finally {
      rt.shutdownTimeout(5_000);
    }
  });
});
