/**
 * The conformance suites' tasks, declared once as sendable TaskRefs so that every flavor can run
 * them: the current-thread runtime calls them directly, the multi-thread runtime and the blocking
 * pool import this module on their worker threads and find them by name. Arguments and results
 * are structured-cloneable; tasks report side effects through a {@link Probe} (shared memory).
 *
 * @packageDocumentation
 */
import { threadId } from 'node:worker_threads';
import { Handle, JoinSet, Notify, PENDING, currentTask, defineTask, oneshot, pollFn, ready, yieldNow, type JoinHandle, type Suspend, type TaskRef } from '@tide/core';
import { Instant, advance, interval, sleep, timeout, type MissedTickBehavior } from '@tide/time-driver';
import { bump, read, store, waitNonZero, type Probe } from './probe.js';
import type { RuntimeBuildOptions, RuntimeUnderTest } from './runtime-factory.js';

/**
 * The module URL the tasks are registered under: the testkit's built `dist/index.js`, which is
 * what worker threads import to find them. Under vitest this module runs from its TypeScript
 * source, whose URL a worker could not import, so the source maps itself to the built file; both
 * copies then register every task under the same (URL, name) on every thread.
 */
export const TASKS_URL: string = import.meta.url.endsWith('.ts') ? new URL('../dist/index.js', import.meta.url).href : import.meta.url;

/** A day in milliseconds: "forever" for a sleeping task in a test. */
const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Milliseconds between two instants, rounded to the nanosecond: instants are floating-point
 * milliseconds, so a difference can carry rounding noise far below what a timer can resolve.
 */
function msBetween(later: Instant, earlier: Instant): number {
  return Math.round(later.since(earlier) * 1e6) / 1e6;
}

/** The stable code of a tide error (or the name of any other error), for results that cross threads. */
export function errorCode(error: unknown): string {
  if (typeof error === 'object' && error !== null) {
    const { code, name } = error as { code?: unknown; name?: unknown };
    if (typeof code === 'string') return code;
    if (typeof name === 'string') return name;
  }
  return String(error);
}

/** Where a task runs: its thread, and the runtime and task it sees as current (`-1` for none). */
export interface Whereabouts {
  /** `worker_threads.threadId` of the running thread. */
  readonly threadId: number;
  /** `Handle.current().id`, or -1 outside a runtime context. */
  readonly runtimeId: number;
  /** `currentTask().id`, or -1 outside a task. */
  readonly taskId: number;
}

/** True if `error` is a `JoinError` for a cancelled task (checked by shape, so it also works across module copies). */
export function isCancelled(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { isCancelled?: () => boolean }).isCancelled?.() === true;
}

function whereabouts(): Whereabouts {
  const current = Handle.tryCurrent();
  let taskId = -1;
  try {
    taskId = currentTask().id;
  } catch {
    // not inside a task
  }
  return { threadId, runtimeId: current.ok ? current.handle.id : -1, taskId };
}

// ---------------------------------------------------------------------------------------------
// Values and errors

/** Plain task: returns `a + b`. */
export const addNumbers = defineTask(TASKS_URL, 'addNumbers', (a: number, b: number): number => a + b);

/** Generator task: yields to the scheduler before adding each value; returns the sum. */
export const yieldThenSum = defineTask(TASKS_URL, 'yieldThenSum', function* (values: number[]) {
  let sum = 0;
  for (const value of values) {
    yield* yieldNow();
    sum += value;
  }
  return sum;
});

/** Async task: awaits a tide future and a host macrotask, then returns `n * 2`. */
export const asyncDouble = defineTask(TASKS_URL, 'asyncDouble', async (n: number): Promise<number> => {
  await yieldNow();
  await new Promise<void>((resolve) => setImmediate(resolve));
  return n * 2;
});

/** The error the suite's failing tasks throw. */
export class TaskFailure extends Error {
  /** Always `E_TASK_FAILURE`. */
  readonly code = 'E_TASK_FAILURE';
  /** @param message - the failure's message. */
  constructor(message: string) {
    super(message);
    this.name = 'TaskFailure';
  }
}

/** Generator task: yields once, then throws a {@link TaskFailure} with `message`. */
export const failAfterYield = defineTask(TASKS_URL, 'failAfterYield', function* (message: string) {
  yield* yieldNow();
  throw new TaskFailure(message);
});

