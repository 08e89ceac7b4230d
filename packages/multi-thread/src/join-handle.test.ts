// Every joiner of one pending multi-thread JoinHandle gets the outcome: several `then` calls on it
// (`Promise.all([h, h])`), an `await` and a `yield*` on the same handle in either order — for the
// handles of spawned tasks and of blocking tasks alike (as core's own JoinHandle guarantees).
import { CurrentThreadRuntime } from '@tide/current-thread';
import { JoinError, spawn, yieldNow, type JoinHandle } from '@tide/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MultiThreadRuntime as Runtime } from './index.js';
import { api, fx, settle, waitSync } from './test-support/runtime.js';

/** Settles `p`, or gives 'never settled' if it has not after `ms` (a regression fails, it does not hang). */
function within<T>(p: PromiseLike<T>, ms = 10_000): Promise<T | 'never settled'> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const bound = new Promise<'never settled'>((resolve) => (timer = setTimeout(() => resolve('never settled'), ms)));
  return Promise.race([Promise.resolve(p), bound]).finally(() => clearTimeout(timer));
}

describe.each([1, 2])('joiners of one multi-thread JoinHandle (%i worker(s))', (workers) => {
  let mt: Runtime;
  let ct: CurrentThreadRuntime;

  beforeAll(() => {
    mt = api.MultiThreadRuntime.builder().workerThreads(workers).build();
    ct = CurrentThreadRuntime.builder().build();
  });
  afterAll(() => {
    ct.shutdownTimeout(1_000);
    mt.shutdownTimeout(5_000);
  });

  /**
   * A pending handle whose task returns its thread id once `gates[1]` opens; `open()` opens it.
   * `blocking` puts it on the blocking pool instead of a worker.
   */
  function gated(blocking: boolean, failWith?: string): { handle: JoinHandle<number, never>; open: () => void } {
    const gates = new Int32Array(new SharedArrayBuffer(8));
    const sab = gates.buffer;
    const spawnOn = (blocking ? mt.spawnBlocking.bind(mt) : mt.spawn.bind(mt)) as (task: unknown, ...args: unknown[]) => JoinHandle<number, never>;
    const handle = failWith === undefined ? spawnOn(fx.holdUntil, sab, 0, 1) : spawnOn(fx.failWhenOpen, sab, 0, 1, failWith);
    waitSync(() => Atomics.load(gates, 0) === 1);
    return {
      handle,
      open: () => {
        Atomics.store(gates, 1, 1);
        Atomics.notify(gates, 1);
      },
    };
  }

  describe.each([
    ['a spawned task', false],
    ['a blocking task', true],
  ])('%s', (_what, blocking) => {
    it('Promise.all([h, h]) and two awaits get the same value', async () => {
      const { handle, open } = gated(blocking);
      const both = Promise.all([handle, handle]);
      const again = handle.then((v) => v);
      open();
      const [a, b] = (await within(both)) as number[];
      expect(a).toBeTypeOf('number');
      expect(b).toBe(a);
      expect(await within(again)).toBe(a);
      expect(await handle).toBe(a);
    });

    it('await, then yield* in a current-thread blockOn: both get the value', async () => {
      const { handle, open } = gated(blocking);
      const awaited = handle.then((v) => v);
      const joined = ct.blockOn(function* () {
        open();
        return yield* handle;
      });
      expect(joined).toBeTypeOf('number');
      expect(await within(awaited)).toBe(joined);
    });

    it('yield* in a current-thread task, then await in the blockOn root: both get the value', async () => {
      const { handle, open } = gated(blocking);
      let awaited: Promise<number> | undefined;
      const joined = ct.blockOn(function* () {
        const joiner = spawn(function* () {
          return yield* handle;
        });
        // The joiner polls the pending handle first, then host code awaits it too.
        yield* yieldNow();
        awaited = handle.then((v) => v);
        open();
        return yield* joiner;
      });
      expect(joined).toBeTypeOf('number');
      expect(await within(awaited!)).toBe(joined);
    });

    it('a failure reaches every joiner (await, then, yield*) as a panic JoinError', async () => {
      const { handle, open } = gated(blocking, 'gated boom');
      const first = settle(handle);
      const second = settle(handle);
      const joined = ct.blockOn(function* () {
        open();
        try {
          return yield* handle;
        } catch (error) {
          return error;
        }
      });
      const results = [await within(first), await within(second), { ok: false, error: joined }];
      for (const result of results) {
        expect(result).not.toBe('never settled');
        const { ok, error } = result as { ok: boolean; error?: unknown };
        expect(ok).toBe(false);
        expect(error).toBeInstanceOf(JoinError);
        expect((error as JoinError).isPanic()).toBe(true);
        expect((error as JoinError).cause).toMatchObject({ name: 'RangeError', message: 'gated boom' });
      }
    });
  });
});
