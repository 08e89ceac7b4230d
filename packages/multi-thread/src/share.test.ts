// share() / Handle.fromShared(): a user's own worker thread spawns onto the pool.
import { Worker } from 'node:worker_threads';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MultiThreadRuntime as Runtime } from './index.js';
import { api, fx, time } from './test-support/runtime.js';

describe('shared handles and idling', () => {
  let rt: Runtime<'time'>;
  beforeAll(() => {
    rt = api.MultiThreadRuntime.builder().workerThreads(2).enable(time.timeDriver()).build();
  });
  afterAll(() => rt.shutdownTimeout(5_000));

  it("a user's worker thread spawns onto the pool and blocks on it through a shared handle", async () => {
    const shared = rt.share();
    const worker = new Worker(new URL('../test-fixtures/share-user.mjs', import.meta.url), {
      workerData: { shared },
      transferList: [shared.port],
    });
    const reply = await new Promise<unknown>((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
    });
    await worker.terminate();
    expect(reply).toEqual({
      sum: 42,
      slept: 'remote',
      failure: 'JoinError:true',
      blocked: 'blocked',
      blockFailure: 'RangeError:blocked boom:E_FIXTURE',
      id: rt.id,
      flavor: 'multi_thread',
    });
  });

  it('an idle runtime parks its workers and they stay parked (no polling loop)', async () => {
    await Promise.all(Array.from({ length: 100 }, (_, i) => rt.spawn(fx.add, i, 1)));
    // Let the workers finish their brief search for more work and park.
    await new Promise((resolve) => setTimeout(resolve, 50));
    const before = rt.metrics().workers.map((w) => [w.parkCount, w.unparkCount, w.pollCount]);
    await new Promise((resolve) => setTimeout(resolve, 200));
    const after = rt.metrics().workers.map((w) => [w.parkCount, w.unparkCount, w.pollCount]);
    expect(after).toEqual(before);
    for (const [parks] of after) expect(parks).toBeGreaterThan(0);
  });
});