/** Plain task: throws a {@link TaskFailure} with `message` at once. */
export const failNow = defineTask(TASKS_URL, 'failNow', (message: string): never => {
  throw new TaskFailure(message);
});

// ---------------------------------------------------------------------------------------------
// Context

/** Plain task: reports its thread, current runtime and current task. */
export const whereAmI = defineTask(TASKS_URL, 'whereAmI', (): Whereabouts => whereabouts());

/** Generator task: yields once, then reports like {@link whereAmI}. */
export const whereAmIAfterYield = defineTask(TASKS_URL, 'whereAmIAfterYield', function* () {
  yield* yieldNow();
  return whereabouts();
});

/** Async task: records the current runtime and task ids before and after several kinds of await. */
export const asyncContext = defineTask(TASKS_URL, 'asyncContext', async () => {
  const runtimeIds: number[] = [];
  const taskIds: number[] = [];
  const record = (): void => {
    runtimeIds.push(Handle.current().id);
    taskIds.push(currentTask().id);
  };
  record();
  await yieldNow();
  record();
  await new Promise<void>((resolve) => setImmediate(resolve));
  record();
  await new Promise<void>((resolve) => setTimeout(resolve, 1));
  record();
  return { runtimeIds, taskIds };
});

/** Generator task: tries a `blockOn` from inside itself; returns the error code (or `'ok'`). */
export const nestedBlockOn = defineTask(TASKS_URL, 'nestedBlockOn', function* () {
  yield* yieldNow();
  try {
    Handle.current().blockOn(addNumbers, 1, 2);
    return 'ok';
  } catch (error) {
    return errorCode(error);
  }
});

// ---------------------------------------------------------------------------------------------
// Spawning

/** Generator task: spawns the suite task named `name` with `args` on the current runtime and joins it. */
export const spawnJoin = defineTask(TASKS_URL, 'spawnJoin', function* (name: SuiteTaskName, args: unknown[]) {
  const spawn = Handle.current().spawn as (task: unknown, ...args: unknown[]) => JoinHandle<unknown, string>;
  return yield* spawn(TASKS_BY_NAME[name], ...args);
});

/** Generator task: runs the suite task named `name` with `args` on the blocking pool and joins it. */
export const viaSpawnBlocking = defineTask(TASKS_URL, 'viaSpawnBlocking', function* (name: SuiteTaskName, args: unknown[]) {
  const spawnBlocking = Handle.current().spawnBlocking as (task: unknown, ...args: unknown[]) => JoinHandle<unknown, string>;
  return yield* spawnBlocking(TASKS_BY_NAME[name], ...args);
});

/**
 * Generator task: runs the suite task named `name` with `args` on the blocking pool `times` times,
 * one after the other (each joined before the next starts); returns the results.
 */
export const viaSpawnBlockingInTurn = defineTask(TASKS_URL, 'viaSpawnBlockingInTurn', function* (name: SuiteTaskName, args: unknown[], times: number) {
  const spawnBlocking = Handle.current().spawnBlocking as (task: unknown, ...args: unknown[]) => JoinHandle<unknown, string>;
  const results: unknown[] = [];
  for (let i = 0; i < times; i++) results.push(yield* spawnBlocking(TASKS_BY_NAME[name], ...args));
  return results;
});

/** Generator task: spawns `n` tasks `addNumbers(i, 1)` at once, then joins them all; returns the sum. */
export const spawnMany = defineTask(TASKS_URL, 'spawnMany', function* (n: number) {
  const handle = Handle.current();
  const handles = [];
  for (let i = 0; i < n; i++) handles.push(handle.spawn(addNumbers, i, 1));
  let sum = 0;
  for (const joined of handles) sum += yield* joined;
  return sum;
});

/** Generator task: spawns {@link spawnMany} and joins it (many tasks spawned from a task). */
export const spawnManyFromTask = defineTask(TASKS_URL, 'spawnManyFromTask', function* (n: number) {
  return yield* Handle.current().spawn(spawnMany, n);
});

/** Generator task: a chain of `depth` tasks, each spawning and awaiting the next; returns `depth`. */
export const spawnChain: TaskRef<[number], number, never> = defineTask(TASKS_URL, 'spawnChain', function* (depth: number): Generator<Suspend<never>, number> {
  if (depth === 0) return 0;
  const next: number = yield* Handle.current().spawn(spawnChain, depth - 1);
  return next + 1;
});

