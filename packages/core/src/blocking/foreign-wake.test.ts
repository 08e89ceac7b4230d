// The blocking pool as a ForeignCompletions source of its owner thread: another runtime's loop that
// parks on its own parker while a task joins one of the pool's handles must be woken by the pool's
// workers, and must see the join as pending (not a deadlock). Real worker threads, the package's
// dist (worker threads load built JavaScript); no event loop turn happens while the test parks.
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type * as Driver from '../driver.js';
import type * as Index from '../index.js';
import type { Context } from '../future/poll.js';
import type { RuntimeCore } from '../runtime/runtime-core.js';
import type { TaskRef } from '../task/task-ref.js';
import type { BlockingPool as BlockingPoolClass } from './pool.js';

const distDriver = new URL('../../dist/driver.js', import.meta.url);
const distIndex = new URL('../../dist/index.js', import.meta.url);
const fixturesUrl = new URL('../../test-fixtures/blocking-tasks.js', import.meta.url);

interface Fixtures {
  add: TaskRef<[number, number], number>;
  gate: TaskRef<[SharedArrayBuffer], number>;
  startThenSleep: TaskRef<[SharedArrayBuffer, number, string], string>;
  exitWith: TaskRef<[number], never>;
}

let d: typeof Driver & typeof Index;
let f: Fixtures;

beforeAll(async () => {
  const [driver, index] = (await Promise.all([import(distDriver.href), import(distIndex.href)])) as [typeof Driver, typeof Index];
  d = { ...index, ...driver };
  f = (await import(fixturesUrl.href)) as Fixtures;
});

const runtime = {
  handle: {},
  driver(): never {
    throw new Error('no drivers here');
  },
} as unknown as RuntimeCore;

/** A joining task's context: its waker records the wake-up. */
function joiner(): { cx: Context; woken: () => boolean } {
  let woken = false;
  return {
    cx: {
      waker: {
        wake(): void {
          woken = true;
        },
      },
    },
    woken: () => woken,
  };
}

const pools: BlockingPoolClass[] = [];
afterEach(() => {
  for (const pool of pools.splice(0)) pool.shutdown(0);
});

function makePool(): BlockingPoolClass {
  const pool = new d.BlockingPool({ parker: new d.Parker() });
  pools.push(pool);
  return pool;
}

/**
 * Parks `parker` (another runtime's) the way blockOnLoop does, collecting the thread's foreign
 * completions after each wake-up, until `done`. Returns how many parks timed out: a worker that
 * does not wake the foreign parker shows up as a timed-out park.
 */
function parkForeign(parker: Driver.Parker, done: () => boolean): number {
  let timedOut = 0;
  d.drainForeignCompletions();
  while (!done()) {
    if (timedOut > 3) throw new Error('the foreign parker was never woken');
    if (!parker.park(5_000)) timedOut++;
    d.drainForeignCompletions();
  }
  return timedOut;
}

describe('BlockingPool as a ForeignCompletions source', () => {
  it('a pending join makes the thread await it; the result wakes a foreign parker and settles the handle', () => {
    const pool = makePool();
    const cells = new SharedArrayBuffer(16);
    const handle = pool.spawn(runtime, f.startThenSleep, [cells, 30, 'late']);
    expect(d.awaitingForeignCompletions()).toBe(false);
    const j = joiner();
    expect(handle.poll(j.cx)).toBe(d.PENDING);
    expect(d.awaitingForeignCompletions()).toBe(true);

    const foreign = new d.Parker();
    expect(parkForeign(foreign, () => handle.isFinished())).toBe(0);
    expect(j.woken()).toBe(true);
    expect(handle.poll(j.cx)).toBe('late');
    expect(d.awaitingForeignCompletions()).toBe(false);
  });

  it('a result that arrived before the park is collected by the park itself, which does not wait', () => {
    const parker = new d.Parker();
    const pool = new d.BlockingPool({ parker });
    pools.push(pool);
    const handle = pool.spawn(runtime, f.add, [20, 22]);
    const j = joiner();
    expect(handle.poll(j.cx)).toBe(d.PENDING);
    // The worker unparks the pool's own parker after it posted the result; nobody collects it.
    expect(parker.park(10_000)).toBe(true);
    expect(handle.isFinished()).toBe(false);
    // Nothing will wake this parker (the result came before the watch): the park must collect the
    // result and return at once instead of waiting out its timeout.
    expect(new d.Parker().park(10_000)).toBe(true);
    expect(handle.isFinished()).toBe(true);
    expect(j.woken()).toBe(true);
    expect(handle.poll(j.cx)).toBe(42);
  });

  it('a worker that dies wakes the foreign parker; the handle fails with WorkerExitedError', () => {
    const pool = makePool();
    const handle = pool.spawn(runtime, f.exitWith, [3]);
    const j = joiner();
    expect(handle.poll(j.cx)).toBe(d.PENDING);
    expect(parkForeign(new d.Parker(), () => handle.isFinished())).toBe(0);
    let caught: unknown;
    try {
      handle.poll(j.cx);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(d.JoinError);
    expect((caught as Index.JoinError).cause).toBeInstanceOf(d.WorkerExitedError);
  });

  it("the pool's own parker is not announced as a watcher (its workers wake it anyway) and joins still settle", () => {
    const parker = new d.Parker();
    const pool = new d.BlockingPool({ parker });
    pools.push(pool);
    const handle = pool.spawn(runtime, f.add, [2, 3]);
    const j = joiner();
    expect(handle.poll(j.cx)).toBe(d.PENDING);
    expect(parkForeign(parker, () => handle.isFinished())).toBe(0);
    expect(handle.poll(j.cx)).toBe(5);
  });

  it('host code awaiting a handle is no foreign join: nobody polls the pool, the host pump settles it', async () => {
    const pool = makePool();
    const handle = pool.spawn(runtime, f.add, [40, 2]);
    const awaited = handle.then((value) => value);
    // A blockOn of another runtime must not wait for it (it reports its own deadlocks).
    expect(d.awaitingForeignCompletions()).toBe(false);
    expect(await awaited).toBe(42);
    const failed = pool.spawn(runtime, f.exitWith, [4]);
    await expect(Promise.resolve(failed)).rejects.toBeInstanceOf(d.JoinError);
  });

  it('a join with no waker (a finished-handle probe) is not counted; shutdown unregisters the pool', () => {
    const pool = makePool();
    const cells = new SharedArrayBuffer(16);
    const handle = pool.spawn(runtime, f.gate, [cells]);
    expect(handle.poll(d.NOOP_CONTEXT)).toBe(d.PENDING);
    expect(d.awaitingForeignCompletions()).toBe(false);
    const j = joiner();
    handle.poll(j.cx);
    expect(d.awaitingForeignCompletions()).toBe(true);
    pool.shutdown(0);
    expect(handle.isFinished()).toBe(true);
    expect(d.awaitingForeignCompletions()).toBe(false);
  });
});
