// A multi-thread JoinHandle joined inside another runtime's synchronous blockOn on the owner
// thread (Tokio: a JoinHandle from any runtime can be awaited inside another runtime's block_on).
// The current-thread runtime holds the thread in Atomics.wait, so the host event loop (which
// collects completions when the thread is host-driven) never runs: the completion must wake the
// current-thread runtime's parker and be collected by its loop. The hang guard turns a
// regression that hangs into a failure.
import { CurrentThreadRuntime } from '@tide/current-thread';
import { DeadlockError, FutureBase, JoinError, PENDING, WorkerExitedError, spawn, type JoinHandle, type Poll } from '@tide/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MultiThreadRuntime as Runtime } from './index.js';
import { api, fx, settle, time, waitSync } from './test-support/runtime.js';

/** A future that never completes and never wakes anyone. */
class Never extends FutureBase<never> {
  poll(): Poll<never> {
    return PENDING;
  }
}

function joinError(error: unknown): JoinError {
  expect(error).toBeInstanceOf(JoinError);
  return error as JoinError;
}

describe.each([1, 2])('a multi-thread JoinHandle joined in a current-thread blockOn (%i worker(s))', (workers) => {
  let mt: Runtime<'time'>;
  let ct: CurrentThreadRuntime;

  beforeAll(() => {
    mt = api.MultiThreadRuntime.builder().workerThreads(workers).enable(time.timeDriver()).build();
    ct = CurrentThreadRuntime.builder().build();
  });
  afterAll(() => {
    ct.shutdownTimeout(1_000);
    mt.shutdownTimeout(5_000);
  });

  it('completes with the value', () => {
    const handle = mt.spawn(fx.add, 2, 3);
    expect(ct.blockOn(function* () {
      return yield* handle;
    })).toBe(5);
  });

  it('a task that keeps its worker busy a while: the idle runtime parks and the completion wakes it', () => {
    expect(ct.blockOn(function* () {
      const busy = [mt.spawn(fx.spin, 30), mt.spawn(fx.spin, 20)];
      let n = 0;
      for (const h of busy) n += yield* h;
      return n;
    })).toBeGreaterThan(0);
  });

  it("inside the current-thread Handle.blockOn too (it turns no drivers, but the join needs none)", () => {
    expect(ct.handle().blockOn(function* () {
      return yield* mt.spawn(fx.add, 1, 2);
    })).toBe(3);
  });

  it('a task spawned on the multi-thread runtime inside the blockOn', () => {
    expect(ct.blockOn(function* () {
      const handle = mt.spawn(fx.genSum, 100);
      return yield* handle;
    })).toBe(5050);
  });

  it('a failing task gives a panic JoinError whose cause is what it threw', () => {
    const handle = mt.spawn(fx.fail, 'boom');
    const caught = ct.blockOn(function* () {
      try {
        yield* handle;
        return null;
      } catch (error) {
        return error;
      }
    });
    const error = joinError(caught);
    expect(error.isPanic()).toBe(true);
    expect(error.cause).toBeInstanceOf(RangeError);
    expect(error.cause).toMatchObject({ message: 'boom', code: 'E_FIXTURE' });
  });

  it('several handles, joined in order and from current-thread tasks', () => {
    const handles: JoinHandle<number, never>[] = [];
    for (let i = 0; i < 40; i++) handles.push(mt.spawn(fx.add, i, 1));
    const total = ct.blockOn(function* () {
      // Half joined by current-thread tasks, half by the root.
      const joiners = handles.slice(0, 20).map((h) =>
        spawn(function* () {
          return yield* h;
        }),
      );
      let sum = 0;
      for (const h of handles.slice(20)) sum += yield* h;
      for (const j of joiners) sum += yield* j;
      return sum;
    });
    expect(total).toBe(Array.from({ length: 40 }, (_, i) => i + 1).reduce((a, b) => a + b, 0));
  });

  it('a handle already settled before the blockOn starts', () => {
    const handle = mt.spawn(fx.add, 40, 2);
    // A synchronous round trip collects every completion that arrived meanwhile.
    waitSync(() => {
      mt.blockOn(fx.add, 0, 0);
      return handle.isFinished();
    });
    expect(ct.blockOn(function* () {
      return yield* handle;
    })).toBe(42);
  });

  it('a handle whose task finished (not yet collected) before the blockOn starts', () => {
    const gates = new SharedArrayBuffer(4 * 4);
    const g = new Int32Array(gates);
    Atomics.store(g, 2, 1); // holdUntil returns at once
    const handle = mt.spawn(fx.holdUntil, gates, 0, 2);
    waitSync(() => Atomics.load(g, 0) === 1);
    expect(ct.blockOn(function* () {
      return yield* handle;
    })).toBeTypeOf('number');
  });

  it('abort: a started task is cancelled and the join gives a cancelled JoinError', () => {
    const gates = new SharedArrayBuffer(4 * 4);
    const g = new Int32Array(gates);
    const handle = mt.spawn(fx.asyncUntilAborted, gates, 0, 1);
    waitSync(() => Atomics.load(g, 0) === 1);
    const caught = ct.blockOn(function* () {
      handle.abort();
      try {
        yield* handle;
        return null;
      } catch (error) {
        return error;
      }
    });
    expect(joinError(caught).isCancelled()).toBe(true);
  });

  it('abort from a current-thread task while the root joins', () => {
    const gates = new SharedArrayBuffer(4 * 4);
    const caught = ct.blockOn(function* () {
      const handle = mt.spawn(fx.asyncUntilAborted, gates, 0, 1);
      spawn(function* () {
        handle.abort();
      });
      try {
        yield* handle;
        return null;
      } catch (error) {
        return error;
      }
    });
    expect(joinError(caught).isCancelled()).toBe(true);
  });

  it('a worker that dies fails the joined task with WorkerExitedError', () => {
    const caught = ct.blockOn(function* () {
      try {
        yield* mt.spawn(fx.exitWith, 7);
        return null;
      } catch (error) {
        return error;
      }
    });
    const error = joinError(caught);
    expect(error.isPanic()).toBe(true);
    expect(error.cause).toBeInstanceOf(WorkerExitedError);
    expect(mt.blockOn(fx.add, 1, 1)).toBe(2);
  });

  it('a root waiting on nothing else is still a DeadlockError (a finished foreign join does not hide it)', () => {
    const handle = mt.spawn(fx.add, 1, 1);
    expect(() =>
      ct.blockOn(function* () {
        yield* handle;
        // Never settles: nothing can wake this task.
        yield* new Never();
      }),
    ).toThrow(DeadlockError);
  });

  it('host-driven run() still joins (unchanged path)', async () => {
    const handle = mt.spawn(fx.add, 20, 22);
    await expect(
      ct.run(function* () {
        return yield* handle;
      }),
    ).resolves.toBe(42);
  });
});