/** Generator task: spawns `setSlot(probe, slot, 1)` without joining it; returns the spawned task's id. */
export const spawnDetached = defineTask(TASKS_URL, 'spawnDetached', function* (probe: Probe, slot: number) {
  return Handle.current().spawn(setSlot, probe, slot, 1).id;
});

// ---------------------------------------------------------------------------------------------
// Probes and scheduling

/** Plain task: reads counter `slot`. */
export const readSlot = defineTask(TASKS_URL, 'readSlot', (probe: Probe, slot: number): number => read(probe, slot));

/** Plain task: sets counter `slot` to `value`; returns `value`. */
export const setSlot = defineTask(TASKS_URL, 'setSlot', (probe: Probe, slot: number, value: number): number => {
  store(probe, slot, value);
  return value;
});

/** Generator task: `yieldNow` `n` times, adding one to counter `slot` after each. */
export const yieldCounting = defineTask(TASKS_URL, 'yieldCounting', function* (n: number, probe: Probe, slot: number) {
  for (let i = 0; i < n; i++) {
    yield* yieldNow();
    bump(probe, slot);
  }
  return n;
});

/**
 * Generator task: awaits `n` futures that are ready at once (it never suspends on its own),
 * storing its progress in counter `slot` after each one. Only the cooperative budget can make it yield.
 */
export const readyLoop = defineTask(TASKS_URL, 'readyLoop', function* (n: number, probe: Probe, slot: number) {
  for (let i = 0; i < n; i++) {
    yield* ready(i);
    store(probe, slot, i + 1);
  }
  return n;
});

/**
 * Generator task: `yieldNow` until counter `slot` is at least `atLeast` (default 1); returns how many times it yielded.
 * Throws after `maxYields` yields: the task it waits for was starved.
 */
export const yieldUntilSet = defineTask(TASKS_URL, 'yieldUntilSet', function* (probe: Probe, slot: number, maxYields: number, atLeast: number = 1) {
  let yields = 0;
  while (read(probe, slot) < atLeast) {
    if (yields >= maxYields) throw new TaskFailure(`starved: counter ${slot} still below ${atLeast} after ${maxYields} yields`);
    yield* yieldNow();
    yields++;
  }
  return yields;
});

/** Generator task: sleeps `ms`, then sets counter `slot` to 1. */
export const sleepThenSet = defineTask(TASKS_URL, 'sleepThenSet', function* (ms: number, probe: Probe, slot: number) {
  yield* sleep(ms);
  store(probe, slot, 1);
});

/**
 * Generator task that never completes on its own: it bumps `startedSlot`, then waits on a oneshot
 * whose sender it keeps and never uses. Its `finally` block bumps `finallySlot`.
 */
export const pendForever = defineTask(TASKS_URL, 'pendForever', function* (probe: Probe, startedSlot: number, finallySlot: number) {
  const [sender, receiver] = oneshot<number>();
  bump(probe, startedSlot);
  try {
    return yield* receiver;
  } finally {
    bump(probe, finallySlot);
    void sender;
  }
});

/** Like {@link pendForever}, but its `finally` block itself suspends twice before bumping `finallySlot`. */
export const pendForeverYieldingFinally = defineTask(
  TASKS_URL,
  'pendForeverYieldingFinally',
  function* (probe: Probe, startedSlot: number, finallySlot: number) {
    const [sender, receiver] = oneshot<number>();
    bump(probe, startedSlot);
    try {
      return yield* receiver;
    } finally {
      yield* yieldNow();
      yield* yieldNow();
      bump(probe, finallySlot);
      void sender;
    }
  },
);

/** Generator task: bumps `startedSlot`, sleeps a day, and bumps `finallySlot` in its `finally` block. */
export const sleepForever = defineTask(TASKS_URL, 'sleepForever', function* (probe: Probe, startedSlot: number, finallySlot: number) {
  bump(probe, startedSlot);
  try {
    yield* sleep(DAY_MS);
  } finally {
    bump(probe, finallySlot);
  }
});

/**
 * Generator task that pends forever; its `finally` block spawns a task and stores in
 * `resultSlot` 1 if the spawned handle was already cancelled, 2 if it was not, 3 if spawning threw.
 */
