// The blocking pool starts real worker threads, and worker threads load built JavaScript: these
// tests use the package's dist (turbo builds it first), never the TypeScript sources.
import { execFile } from 'node:child_process';
import { MessageChannel } from 'node:worker_threads';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Parker as ParkerClass } from '../driver/parker.js';
import type * as Errors from '../errors.js';
import type { Context } from '../future/poll.js';
import type { RuntimeCore } from '../runtime/runtime-core.js';
import type { SharedHandle } from '../runtime/shared-handle.js';
import type { JoinHandle } from '../task/join-handle.js';
import type { TaskRef } from '../task/task-ref.js';
import type { BlockingPool as BlockingPoolClass, BlockingPoolOptions } from './pool.js';

const distIndex = new URL('../../dist/index.js', import.meta.url);
const distDriver = new URL('../../dist/driver.js', import.meta.url);
const fixturesUrl = new URL('../../test-fixtures/blocking-tasks.js', import.meta.url);

interface Dist {
  BlockingPool: typeof BlockingPoolClass;
  Parker: typeof ParkerClass;
  JoinError: typeof Errors.JoinError;
  WorkerExitedError: typeof Errors.WorkerExitedError;
  NotSendableError: typeof Errors.NotSendableError;
  InvalidTaskError: typeof Errors.InvalidTaskError;
  TaskNotFoundError: typeof Errors.TaskNotFoundError;
}

interface Fixtures {
  add: TaskRef<[number, number], number>;
  fib: TaskRef<[number], number>;
  sumBytes: TaskRef<[Uint8Array], number>;
  fail: TaskRef<[string], never>;
  failCustom: TaskRef<[string], never>;
  throwString: TaskRef<[unknown], never>;
  asyncDouble: TaskRef<[number], Promise<number>>;
  asyncFail: TaskRef<[string], Promise<never>>;
  returnFunction: TaskRef<[], () => number>;
  gate: TaskRef<[SharedArrayBuffer], number>;
  startThenSleep: TaskRef<[SharedArrayBuffer, number, string], string>;
  bump: TaskRef<[SharedArrayBuffer, number?], number>;
  whoAmI: TaskRef<[], number>;
  exitWith: TaskRef<[number], never>;
  crashLater: TaskRef<[], Promise<never>>;
  currentRuntimeId: TaskRef<[], Promise<[number, number]>>;
  generatorSum: TaskRef<[number], number>;
  FixtureError: new (message: string) => Error;
}

let dist: Dist;
let f: Fixtures;

beforeAll(async () => {
  const [index, driver, fixtures] = (await Promise.all([import(distIndex.href), import(distDriver.href), import(fixturesUrl.href)])) as [
    Partial<Dist>,
    Partial<Dist>,
    Fixtures,
  ];
  dist = { ...driver, ...index } as Dist;
  f = fixtures;
});

const runtime = {
  handle: {},
  driver(): never {
    throw new Error('the blocking pool tests have no drivers');
  },
} as unknown as RuntimeCore;

const noopContext: Context = { waker: { wake(): void {} } };

const pools: BlockingPoolClass[] = [];

afterEach(() => {
  for (const pool of pools.splice(0)) pool.shutdown(0);
});

function makePool(options: Partial<BlockingPoolOptions> = {}): { pool: BlockingPoolClass; parker: ParkerClass } {
  const parker = options.parker ?? new dist.Parker();
  const pool = new dist.BlockingPool({ ...options, parker });
  pools.push(pool);
  return { pool, parker };
}

/**
 * Drives the pool the way a synchronous blockOn does: the thread parks in Atomics.wait and
 * collects results with poll() when a worker unparks it. No event loop turn happens in here.
 * Returns true if a worker's unpark woke the parker at least once.
 */
function driveUntil(pool: BlockingPoolClass, parker: ParkerClass, done: () => boolean, what: string, parkMs = 50): boolean {
  const deadline = Date.now() + 15_000;
  let woken = false;
  pool.poll();
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    if (parker.park(parkMs)) woken = true;
    pool.poll();
  }
  return woken;
}

