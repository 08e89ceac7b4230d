// What a new user gets wrong, and the error that tells them: the builder's options, tasks that
// cannot cross threads, calls on the wrong thread, calls after shutdown. Every case asserts the
// error's class (and `code` where tide has one), never only its message.
import { availableParallelism } from 'node:os';
import { CurrentThreadRuntime } from '@tide/current-thread';
import {
  DriverAlreadyEnabledError,
  DriverNotDrivenError,
  InvalidArgumentError,
  InvalidTaskError,
  JoinError,
  NestedBlockOnError,
  NoRuntimeError,
  NotSendableError,
  ArgumentRangeError,
  TaskNotFoundError,
  defineTask,
  type JoinHandle,
} from '@tide/core';
import { defineDriver } from '@tide/core/driver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MultiThreadRuntime as Runtime } from './index.js';
import { api, fx, settle, time } from './test-support/runtime.js';

const { MultiThreadRuntime, spawnLocal } = api;
type AnyCall = (task: unknown, ...args: unknown[]) => unknown;

describe('builder options', () => {
  const builder = () => MultiThreadRuntime.builder();

  it('workerThreads defaults to os.availableParallelism()', () => {
    const rt = builder().build();
    try {
      expect(rt.metrics().numWorkers).toBe(Math.max(1, availableParallelism()));
    } finally {
      rt.shutdownTimeout(5_000);
    }
  });

  it.each([0, -1, 1.5, Number.NaN, Infinity, '2'])('workerThreads(%s) is an ArgumentRangeError', (count) => {
    expect(() => builder().workerThreads(count as number)).toThrow(ArgumentRangeError);
  });

  it.each([
    ['globalQueueInterval', (n: number) => builder().globalQueueInterval(n)],
    ['eventInterval', (n: number) => builder().eventInterval(n)],
    ['maxBlockingThreads', (n: number) => builder().maxBlockingThreads(n)],
  ])('%s(0) and %s(1.5) are ArgumentRangeErrors naming the option', (name, set) => {
    expect(() => set(0)).toThrow(ArgumentRangeError);
    expect(() => set(1.5)).toThrow(new RegExp(name));
  });

  it('threadKeepAlive refuses negative, NaN and infinite durations', () => {
    for (const ms of [-1, Number.NaN, Infinity]) expect(() => builder().threadKeepAlive(ms)).toThrow(ArgumentRangeError);
  });

  it('execArgv must be an array of strings; a flag Node refuses fails build() with its ERR_WORKER_INVALID_EXEC_ARGV', () => {
    expect(() => builder().execArgv('--no-warnings' as unknown as string[])).toThrow(InvalidArgumentError);
    expect(() => builder().execArgv([1] as unknown as string[])).toThrow(InvalidArgumentError);
    expect(() => builder().workerThreads(1).execArgv(['--definitely-not-a-node-flag']).build()).toThrow(expect.objectContaining({ code: 'ERR_WORKER_INVALID_EXEC_ARGV' }));
  });

  it('execArgv reaches the worker threads', () => {
    const rt = builder().workerThreads(1).execArgv(['--no-warnings']).build();
    try {
      expect(rt.blockOn(fx.execArgvOf)).toEqual(['--no-warnings']);
    } finally {
      rt.shutdownTimeout(5_000);
    }
  });

  it('resourceLimits: not an object or an unknown limit is an InvalidArgumentError, a bad value an ArgumentRangeError', () => {
    expect(() => builder().resourceLimits(null as never)).toThrow(InvalidArgumentError);
    expect(() => builder().resourceLimits(256 as never)).toThrow(InvalidArgumentError);
    expect(() => builder().resourceLimits({ maxOldGenMb: 256 } as never)).toThrow(/unknown limit 'maxOldGenMb'/);
    expect(() => builder().resourceLimits({ maxOldGenerationSizeMb: 'x' } as never)).toThrow(ArgumentRangeError);
    expect(() => builder().resourceLimits({ maxOldGenerationSizeMb: -1 })).toThrow(ArgumentRangeError);
    expect(() => builder().resourceLimits({ maxOldGenerationSizeMb: 64, stackSizeMb: 4 })).not.toThrow();
  });

  it('enable(): not a factory is an InvalidArgumentError, the same driver twice a DriverAlreadyEnabledError', () => {
    expect(() => builder().enable(time.timeDriver as never)).toThrow(InvalidArgumentError);
    expect(() => builder().enable(time.timeDriver()).enable(time.timeDriver())).toThrow(DriverAlreadyEnabledError);
  });

  it("a driver whose options cannot reach the workers is a NotSendableError at enable()", () => {
    const factory = defineDriver(import.meta.url, 'callbackDriver', 'callback-driver', (_options: { onTick: () => void }) => {
      throw new Error('never built');
    });
    const enable = () => builder().enable(factory({ onTick: () => {} }));
    expect(enable).toThrow(NotSendableError);
    expect(enable).toThrow(expect.objectContaining({ code: 'E_NOT_SENDABLE' }));
  });

  it('the paused clock is refused on this flavor with the time driver\'s ClockError (E_PAUSE_UNSUPPORTED)', () => {
    const enable = () => builder().enable(time.timeDriver({ startPaused: true }));
    expect(enable).toThrow(time.ClockError);
    expect(enable).toThrow(expect.objectContaining({ code: 'E_PAUSE_UNSUPPORTED' }));
  });

  it('onThreadStart / onThreadStop take TaskRefs with sendable arguments (NotSendableError otherwise)', () => {
    const start = builder().onThreadStart.bind(builder()) as unknown as AnyCall;
    const stop = builder().onThreadStop.bind(builder()) as unknown as AnyCall;
    expect(() => start(() => {})).toThrow(NotSendableError);
    expect(() => stop(function* () {})).toThrow(NotSendableError);
    expect(() => start(fx.installCounters, () => 1)).toThrow(expect.objectContaining({ code: 'E_NOT_SENDABLE' }));
    expect(() => start({ name: 'x' })).toThrow(InvalidTaskError);
  });
});