export const spawnInFinally = defineTask(TASKS_URL, 'spawnInFinally', function* (probe: Probe, startedSlot: number, resultSlot: number) {
  const [sender, receiver] = oneshot<number>();
  bump(probe, startedSlot);
  try {
    return yield* receiver;
  } finally {
    try {
      const spawned = Handle.current().spawn(addNumbers, 1, 2);
      store(probe, resultSlot, spawned.isFinished() ? 1 : 2);
    } catch {
      store(probe, resultSlot, 3);
    }
    void sender;
  }
});

// ---------------------------------------------------------------------------------------------
// Timers

/** Generator task: sleeps `ms`; returns the milliseconds that passed on the runtime's clock. */
export const sleepFor = defineTask(TASKS_URL, 'sleepFor', function* (ms: number) {
  const start = Instant.now();
  yield* sleep(ms);
  return msBetween(Instant.now(), start);
});

/** Generator task: spawns `sleepFor(d)` into a JoinSet for each duration; returns the durations in the order `joinNext` gave them. */
export const sleepJoinOrder = defineTask(TASKS_URL, 'sleepJoinOrder', function* (durations: number[]) {
  const set = new JoinSet<number>(Handle.current());
  const byId = new Map<number, number>();
  for (const ms of durations) byId.set(set.spawn(sleepFor, ms).id, ms);
  const order: number[] = [];
  for (let joined = yield* set.joinNext(); joined !== undefined; joined = yield* set.joinNext()) order.push(byId.get(joined.id)!);
  return order;
});

/**
 * Generator task: sleeps for every duration at once and returns the durations in the order the
 * time driver fired them (each sleep's waker records itself). All the sleeps live in this one
 * task, so one driver orders them: tasks spawned onto different multi-thread workers sleep on
 * different wheels, and a worker descheduled by the OS could then report a later deadline first.
 */
export const sleepOrder = defineTask(TASKS_URL, 'sleepOrder', function* (durations: number[]) {
  const sleeps = durations.map((ms) => sleep(ms));
  const fired: number[] = [];
  const done = durations.map(() => false);
  const markFired = (i: number): void => {
    if (done[i]) return;
    done[i] = true;
    fired.push(durations[i]!);
  };
  yield* pollFn<void, 'time'>((cx) => {
    for (let i = 0; i < sleeps.length; i++) {
      if (done[i]) continue;
      const waker = { wake: () => (markFired(i), cx.waker.wake()) };
      if (sleeps[i]!.poll({ waker }) !== PENDING) markFired(i);
    }
    return fired.length === durations.length ? undefined : PENDING;
  });
  return fired;
});

/** Generator task: yields until counter 0 of `probe` equals `turn`, then bumps it (so tasks finish in turn order); returns `turn`. */
export const finishInTurn = defineTask(TASKS_URL, 'finishInTurn', function* (probe: Probe, turn: number) {
  while (read(probe, 0) !== turn) yield* yieldNow();
  bump(probe, 0);
  return turn;
});

/**
 * Generator task: spawns `finishInTurn(turn)` into a JoinSet for each turn, in the given order;
 * returns the turns in the order `joinNext` gave them (the order they finished: 0, 1, 2, …),
 * with no clock involved.
 */
export const turnOrder = defineTask(TASKS_URL, 'turnOrder', function* (turns: number[]) {
  const probe = new Int32Array(new SharedArrayBuffer(4));
  const set = new JoinSet<number>(Handle.current());
  for (const turn of turns) set.spawn(finishInTurn, probe, turn);
  const order: number[] = [];
  for (let joined = yield* set.joinNext(); joined !== undefined; joined = yield* set.joinNext()) order.push(joined.value);
  return order;
});

function* sleepMarked(ms: number, probe: Probe, finallySlot: number) {
  try {
    yield* sleep(ms);
    return ms;
  } finally {
    bump(probe, finallySlot);
  }
}

/**
 * Generator task: `timeout(limitMs, …)` around a generator that sleeps `innerMs` (and bumps
 * `finallySlot` when it ends, however it ends). Returns `'completed'` or the error's code.
 */
export const timeoutOverSleep = defineTask(
  TASKS_URL,
  'timeoutOverSleep',
  function* (limitMs: number, innerMs: number, probe: Probe, finallySlot: number) {
    try {
      yield* timeout(limitMs, sleepMarked(innerMs, probe, finallySlot));
      return 'completed';
    } catch (error) {
      return errorCode(error);
    }
  },
);