/** Joins synchronously (parked on the parker) and returns the value or throws the JoinError. */
function join<T>(pool: BlockingPoolClass, parker: ParkerClass, handle: JoinHandle<T>): T {
  driveUntil(pool, parker, () => handle.isFinished(), `task ${handle.id}`);
  const result = handle.poll(noopContext);
  if (typeof result === 'symbol') throw new Error('a finished task returned PENDING');
  return result;
}

function joinError(pool: BlockingPoolClass, parker: ParkerClass, handle: JoinHandle<unknown>): Errors.JoinError {
  try {
    join(pool, parker, handle);
  } catch (error) {
    expect(error).toBeInstanceOf(dist.JoinError);
    return error as Errors.JoinError;
  }
  throw new Error(`task ${handle.id} did not fail`);
}

/** A gate shared with `gate` / `startThenSleep` tasks: [started, open, finished, sleep]. */
function makeGate(): { buffer: SharedArrayBuffer; cells: Int32Array; open(): void; waitStarted(n: number): void } {
  const buffer = new SharedArrayBuffer(16);
  const cells = new Int32Array(buffer);
  return {
    buffer,
    cells,
    open() {
      Atomics.store(cells, 1, 1);
      Atomics.notify(cells, 1);
    },
    waitStarted(n: number) {
      const deadline = Date.now() + 15_000;
      for (let seen = Atomics.load(cells, 0); seen < n; seen = Atomics.load(cells, 0)) {
        if (Date.now() > deadline) throw new Error(`only ${seen} of ${n} gate tasks started`);
        Atomics.wait(cells, 0, seen, 100);
      }
    },
  };
}