describe('calls a runtime refuses', () => {
  let rt: Runtime<'time'>;
  let ct: CurrentThreadRuntime;
  beforeAll(() => {
    rt = MultiThreadRuntime.builder().workerThreads(1).enable(time.timeDriver()).build();
    ct = CurrentThreadRuntime.builder().build();
  });
  afterAll(() => {
    ct.shutdownTimeout(1_000);
    rt.shutdownTimeout(5_000);
  });

  it("a timer on the owner thread (inside the runtime's context, outside any task): DriverNotDrivenError saying to spawn it", () => {
    const guard = rt.handle().enter();
    try {
      const timer = () => time.sleep(10);
      expect(timer).toThrow(DriverNotDrivenError);
      expect(timer).toThrow(/'time' driver, but a multi-thread runtime turns its drivers on its worker threads/);
    } finally {
      guard[Symbol.dispose]();
    }
  });

  it('spawn / blockOn / spawnBlocking of something that is not a TaskRef: InvalidTaskError; of a closure: NotSendableError', () => {
    for (const call of [rt.spawn.bind(rt), rt.blockOn.bind(rt), rt.spawnBlocking.bind(rt), rt.handle().spawn, rt.handle().blockOn] as unknown as AnyCall[]) {
      expect(() => call(undefined)).toThrow(InvalidTaskError);
      expect(() => call({ url: 'file:///x.js', name: 'x' })).toThrow(expect.objectContaining({ code: 'E_INVALID_TASK' }));
      expect(() => call(() => Promise.resolve(1))).toThrow(NotSendableError);
    }
  });

  it('arguments that cannot be cloned are a NotSendableError naming the argument, for blockOn and spawnBlocking too', () => {
    const symbol = Symbol('not cloneable');
    for (const call of [rt.blockOn.bind(rt), rt.spawnBlocking.bind(rt)] as unknown as AnyCall[]) {
      expect(() => call(fx.echo, symbol)).toThrow(NotSendableError);
      expect(() => call(fx.echo, symbol)).toThrow(/argument 0/);
    }
  });

  it('a TaskRef whose module a worker cannot import, or that the module does not define: TaskNotFoundError', async () => {
    const ghost = defineTask('file:///does/not/exist/tasks.js', 'ghost', () => 1);
    expect(() => rt.blockOn(ghost)).toThrow(TaskNotFoundError);
    const renamed = { ...fx.add, name: 'noSuchTask' };
    const result = await settle(rt.spawn(renamed, 1, 2));
    expect((result as { error: JoinError }).error.cause).toBeInstanceOf(TaskNotFoundError);
    expect((result as { error: JoinError }).error.cause).toMatchObject({ code: 'E_TASK_NOT_FOUND' });
  });

  it('blockOn inside a task of another runtime on this thread: NestedBlockOnError', () => {
    const error = ct.blockOn(function* () {
      try {
        return rt.blockOn(fx.add, 1, 2);
      } catch (caught) {
        return caught;
      }
    });
    expect(error).toBeInstanceOf(NestedBlockOnError);
    expect(error).toMatchObject({ code: 'E_NESTED_BLOCK_ON' });
  });

  it('blockOn on a worker thread (inside a task): NestedBlockOnError', () => {
    expect(rt.blockOn(fx.nestedBlockOn)).toBe('NestedBlockOnError:E_NESTED_BLOCK_ON');
  });

  it('spawnLocal off a worker: NoRuntimeError outside any runtime, NotSendableError on the owner thread or in another runtime', () => {
    expect(() => spawnLocal(() => 1)).toThrow(NoRuntimeError);
    expect(() => rt.handle().spawnLocal(() => 1)).toThrow(NotSendableError);
    {
      using _entered = rt.enter();
      expect(() => spawnLocal(() => 1)).toThrow(expect.objectContaining({ code: 'E_NOT_SENDABLE' }));
    }
    const inOther = ct.blockOn(function* () {
      try {
        spawnLocal(() => 1);
        return 'spawned';
      } catch (error) {
        return error;
      }
    });
    expect(inOther).toBeInstanceOf(NotSendableError);
  });

  it('shutdownTimeout with a negative or NaN timeout is an ArgumentRangeError (and shuts nothing down)', () => {
    expect(() => rt.shutdownTimeout(-1)).toThrow(ArgumentRangeError);
    expect(() => rt.shutdownTimeout(Number.NaN)).toThrow(ArgumentRangeError);
    expect(rt.isShutdown).toBe(false);
  });
});

describe('after shutdown', () => {
  it('spawn and spawnBlocking give cancelled handles, blockOn runs on the calling thread, metrics still read', async () => {
    const rt = MultiThreadRuntime.builder().workerThreads(1).build();
    rt.shutdownTimeout(5_000);
    const handles: JoinHandle<unknown, never>[] = [rt.spawn(fx.add, 1, 2), rt.spawnBlocking(fx.add, 1, 2), rt.handle().spawn(fx.add, 1, 2)];
    for (const handle of handles) {
      expect(handle.isFinished()).toBe(true);
      const result = await settle(handle);
      expect((result as { error: JoinError }).error.isCancelled()).toBe(true);
    }
    expect(rt.blockOn(fx.add, 2, 2)).toBe(4);
    expect(rt.metrics()).toMatchObject({ numWorkers: 1, numAliveTasks: 0, globalQueueDepth: 0 });
    // Arguments are still checked: a mistake is reported the same way before and after shutdown.
    expect(() => (rt.spawnBlocking as unknown as AnyCall)(fx.echo, () => 1)).toThrow(NotSendableError);
  });
});