/**
 * Generator task: `timeout(limitMs, handle)` around a spawned {@link sleepForever}; when the
 * deadline passes the spawned task is aborted. Returns the error code (or `'completed'`) after
 * letting the aborted task finish.
 */
export const timeoutOverTask = defineTask(
  TASKS_URL,
  'timeoutOverTask',
  function* (limitMs: number, probe: Probe, startedSlot: number, finallySlot: number) {
    const spawned = Handle.current().spawn(sleepForever, probe, startedSlot, finallySlot);
    let outcome = 'completed';
    try {
      yield* timeout(limitMs, spawned);
    } catch (error) {
      outcome = errorCode(error);
    }
    try {
      yield* spawned;
    } catch (error) {
      outcome += `/${isCancelled(error) ? 'cancelled' : errorCode(error)}`;
    }
    return outcome;
  },
);

/** Generator task: waits for `count` ticks of `interval(period)`; returns each tick's offset from the first. */
export const intervalOffsets = defineTask(TASKS_URL, 'intervalOffsets', function* (period: number, count: number) {
  const ticker = interval(period);
  const offsets: number[] = [];
  let first: Instant | undefined;
  for (let i = 0; i < count; i++) {
    const at = yield* ticker.tick();
    first ??= at;
    offsets.push(msBetween(at, first));
  }
  return offsets;
});

/**
 * Generator task for a paused clock: takes the first tick of `interval(period, behavior)`, then
 * `advance(stallMs)` (the task was late), then `count` more ticks; returns every tick's offset
 * from the first and the clock's offset when each tick completed.
 */
export const intervalAfterStall = defineTask(
  TASKS_URL,
  'intervalAfterStall',
  function* (period: number, behavior: MissedTickBehavior, stallMs: number, count: number) {
    const ticker = interval(period, { missedTickBehavior: behavior });
    const first = yield* ticker.tick();
    yield* advance(stallMs);
    const ticks: number[] = [0];
    const seenAt: number[] = [0];
    for (let i = 0; i < count; i++) {
      const at = yield* ticker.tick();
      ticks.push(msBetween(at, first));
      seenAt.push(msBetween(Instant.now(), first));
    }
    return { ticks, seenAt };
  },
);

/**
 * Generator task: `busyTasks` tasks yield in a loop until a task that sleeps `ms` sets a flag.
 * Under load the runtime must still turn its time driver, or they give up after `maxYields`.
 */
export const sleepUnderLoad = defineTask(TASKS_URL, 'sleepUnderLoad', function* (ms: number, busyTasks: number, maxYields: number) {
  const probe = new Int32Array(new SharedArrayBuffer(4));
  const handle = Handle.current();
  const busy = [];
  for (let i = 0; i < busyTasks; i++) busy.push(handle.spawn(yieldUntilSet, probe, 0, maxYields));
  yield* handle.spawn(sleepThenSet, ms, probe, 0);
  const yields: number[] = [];
  for (const task of busy) yields.push(yield* task);
  return yields;
});

// ---------------------------------------------------------------------------------------------
// Blocking pool

/**
 * Blocking task: bumps `startedSlot`, then blocks its thread until counter `openSlot` is
 * non-zero (at most 30 s). Returns its thread id.
 */
export const blockingGate = defineTask(TASKS_URL, 'blockingGate', (gate: Probe, startedSlot: number, openSlot: number): number => {
  bump(gate, startedSlot);
  waitNonZero(gate, openSlot, 30_000);
  return threadId;
});

/** Blocking task: blocks its thread for `ms` (`Atomics.wait`), then returns `ms`. */
export const blockingSleep = defineTask(TASKS_URL, 'blockingSleep', (ms: number): number => {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
  return ms;
});

/**
 * Blocking (async) task: spawns {@link whereAmI} on the runtime through the worker's entered
 * handle and awaits it. Returns both threads.
 */
export const blockingSpawnOnRuntime = defineTask(TASKS_URL, 'blockingSpawnOnRuntime', async () => {
  const spawned = await Handle.current().spawn(whereAmI);
  return { blockingThread: threadId, spawnedThread: spawned.threadId };
});