describe('BlockingPool', () => {
  it('runs compute tasks on a worker thread and returns their values', () => {
    const { pool, parker } = makePool();
    const sum = pool.spawn(runtime, f.add, [2, 40]);
    const fib = pool.spawn(runtime, f.fib, [50]);
    const bytes = pool.spawn(runtime, f.sumBytes, [new Uint8Array([1, 2, 3, 250])]);
    expect(join(pool, parker, sum)).toBe(42);
    expect(join(pool, parker, fib)).toBe(12586269025);
    expect(join(pool, parker, bytes)).toBe(256);
    expect(pool.busy).toBe(0);
    expect(pool.queueDepth).toBe(0);
  });

  it('lets the owner collect results while it is blocked in Atomics.wait', () => {
    const { pool, parker } = makePool();
    const handle = pool.spawn(runtime, f.fib, [30]);
    // Park with a long timeout: only the worker's unpark can end it in time.
    const woken = driveUntil(pool, parker, () => handle.isFinished(), 'fib', 10_000);
    expect(woken).toBe(true);
    expect(handle.poll(noopContext)).toBe(832040);
  });

  it('runs async tasks and settles the join handle for a host-driven owner', async () => {
    const { pool, parker } = makePool();
    const handle = pool.spawn(runtime, f.asyncDouble, [21]);
    const drive = async (): Promise<void> => {
      for (let i = 0; i < 300 && !handle.isFinished(); i++) {
        await parker.parkAsync(50);
        pool.poll();
      }
    };
    const [value] = await Promise.all([handle, drive()]);
    expect(value).toBe(42);
  });

  it('reuses an idle thread instead of starting a new one', () => {
    const { pool, parker } = makePool();
    const first = join(pool, parker, pool.spawn(runtime, f.whoAmI, []));
    expect(pool.threads).toBe(1);
    expect(pool.idleThreads).toBe(1);
    const second = join(pool, parker, pool.spawn(runtime, f.whoAmI, []));
    expect(second).toBe(first);
    expect(pool.threads).toBe(1);
  });

  it('turns a thrown error into a panic whose cause keeps name, message, stack and cloneable fields', () => {
    const { pool, parker } = makePool();
    const error = joinError(pool, parker, pool.spawn(runtime, f.fail, ['bad input']));
    expect(error.isPanic()).toBe(true);
    expect(error.code).toBe('E_JOIN');
    const cause = error.cause as RangeError & { code: string; detail: unknown; notCloneable?: unknown };
    expect(cause).toBeInstanceOf(RangeError);
    expect(cause.name).toBe('RangeError');
    expect(cause.message).toBe('bad input');
    expect(cause.stack).toContain('blocking-tasks.js');
    expect(cause.code).toBe('E_FIXTURE');
    expect(cause.detail).toEqual({ n: 42 });
    expect(cause.notCloneable).toBeUndefined();
    expect(error.message).toContain('bad input');
  });

  it('keeps the name and the cause chain of a custom error class', () => {
    const { pool, parker } = makePool();
    const error = joinError(pool, parker, pool.spawn(runtime, f.failCustom, ['custom']));
    const cause = error.cause as Error;
    expect(cause).toBeInstanceOf(Error);
    expect(cause.name).toBe('FixtureError');
    expect(cause.message).toBe('custom');
    expect(cause.cause).toBeInstanceOf(TypeError);
    expect((cause.cause as Error).message).toBe('inner');
  });

  it('passes thrown non-errors through, and async rejections become panics', () => {
    const { pool, parker } = makePool();
    expect(joinError(pool, parker, pool.spawn(runtime, f.throwString, ['just a string'])).cause).toBe('just a string');
    expect(joinError(pool, parker, pool.spawn(runtime, f.throwString, [{ a: [1] }])).cause).toEqual({ a: [1] });
    const rejected = joinError(pool, parker, pool.spawn(runtime, f.asyncFail, ['later']));
    expect(rejected.isPanic()).toBe(true);
    expect((rejected.cause as Error).message).toBe('later');
  });

  it('refuses a non-cloneable argument at the call, naming its index', () => {
    const { pool, parker } = makePool({ maxThreads: 1 });
    const call = (): unknown => pool.spawn(runtime, f.add as unknown as TaskRef<unknown[], number>, [1, () => 2]);
    expect(call).toThrow(dist.NotSendableError);
    expect(call).toThrow(/argument 1/);
    expect(call).toThrow(/spawnBlocking\(add\)/);
    expect(pool.busy).toBe(0);
    expect(pool.queueDepth).toBe(0);

    // Also when the task would be queued behind a busy thread.
    const gate = makeGate();
    const running = pool.spawn(runtime, f.gate, [gate.buffer]);
    expect(() => pool.spawn(runtime, f.add as unknown as TaskRef<unknown[], number>, [1, Symbol('no')])).toThrow(/argument 1/);
    expect(pool.queueDepth).toBe(0);
    gate.open();
    expect(typeof join(pool, parker, running)).toBe('number');
    expect(join(pool, parker, pool.spawn(runtime, f.add, [1, 1]))).toBe(2);
  });

  it('refuses something that is not a TaskRef, pointing to defineTask', () => {
    const { pool } = makePool();
    const closure = (a: number): number => a + 1;
    expect(() => pool.spawn(runtime, closure as unknown as TaskRef<[number], number>, [1])).toThrow(dist.NotSendableError);
    expect(() => pool.spawn(runtime, closure as unknown as TaskRef<[number], number>, [1])).toThrow(/defineTask/);
    expect(() => pool.spawn(runtime, { name: 'x' } as unknown as TaskRef<[], number>, [])).toThrow(dist.InvalidTaskError);
    expect(() => pool.spawn(runtime, { name: 'x' } as unknown as TaskRef<[], number>, [])).toThrow(/defineTask/);
    expect(pool.threads).toBe(0);
  });

  it('turns a result that cannot be sent back into a panic with a NotSendableError cause', () => {
    const { pool, parker } = makePool();
    const error = joinError(pool, parker, pool.spawn(runtime, f.returnFunction, []));
    expect(error.cause).toBeInstanceOf(dist.NotSendableError);
    expect((error.cause as Errors.NotSendableError).code).toBe('E_NOT_SENDABLE');
    expect((error.cause as Error).message).toMatch(/returnFunction.*cannot be sent back/);
    // The thread survives it.
    expect(join(pool, parker, pool.spawn(runtime, f.add, [1, 2]))).toBe(3);
    expect(pool.threads).toBe(1);
  });

  it('reports a task that is missing from its module as TaskNotFoundError', () => {
    const { pool, parker } = makePool();
    const missing = { kind: 'tide.task-ref', url: fixturesUrl.href, name: 'noSuchTask', fn: () => 0 } as TaskRef<[], number>;
    const error = joinError(pool, parker, pool.spawn(runtime, missing, []));
    expect(error.cause).toBeInstanceOf(dist.TaskNotFoundError);
    expect((error.cause as Error).message).toContain('noSuchTask');
  });

  it('runs a generator task that does not suspend', () => {
    const { pool, parker } = makePool();
    expect(join(pool, parker, pool.spawn(runtime, f.generatorSum, [1]))).toBe(2);
  });

  it('grows on demand up to maxThreads and queues the rest', () => {
    const { pool, parker } = makePool({ maxThreads: 2 });
    const gate = makeGate();
    const handles = [0, 1, 2, 3].map(() => pool.spawn(runtime, f.gate, [gate.buffer]));
    expect(pool.threads).toBe(2);
    expect(pool.busy).toBe(2);
    expect(pool.queueDepth).toBe(2);
    gate.waitStarted(2);
    pool.poll();
    expect(Atomics.load(gate.cells, 0)).toBe(2);
    expect(pool.threads).toBe(2);
    gate.open();
    let peak = 0;
    driveUntil(pool, parker, () => {
      peak = Math.max(peak, pool.threads);
      return handles.every((h) => h.isFinished());
    }, 'four gate tasks');
    expect(peak).toBeLessThanOrEqual(2);
    const threadIds = new Set(handles.map((h) => h.poll(noopContext)));
    expect(threadIds.size).toBeLessThanOrEqual(2);
    expect(Atomics.load(gate.cells, 2)).toBe(4);
    expect(pool.busy).toBe(0);
    expect(pool.queueDepth).toBe(0);
    expect(pool.idleThreads).toBe(2);
  });

  it('terminates idle threads after keepAlive, checked from poll() while the owner is blocked', () => {
    const { pool, parker } = makePool({ keepAliveMs: 50 });
    join(pool, parker, pool.spawn(runtime, f.add, [1, 2]));
    expect(pool.threads).toBe(1);
    driveUntil(pool, parker, () => pool.threads === 0, 'the idle thread to expire', 20);
    expect(pool.idleThreads).toBe(0);
    // The pool starts a new thread for new work.
    expect(join(pool, parker, pool.spawn(runtime, f.add, [2, 2]))).toBe(4);
  });

  it('terminates idle threads after keepAlive from its timer when the host event loop runs', async () => {
    const { pool, parker } = makePool({ keepAliveMs: 50 });
    join(pool, parker, pool.spawn(runtime, f.add, [1, 2]));
    expect(pool.idleThreads).toBe(1);
    // No poll() from here on: only the pool's own (unref'd) timer can reap the thread.
    await vi.waitFor(() => expect(pool.threads).toBe(0), { timeout: 10_000, interval: 20 });
  });

  it('cancels a queued task on abort, and never runs it', () => {
    const { pool, parker } = makePool({ maxThreads: 1 });
    const gate = makeGate();
    const counter = new SharedArrayBuffer(4);
    const running = pool.spawn(runtime, f.gate, [gate.buffer]);
    const queued = pool.spawn(runtime, f.bump, [counter]);
    expect(pool.queueDepth).toBe(1);
    queued.abort();
    expect(queued.isFinished()).toBe(true);
    expect(pool.queueDepth).toBe(0);
    const error = joinError(pool, parker, queued);
    expect(error.isCancelled()).toBe(true);
    gate.open();
    join(pool, parker, running);
    // The next task runs on the same thread after the aborted one would have: it sees 0 before it.
    expect(join(pool, parker, pool.spawn(runtime, f.bump, [counter]))).toBe(1);
    expect(Atomics.load(new Int32Array(counter), 0)).toBe(1);
  });

  it('does nothing when aborting a task that has started', () => {
    const { pool, parker } = makePool();
    const gate = makeGate();
    const handle = pool.spawn(runtime, f.gate, [gate.buffer]);
    gate.waitStarted(1);
    handle.abort();
    expect(handle.isFinished()).toBe(false);
    gate.open();
    expect(typeof join(pool, parker, handle)).toBe('number');
    expect(Atomics.load(gate.cells, 2)).toBe(1);
  });

  it('keeps abort and execution consistent for a task sent to a thread that has not picked it up', () => {
    const { pool, parker } = makePool();
    const counter = new SharedArrayBuffer(4);
    const handle = pool.spawn(runtime, f.bump, [counter]); // sent to a thread that is still starting
    handle.abort();
    driveUntil(pool, parker, () => handle.isFinished() && pool.busy === 0, 'the abort to settle');
    // Either the abort won (cancelled, never ran) or the thread had already claimed it (ran, Ok).
    let cancelled = false;
    try {
      handle.poll(noopContext);
    } catch (error) {
      cancelled = (error as Errors.JoinError).isCancelled();
    }
    expect(Atomics.load(new Int32Array(counter), 0)).toBe(cancelled ? 0 : 1);
    // The thread serves the next task either way.
    expect(join(pool, parker, pool.spawn(runtime, f.bump, [counter]))).toBe(cancelled ? 1 : 2);
  });

  it('fails a task whose thread calls process.exit(3) with WorkerExitedError, and keeps serving', () => {
    const { pool, parker } = makePool({ maxThreads: 1 });
    const exiting = pool.spawn(runtime, f.exitWith, [3]);
    const queued = pool.spawn(runtime, f.add, [1, 2]);
    // Collected synchronously: the thread's death is seen through shared memory, not the event loop.
    const error = joinError(pool, parker, exiting);
    expect(error.isPanic()).toBe(true);
    expect(error.cause).toBeInstanceOf(dist.WorkerExitedError);
    expect((error.cause as Errors.WorkerExitedError).exitCode).toBe(3);
    expect((error.cause as Errors.WorkerExitedError).code).toBe('E_WORKER_EXITED');
    // The queued task runs on a replacement thread.
    expect(join(pool, parker, queued)).toBe(3);
    expect(join(pool, parker, pool.spawn(runtime, f.add, [2, 3]))).toBe(5);
    expect(pool.threads).toBe(1);
  });

  it('fails a task whose thread dies of an uncaught error, with the error in the message', () => {
    const { pool, parker } = makePool();
    const error = joinError(pool, parker, pool.spawn(runtime, f.crashLater, []));
    expect(error.cause).toBeInstanceOf(dist.WorkerExitedError);
    expect((error.cause as Errors.WorkerExitedError).exitCode).toBe(1);
    expect((error.cause as Error).message).toContain('stray failure after the task');
    expect(join(pool, parker, pool.spawn(runtime, f.add, [1, 1]))).toBe(2);
  });

  it('enters the shared handle in its threads, so Handle.current() works in blocking tasks', () => {
    const { port1, port2 } = new MessageChannel();
    port2.unref();
    let made = 0;
    const shared = (): SharedHandle => {
      made++;
      return {
        kind: 'tide.shared-handle',
        id: 4242,
        flavor: 'current_thread',
        name: 'fake',
        drivers: [],
        runsRemoteBlockOn: false,
        port: port1,
        parker: new SharedArrayBuffer(4),
      };
    };
    const { pool, parker } = makePool({ shared });
    expect(join(pool, parker, pool.spawn(runtime, f.currentRuntimeId, []))).toEqual([4242, 4242]);
    expect(made).toBe(1);
    port2.close();
  });

  it('shutdown cancels queued tasks, lets the running one finish, and terminates every thread', () => {
    const { pool, parker } = makePool({ maxThreads: 1 });
    const gate = makeGate();
    const running = pool.spawn(runtime, f.startThenSleep, [gate.buffer, 200, 'finished']);
    const queued = [pool.spawn(runtime, f.add, [1, 2]), pool.spawn(runtime, f.add, [3, 4])];
    gate.waitStarted(1);
    pool.shutdown(10_000);
    expect(queued.every((h) => h.isFinished())).toBe(true);
    for (const h of queued) expect(joinError(pool, parker, h).isCancelled()).toBe(true);
    expect(running.isFinished()).toBe(true);
    expect(running.poll(noopContext)).toBe('finished');
    expect(pool.threads).toBe(0);
    expect(pool.idleThreads).toBe(0);
    expect(pool.busy).toBe(0);
    expect(pool.queueDepth).toBe(0);
    expect(pool.isShutdown).toBe(true);

    const late = pool.spawn(runtime, f.add, [1, 1]);
    expect(late.isFinished()).toBe(true);
    expect(joinError(pool, parker, late).isCancelled()).toBe(true);
    expect(() => pool.spawn(runtime, f.add as unknown as TaskRef<unknown[], number>, [() => 1])).toThrow(/argument 0/);
    expect(pool.threads).toBe(0);
    pool.shutdown(0); // again: nothing happens
  });

  it('shutdown(0) returns at once and cancels a task that is still running', () => {
    const { pool, parker } = makePool();
    const gate = makeGate(); // never opened
    const running = pool.spawn(runtime, f.gate, [gate.buffer]);
    gate.waitStarted(1);
    pool.shutdown(0);
    expect(running.isFinished()).toBe(true);
    expect(joinError(pool, parker, running).isCancelled()).toBe(true);
    expect(pool.threads).toBe(0);
  });

  it('validates its options', () => {
    const parker = new dist.Parker();
    expect(() => new dist.BlockingPool({ parker, maxThreads: 0 })).toThrow(expect.objectContaining({ code: 'E_ARGUMENT_OUT_OF_RANGE' }));
    expect(() => new dist.BlockingPool({ parker, maxThreads: 1.5 })).toThrow(RangeError);
    expect(() => new dist.BlockingPool({ parker, keepAliveMs: -1 })).toThrow(expect.objectContaining({ code: 'E_ARGUMENT_OUT_OF_RANGE' }));
    expect(() => new dist.BlockingPool({} as BlockingPoolOptions)).toThrow(expect.objectContaining({ code: 'E_INVALID_ARGUMENT' }));
    expect(() => new dist.BlockingPool({} as BlockingPoolOptions)).toThrow(/parker/);
    const { pool } = makePool();
    expect(pool.poll()).toBe(0);
    expect(() => pool.shutdown(Number.NaN)).toThrow(expect.objectContaining({ code: 'E_ARGUMENT_OUT_OF_RANGE' }));
  });

  describe('does not keep the process alive', () => {
    const runChild = (mode: 'idle' | 'busy' | 'shutdown'): Promise<{ code: number | null; stdout: string; stderr: string }> => {
      const script = `
        const { BlockingPool, Parker } = await import(${JSON.stringify(distDriver.href)});
        const f = await import(${JSON.stringify(fixturesUrl.href)});
        const runtime = { handle: {}, driver() { throw new Error('none'); } };
        const parker = new Parker();
        const pool = new BlockingPool({ parker, maxThreads: 1, keepAliveMs: 600000 });
        const h = pool.spawn(runtime, f.add, [20, 22]);
        const deadline = Date.now() + 10000;
        while (!h.isFinished() && Date.now() < deadline) { parker.park(100); pool.poll(); }
        console.log('result', h.poll({ waker: { wake() {} } }));
        const mode = ${JSON.stringify(mode)};
        if (mode !== 'idle') {
          const gate = new SharedArrayBuffer(16);
          const stuck = pool.spawn(runtime, f.gate, [gate]);
          const queued = pool.spawn(runtime, f.add, [1, 1]);
          const cells = new Int32Array(gate);
          while (Atomics.load(cells, 0) === 0 && Date.now() < deadline) Atomics.wait(cells, 0, 0, 100);
          if (mode === 'shutdown') {
            pool.shutdown(0);
            console.log('cancelled', stuck.isFinished(), queued.isFinished(), pool.threads);
          } else {
            console.log('busy', pool.busy, pool.queueDepth);
          }
        }
      `;
      return new Promise((resolve) => {
        execFile(process.execPath, ['--input-type=module', '-e', script], { timeout: 15_000 }, (error, stdout, stderr) => {
          resolve({ code: error ? ((error as { code?: number }).code ?? null) : 0, stdout, stderr });
        });
      });
    };

    it('with an idle thread left (keep-alive of 10 minutes), without shutdown', async () => {
      const { code, stdout, stderr } = await runChild('idle');
      expect(stderr).toBe('');
      expect(stdout).toContain('result 42');
      expect(code).toBe(0);
    });

    it('with a thread stuck in a task and a queued task, without shutdown', async () => {
      const { code, stdout, stderr } = await runChild('busy');
      expect(stderr).toBe('');
      expect(stdout).toContain('busy 1 1');
      expect(code).toBe(0);
    });

    it('after shutdown(0) with a stuck task and a queued one', async () => {
      const { code, stdout, stderr } = await runChild('shutdown');
      expect(stderr).toBe('');
      expect(stdout).toContain('result 42');
      expect(stdout).toContain('cancelled true true 0');
      expect(code).toBe(0);
    });
  });
});
