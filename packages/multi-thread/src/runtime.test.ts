// The multi-thread runtime on real worker threads, with 1 and with 2 workers (as Tokio's
// rt_common runs one body per flavor). Deterministic: no timing assertions, bounded waits only.
import { threadId } from 'node:worker_threads';
import { Handle, JoinError, NotSendableError, ArgumentRangeError, type JoinHandle } from '@tide/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MultiThreadRuntime as Runtime } from './index.js';
import { api, fx, settle, time } from './test-support/runtime.js';

const { MultiThreadRuntime } = api;

describe.each([1, 2])('multi-thread runtime with %i worker(s)', (workers) => {
  let rt: Runtime<'time'>;

  beforeAll(() => {
    rt = MultiThreadRuntime.builder().workerThreads(workers).enable(time.timeDriver()).name(`rt${workers}`).build();
  });
  afterAll(() => {
    rt.shutdownTimeout(5_000);
  });

  it('spawns one task and joins it', async () => {
    await expect(rt.spawn(fx.add, 2, 3)).resolves.toBe(5);
  });

  it('spawns many tasks and joins them all', async () => {
    const handles: JoinHandle<number, never>[] = [];
    for (let i = 0; i < 2_000; i++) handles.push(rt.spawn(fx.add, i, i));
    const values = await Promise.all(handles);
    expect(values).toEqual(Array.from({ length: 2_000 }, (_, i) => 2 * i));
  });

  it('blockOn returns the value synchronously on the calling thread', () => {
    expect(rt.blockOn(fx.add, 20, 22)).toBe(42);
    expect(rt.blockOn(fx.genSum, 100)).toBe(5050);
    expect(rt.blockOn(fx.whoAmI)).not.toBe(threadId);
  });

  it('blockOn runs async tasks (workers drive them)', () => {
    expect(rt.blockOn(fx.asyncDouble, 21)).toBe(42);
  });

  it('blockOn throws what the task threw, with its class, code and properties', () => {
    let caught: unknown;
    try {
      rt.blockOn(fx.fail, 'boom');
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(RangeError);
    expect(caught).toMatchObject({ message: 'boom', code: 'E_FIXTURE', detail: { n: 42 } });
  });

  it('a failing task rejects its join handle with a panic JoinError whose cause keeps the error', async () => {
    const result = await settle(rt.spawn(fx.failAsync, 'async boom'));
    expect(result.ok).toBe(false);
    const error = (result as { error: JoinError }).error;
    expect(error).toBeInstanceOf(JoinError);
    expect(error.isPanic()).toBe(true);
    expect(error.cause).toMatchObject({ name: 'FixtureError', message: 'async boom' });
    expect((error.cause as Error).cause).toBeInstanceOf(TypeError);
  });

  it('gives tasks the runtime as Handle.current() (same id, flavor, name, drivers)', () => {
    const info = rt.blockOn(fx.runtimeInfo);
    expect(info).toMatchObject({ id: rt.id, flavor: 'multi_thread', name: `rt${workers}`, drivers: ['time'] });
    expect(rt.handle().flavor).toBe('multi_thread');
    expect(rt.handle().id).toBe(rt.id);
  });

  it('spawn inside a worker distributes the work', () => {
    expect(rt.blockOn(fx.fanOut, 300)).toBe((299 * 300) / 2 + 300);
  });

  it('spawnLocal runs a closure on the current worker', () => {
    expect(rt.blockOn(fx.localClosure, 5)).toEqual({ value: 15, sameThread: true });
  });

  it('refuses closures: at the call on this thread, and from inside a worker', () => {
    const spawnAny = rt.spawn.bind(rt) as unknown as (task: unknown, ...args: unknown[]) => unknown;
    expect(() => spawnAny(() => 1)).toThrow(NotSendableError);
    expect(() => spawnAny(function* () {})).toThrow(/defineTask/);
    expect(rt.blockOn(fx.spawnClosure)).toBe('NotSendableError:E_NOT_SENDABLE');
  });

  it('refuses arguments that cannot be cloned, naming the argument', () => {
    const spawnAny = rt.spawn.bind(rt) as unknown as (task: unknown, ...args: unknown[]) => unknown;
    let caught: unknown;
    try {
      spawnAny(fx.add, 1, { f: () => 1 });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(NotSendableError);
    expect(caught).toBeInstanceOf(TypeError);
    expect(caught).toMatchObject({ code: 'E_NOT_SENDABLE' });
    expect((caught as Error).message).toMatch(/argument 1/);
  });

  it('a result that cannot be sent back fails the task with NotSendableError', async () => {
    const result = await settle(rt.spawn(fx.returnFunction));
    expect(result.ok).toBe(false);
    expect((result as { error: JoinError }).error.cause).toMatchObject({ code: 'E_NOT_SENDABLE' });
  });

  it('blockOn inside a worker throws NestedBlockOnError', () => {
    expect(rt.blockOn(fx.nestedBlockOn)).toBe('NestedBlockOnError:E_NESTED_BLOCK_ON');
  });

  it('sleep works inside generator and async tasks (each worker has its time driver)', async () => {
    expect(rt.blockOn(fx.sleepThen, 5, 'slept')).toBe('slept');
    await expect(rt.spawn(fx.sleepAsync, 5, 'awake')).resolves.toBe('awake');
  });

  it('carries typed arrays, large payloads and structured values both ways', async () => {
    const bytes = new Uint8Array(100_000).fill(3);
    await expect(rt.spawn(fx.sumBytes, bytes)).resolves.toBe(300_000);
    const made = await rt.spawn(fx.makeBytes, 200_000);
    expect(made).toBeInstanceOf(Uint8Array);
    expect(made.length).toBe(200_000);
    expect(made[199_999]).toBe(7);
    const value = { s: 'héllo', n: -0, big: 2n ** 70n, date: new Date(5), map: new Map([[1, { a: [1, 2] }]]), nested: { deep: [null, undefined, true] } };
    expect(rt.blockOn(fx.echo, value)).toEqual(value);
    const shared = { x: 1 };
    const same = rt.blockOn(fx.echo, [shared, shared]) as [object, object];
    expect(same[0]).toBe(same[1]);
  });

  it('shares SharedArrayBuffers (arguments and results travel by postMessage)', async () => {
    const sab = new SharedArrayBuffer(4);
    new Int32Array(sab)[0] = 77;
    await expect(rt.spawn(fx.readShared, sab)).resolves.toBe(77);
    const returned = await rt.spawn(fx.returnShared, 9);
    expect(returned).toBeInstanceOf(SharedArrayBuffer);
    expect(new Int32Array(returned)[0]).toBe(9);
  });

  it('runs blocking tasks on the blocking pool', async () => {
    await expect(rt.spawnBlocking(fx.add, 1, 1)).resolves.toBe(2);
  });

  it('metrics count workers, tasks and per-worker figures', async () => {
    await rt.spawn(fx.add, 1, 1);
    const m = rt.metrics();
    expect(m.numWorkers).toBe(workers);
    expect(m.workers).toHaveLength(workers);
    expect(m.numAliveTasks).toBe(0);
    expect(m.globalQueueDepth).toBe(0);
    expect(m.spawnedTasksCount).toBeGreaterThan(2_000);
    const polls = m.workers.reduce((s, w) => s + w.pollCount, 0);
    expect(polls).toBeGreaterThan(2_000);
    for (const w of m.workers) {
      expect(w.localQueueDepth).toBe(0);
      expect(w.busyMs).toBeGreaterThanOrEqual(0);
    }
  });

  it('enter() makes it current on this thread; spawn through the free function and Handle.current()', async () => {
    {
      using _guard = rt.enter();
      expect(Handle.current().id).toBe(rt.id);
      await expect(Handle.current().spawn(fx.add, 4, 4)).resolves.toBe(8);
    }
    expect(Handle.tryCurrent().ok).toBe(false);
  });
});

describe('building', () => {
  it('workerThreads(0) is a RangeError', () => {
    expect(() => MultiThreadRuntime.builder().workerThreads(0)).toThrow(ArgumentRangeError);
    expect(() => MultiThreadRuntime.builder().workerThreads(1.5)).toThrow(ArgumentRangeError);
  });

  it('refuses the paused clock (current-thread only, as in Tokio)', () => {
    expect(() => MultiThreadRuntime.builder().enable(time.timeDriver({ startPaused: true }))).toThrow(/current/);
  });

  it('a runtime without the time driver fails sleeping tasks with DriverDisabledError', async () => {
    const rt = MultiThreadRuntime.builder().workerThreads(1).build();
    try {
      const spawnAny = rt.spawn.bind(rt) as unknown as (task: unknown, ...args: unknown[]) => JoinHandle<unknown, never>;
      const result = await settle(spawnAny(fx.sleepThen, 1, 'x'));
      expect((result as { error: JoinError }).error.cause).toMatchObject({ code: 'E_DRIVER_DISABLED', driver: 'time' });
    } finally {
      rt.shutdownTimeout(5_000);
    }
  });
});