/** Blocking (async) task: runs `addNumbers(a, b)` as another blocking task and awaits it. */
export const blockingSpawnBlocking = defineTask(TASKS_URL, 'blockingSpawnBlocking', async (a: number, b: number) => {
  const value = await Handle.current().spawnBlocking(addNumbers, a, b);
  return { value, threadId };
});

/** Blocking task: `Handle.current().blockOn(sleepFor, ms)` from the blocking thread. */
export const blockingHandleSleep = defineTask(TASKS_URL, 'blockingHandleSleep', (ms: number): number =>
  (Handle.current().blockOn as (task: unknown, ...args: unknown[]) => number)(sleepFor, ms),
);

/** Blocking task: creates a `sleep` on the blocking thread (where no time driver is turned). */
export const blockingCreateSleep = defineTask(TASKS_URL, 'blockingCreateSleep', (): string => {
  void sleep(1);
  return 'created';
});

/**
 * Blocking (async) task: imports the flavor's plain-JavaScript `build` module, builds a runtime
 * without drivers on this thread, drives it with `blockOn`, shuts it down. Returns the value and thread.
 */
export const driveRuntimeHere = defineTask(TASKS_URL, 'driveRuntimeHere', async (moduleUrl: string) => {
  const module = (await import(moduleUrl)) as { build(options?: RuntimeBuildOptions): RuntimeUnderTest };
  const runtime = module.build({ time: false });
  try {
    return { value: runtime.blockOn(yieldThenSum, [1, 2, 3]), threadId };
  } finally {
    runtime.shutdown(0);
  }
});

/**
 * Generator task: spawns `count` {@link blockingGate} tasks, records the pool's metrics while they
 * block, opens the gate and joins them. Returns what it saw.
 */
export const blockingGrowth = defineTask(TASKS_URL, 'blockingGrowth', function* (gate: Probe, count: number) {
  const handle = Handle.current();
  const tasks = [];
  for (let i = 0; i < count; i++) tasks.push(handle.spawnBlocking(blockingGate, gate, 0, 1));
  const during = handle.metrics();
  store(gate, 1, 1);
  const threads: number[] = [];
  for (const task of tasks) threads.push(yield* task);
  return {
    threadsDuring: during.numBlockingThreads,
    queuedDuring: during.blockingQueueDepth,
    distinctThreads: new Set(threads).size,
    callerThread: threadId,
    threads,
  };
});

/**
 * Generator task (needs a real clock): with one blocking thread, starts a {@link blockingGate}
 * task and queues a second; aborts the queued one, waits until the first has started and aborts
 * it too, then opens the gate. Returns how each ended.
 */
export const blockingAbort = defineTask(TASKS_URL, 'blockingAbort', function* (gate: Probe) {
  const handle = Handle.current();
  const started = handle.spawnBlocking(blockingGate, gate, 0, 1);
  const queued = handle.spawnBlocking(blockingGate, gate, 2, 1);
  queued.abort();
  for (let i = 0; i < 20_000 && read(gate, 0) === 0; i++) yield* sleep(1);
  started.abort();
  store(gate, 1, 1);
  return {
    started: yield* outcomeOf(started),
    queued: yield* outcomeOf(queued),
    queuedEverStarted: read(gate, 2),
  };
});

/** `'ok'`, `'cancelled'` or the error code of a joined task. */
function* outcomeOf(task: JoinHandle<unknown, string>) {
  try {
    yield* task;
    return 'ok';
  } catch (error) {
    return isCancelled(error) ? 'cancelled' : errorCode(error);
  }
}

// ---------------------------------------------------------------------------------------------
// Deadlocks

/** Generator task: spawns {@link asyncDouble} and joins it (a generator root waiting on an async task). */
export const joinAsyncTask = defineTask(TASKS_URL, 'joinAsyncTask', function* (n: number) {
  return yield* Handle.current().spawn(asyncDouble, n);
});

/** Generator task: waits on a oneshot whose sender nobody will use; bumps `finallySlot` when it ends. */
export const awaitIdleOneshot = defineTask(TASKS_URL, 'awaitIdleOneshot', function* (probe: Probe, finallySlot: number) {
  const [sender, receiver] = oneshot<number>();
  try {
    return yield* receiver;
  } finally {
    bump(probe, finallySlot);
    void sender;
  }
});

// ---------------------------------------------------------------------------------------------
// Sharing with other threads