describe('a multi-thread JoinHandle joined while the current-thread runtime waits on a timer', () => {
  let mt: Runtime<'time'>;
  let ct: CurrentThreadRuntime<'time'>;

  beforeAll(() => {
    mt = api.MultiThreadRuntime.builder().workerThreads(2).enable(time.timeDriver()).build();
    ct = CurrentThreadRuntime.builder().enable(time.timeDriver()).build();
  });
  afterAll(() => {
    ct.shutdownTimeout(1_000);
    mt.shutdownTimeout(5_000);
  });

  it('the join wins over a long timeout (the thread parks until the timer, unless woken)', () => {
    const result = ct.blockOn(function* () {
      // A long timer keeps the runtime parked with a deadline; the join must wake it earlier.
      spawn(function* () {
        yield* time.sleep(60_000);
      });
      return yield* time.timeout(20_000, mt.spawn(fx.sleepThen, 5, 'done'));
    });
    expect(result).toBe('done');
  });

  it('timers and joins interleave: a current-thread sleep, then a join, then a sleep', () => {
    const result = ct.blockOn(function* () {
      const handle = mt.spawn(fx.genSum, 10);
      yield* time.sleep(1);
      const a = yield* time.timeout(20_000, handle);
      const b = yield* time.timeout(20_000, mt.spawn(fx.asyncDouble, 21));
      yield* time.sleep(1);
      return a + b;
    });
    expect(result).toBe(55 + 42);
  });

  it('abort while parked on a timer: the generator task is cancelled at its sleep, its finally block runs', () => {
    const gates = new SharedArrayBuffer(4 * 4);
    const g = new Int32Array(gates);
    const caught = ct.blockOn(function* () {
      const handle = mt.spawn(fx.sleepForever, gates, 0, 1);
      // Abort once it started, from a current-thread task that polls the gate on a timer.
      spawn(function* () {
        while (Atomics.load(g, 0) === 0) yield* time.sleep(1);
        handle.abort();
      });
      try {
        yield* time.timeout(20_000, handle);
        return null;
      } catch (error) {
        return error;
      }
    });
    expect(joinError(caught).isCancelled()).toBe(true);
    expect(Atomics.load(g, 1)).toBe(1);
  });

  it('handles of two multi-thread runtimes joined in one blockOn', () => {
    const other = api.MultiThreadRuntime.builder().workerThreads(1).build();
    try {
      const result = ct.blockOn(function* () {
        const a = mt.spawn(fx.sleepThen, 2, 'a');
        const b = other.spawn(fx.add, 1, 2);
        return `${yield* time.timeout(20_000, a)}${yield* time.timeout(20_000, b)}`;
      });
      expect(result).toBe('a3');
      // The second runtime's own blocking wait is unaffected by the first one's watch.
      expect(other.blockOn(fx.add, 2, 2)).toBe(4);
    } finally {
      other.shutdownTimeout(5_000);
    }
  });

  it('a failing task, with the timer armed', async () => {
    const caught = ct.blockOn(function* () {
      try {
        return yield* time.timeout(20_000, mt.spawn(fx.failAsync, 'late boom'));
      } catch (error) {
        return error;
      }
    });
    const error = joinError(caught);
    expect(error.isPanic()).toBe(true);
    expect(error.cause).toMatchObject({ message: 'late boom' });
    // The host-driven pump still works afterwards.
    expect(await settle(mt.spawn(fx.add, 1, 2))).toEqual({ ok: true, value: 3 });
  });
});