/** Notified by {@link signalArrival}; per thread (each thread has its own copy of this module). */
const arrivals = new Notify();

/** Plain task: notifies {@link awaitArrival} on this thread; returns this thread's id. */
export const signalArrival = defineTask(TASKS_URL, 'signalArrival', (): number => {
  arrivals.notifyOne();
  return threadId;
});

/** Generator task: waits (at most `ms`) until {@link signalArrival} ran on this thread; returns this thread's id. */
export const awaitArrival = defineTask(TASKS_URL, 'awaitArrival', function* (ms: number) {
  yield* timeout(ms, arrivals.notified());
  return threadId;
});

/** Generator task: waits, with no timer, until {@link signalArrival} ran on this thread; returns this thread's id. */
export const awaitArrivalUntimed = defineTask(TASKS_URL, 'awaitArrivalUntimed', function* () {
  yield* arrivals.notified();
  return threadId;
});

/** Generator task: yields (sleeping 1 ms between checks) until counter `slot` is non-zero, at most `maxChecks` times. */
export const sleepUntilSet = defineTask(TASKS_URL, 'sleepUntilSet', function* (probe: Probe, slot: number, maxChecks: number) {
  for (let i = 0; i < maxChecks; i++) {
    if (read(probe, slot) !== 0) return read(probe, slot);
    yield* sleep(1);
  }
  throw new TaskFailure(`counter ${slot} still 0 after ${maxChecks} checks`);
});

// ---------------------------------------------------------------------------------------------
// More scheduling, timers and metrics

/** Generator task: yields once, then stores in `resultSlot` 1 if counter `otherSlot` was already set, else 2. */
export const yieldThenRecord = defineTask(TASKS_URL, 'yieldThenRecord', function* (probe: Probe, otherSlot: number, resultSlot: number) {
  yield* yieldNow();
  store(probe, resultSlot, read(probe, otherSlot) !== 0 ? 1 : 2);
});

/**
 * Generator task: spawns {@link readyLoop} (`n` ready futures) and then a task that reads its
 * progress; returns what the reader saw (less than `n` if the budget made the loop yield).
 */
export const coopBudget = defineTask(TASKS_URL, 'coopBudget', function* (n: number) {
  const probe = new Int32Array(new SharedArrayBuffer(4));
  const handle = Handle.current();
  const looping = handle.spawn(readyLoop, n, probe, 0);
  const reader = handle.spawn(readSlot, probe, 0);
  const seen = yield* reader;
  yield* looping;
  return seen;
});

/** Generator task: spawns `tasks` tasks that each `yieldNow` `yields` times; joins them; returns the total. */
export const yieldLoad = defineTask(TASKS_URL, 'yieldLoad', function* (tasks: number, yields: number) {
  const probe = new Int32Array(new SharedArrayBuffer(4));
  const handle = Handle.current();
  const spawned = [];
  for (let i = 0; i < tasks; i++) spawned.push(handle.spawn(yieldCounting, yields, probe, 0));
  for (const task of spawned) yield* task;
  return read(probe, 0);
});

/** Generator task: the current runtime's metrics as seen from inside a task (plain data). */
export const metricsInside = defineTask(TASKS_URL, 'metricsInside', function* () {
  const { numAliveTasks, spawnedTasksCount, numWorkers } = Handle.current().metrics();
  return { numAliveTasks, spawnedTasksCount, numWorkers };
});

/**
 * Generator task: spawns `n` {@link pendForever} tasks into a JoinSet, waits until they started,
 * then ends them with `how` (`abortAll`, or disposing the set) and joins them. Returns how many
 * joins failed as cancelled and how many `finally` blocks had run by then.
 */
export const joinSetCancel = defineTask(TASKS_URL, 'joinSetCancel', function* (n: number, how: 'abortAll' | 'dispose') {
  const probe = new Int32Array(new SharedArrayBuffer(8));
  const set = new JoinSet<number>(Handle.current());
  for (let i = 0; i < n; i++) set.spawn(pendForever, probe, 0, 1);
  for (let i = 0; i < 100_000 && read(probe, 0) < n; i++) yield* yieldNow();
  if (how === 'abortAll') set.abortAll();
  else set[Symbol.dispose]();
  let cancelled = 0;
  while (!set.isEmpty()) {
    try {
      yield* set.joinNext();
    } catch (error) {
      if (isCancelled(error)) cancelled++;
    }
  }
  return { cancelled, finallyRan: read(probe, 1), sizeAfter: set.size };
});

/** Async task: waits until its own `currentTask().signal` aborts, then bumps counter `slot`. */
export const asyncUntilAborted = defineTask(TASKS_URL, 'asyncUntilAborted', async (probe: Probe, slot: number) => {
  const { signal } = currentTask();
  await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
  bump(probe, slot);
});

/**
 * Async task: spawns {@link asyncUntilAborted}, lets it start, aborts it; reports whether the
 * handle was finished right after `abort()`, how joining it failed, and whether its signal fired.
 */
export const abortAsyncTask = defineTask(TASKS_URL, 'abortAsyncTask', async () => {
  const probe = new Int32Array(new SharedArrayBuffer(4));
  const task = Handle.current().spawn(asyncUntilAborted, probe, 0);
  for (let i = 0; i < 3; i++) await new Promise<void>((resolve) => setImmediate(resolve));
  task.abort();
  const finishedAtOnce = task.isFinished();
  let joined = 'ok';
  try {
    await task;
  } catch (error) {
    joined = isCancelled(error) ? 'cancelled' : errorCode(error);
  }
  for (let i = 0; i < 100 && read(probe, 0) === 0; i++) await new Promise<void>((resolve) => setImmediate(resolve));
  return { finishedAtOnce, joined, signalFired: read(probe, 0) };
});

/** Async task: `await sleep(ms)`; returns the milliseconds that passed on the runtime's clock. */
export const asyncSleep = defineTask(TASKS_URL, 'asyncSleep', async (ms: number) => {
  const start = Instant.now();
  await sleep(ms);
  return msBetween(Instant.now(), start);
});

/** Blocking task: bumps `startedSlot`, blocks its thread for `ms`, returns `ms`. */
export const blockingSignalThenSleep = defineTask(TASKS_URL, 'blockingSignalThenSleep', (gate: Probe, startedSlot: number, ms: number): number => {
  bump(gate, startedSlot);
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
  return ms;
});

/** Generator task: `timeout(limitMs, …)` around a blocking task that blocks its thread `sleepMs`; returns `'completed'` or the error code. */
export const timeoutOverBlocking = defineTask(TASKS_URL, 'timeoutOverBlocking', function* (limitMs: number, sleepMs: number) {
  try {
    yield* timeout(limitMs, Handle.current().spawnBlocking(blockingSleep, sleepMs));
    return 'completed';
  } catch (error) {
    return errorCode(error);
  }
});

/** Generator task: yields `yields` times; returns how far the runtime's clock moved meanwhile. */
export const clockDrift = defineTask(TASKS_URL, 'clockDrift', function* (yields: number) {
  const start = Instant.now();
  for (let i = 0; i < yields; i++) yield* yieldNow();
  return msBetween(Instant.now(), start);
});

/**
 * Generator task for a paused clock: spawns `sleepThenSet(total)`, then advances the clock in
 * `steps`, recording after each step whether the sleeper had fired.
 */
export const advanceSteps = defineTask(TASKS_URL, 'advanceSteps', function* (total: number, steps: number[]) {
  const probe = new Int32Array(new SharedArrayBuffer(4));
  const sleeper = Handle.current().spawn(sleepThenSet, total, probe, 0);
  yield* yieldNow();
  const fired: number[] = [];
  for (const step of steps) {
    yield* advance(step);
    fired.push(read(probe, 0));
  }
  yield* sleeper;
  return fired;
});

/** The suite's tasks by name, for the tasks that run a task the caller chooses ({@link spawnJoin}, {@link viaSpawnBlocking}). */
export const TASKS_BY_NAME = {
  addNumbers,
  yieldThenSum,
  asyncDouble,
  failAfterYield,
  failNow,
  whereAmI,
  whereAmIAfterYield,
  nestedBlockOn,
  setSlot,
  readSlot,
  sleepFor,
  asyncSleep,
  blockingSleep,
  blockingSpawnOnRuntime,
  blockingSpawnBlocking,
  blockingHandleSleep,
  blockingCreateSleep,
  driveRuntimeHere,
  pendForever,
} as const;

/** The name of a task in {@link TASKS_BY_NAME}. */
export type SuiteTaskName = keyof typeof TASKS_BY_NAME;