// The blocking pool (core's, shared by both flavors) delivers to its owner thread too: a
// spawnBlocking handle joined inside a current-thread blockOn on that thread must wake that loop.
describe.each([
  ['a multi-thread', () => api.MultiThreadRuntime.builder().workerThreads(1).maxBlockingThreads(1).build()],
  ['another current-thread', () => CurrentThreadRuntime.builder().maxBlockingThreads(1).build()],
] as const)("%s runtime's spawnBlocking handle joined in a current-thread blockOn", (_, make) => {
  let owner: ReturnType<typeof make>;
  let ct: CurrentThreadRuntime;

  beforeAll(() => {
    owner = make();
    ct = CurrentThreadRuntime.builder().build();
  });
  afterAll(() => {
    ct.shutdownTimeout(1_000);
    owner.shutdownTimeout(5_000);
  });

  it('completes with the value', () => {
    const handle = owner.spawnBlocking(fx.add, 2, 3);
    expect(ct.blockOn(function* () {
      return yield* handle;
    })).toBe(5);
  });

  it('a task that keeps its thread busy: the idle loop parks and the completion wakes it', () => {
    expect(ct.blockOn(function* () {
      const busy = [owner.spawnBlocking(fx.spin, 30), owner.spawnBlocking(fx.spin, 20)];
      let n = 0;
      for (const h of busy) n += yield* h;
      return n;
    })).toBeGreaterThan(0);
  });

  it('a task released from inside the blockOn: it finishes while the loop is parked', () => {
    const gates = new SharedArrayBuffer(4 * 4);
    const g = new Int32Array(gates);
    const handle = owner.spawnBlocking(fx.holdUntil, gates, 0, 2);
    waitSync(() => Atomics.load(g, 0) === 1);
    expect(ct.blockOn(function* () {
      // holdUntil looks at its gate every 50 ms: the loop has parked long before it returns.
      Atomics.store(g, 2, 1);
      return yield* handle;
    })).toBeTypeOf('number');
  });

  it('a failing task gives a panic JoinError whose cause is what it threw', () => {
    const caught = ct.blockOn(function* () {
      try {
        yield* owner.spawnBlocking(fx.fail, 'boom');
        return null;
      } catch (error) {
        return error;
      }
    });
    const error = joinError(caught);
    expect(error.isPanic()).toBe(true);
    expect(error.cause).toMatchObject({ message: 'boom', code: 'E_FIXTURE' });
  });

  it('a thread that dies fails the joined task with WorkerExitedError', () => {
    const caught = ct.blockOn(function* () {
      try {
        yield* owner.spawnBlocking(fx.exitWith, 7);
        return null;
      } catch (error) {
        return error;
      }
    });
    const error = joinError(caught);
    expect(error.isPanic()).toBe(true);
    expect(error.cause).toBeInstanceOf(WorkerExitedError);
  });

  it('abort of a started task: it runs to the end (as in Tokio) and the join gets its value', () => {
    const gates = new SharedArrayBuffer(4 * 4);
    const g = new Int32Array(gates);
    const handle = owner.spawnBlocking(fx.holdUntil, gates, 0, 2);
    waitSync(() => Atomics.load(g, 0) === 1);
    expect(ct.blockOn(function* () {
      handle.abort();
      Atomics.store(g, 2, 1);
      return yield* handle;
    })).toBeTypeOf('number');
  });

  it('abort of a queued task from a current-thread task, woken by another blocking completion, while the root joins it', () => {
    const gates = new SharedArrayBuffer(4 * 4);
    const g = new Int32Array(gates);
    // The owner's only blocking thread is held, so `queued` waits in its queue.
    const holder = owner.spawnBlocking(fx.holdUntil, gates, 0, 2);
    waitSync(() => Atomics.load(g, 0) === 1);
    const queued = owner.spawnBlocking(fx.add, 1, 1);
    // A third runtime's blocking task wakes the aborter once the loop parked (not ct's own: a
    // blocking thread attached to ct keeps its later deadlock checks waiting).
    const waker = CurrentThreadRuntime.builder().build();
    try {
      const caught = ct.blockOn(function* () {
        spawn(function* () {
          yield* waker.spawnBlocking(fx.spin, 20);
          queued.abort();
        });
        try {
          yield* queued;
          return null;
        } catch (error) {
          return error;
        }
      });
      expect(joinError(caught).isCancelled()).toBe(true);
    } finally {
      Atomics.store(g, 2, 1);
      waker.shutdownTimeout(1_000);
    }
    expect(ct.blockOn(function* () {
      return yield* holder;
    })).toBeTypeOf('number');
  });

  it('a root waiting on nothing else is still a DeadlockError (a finished blocking join does not hide it)', () => {
    const handle = owner.spawnBlocking(fx.add, 1, 1);
    expect(() =>
      ct.blockOn(function* () {
        yield* handle;
        yield* new Never();
      }),
    ).toThrow(DeadlockError);
  });

  it('host-driven run() still joins', async () => {
    const handle = owner.spawnBlocking(fx.add, 20, 22);
    await expect(
      ct.run(function* () {
        return yield* handle;
      }),
    ).resolves.toBe(42);
  });
});
