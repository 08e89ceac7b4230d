/**
 * spawn-join: the cost of one task — spawn it, let it run to completion, join its handle.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { spawn, type JoinHandle } from '@tide/core';
import { CurrentThreadRuntime } from '@tide/current-thread';
import { timeDriver } from '@tide/time-driver';
import * as Effect from 'effect/Effect';
import * as Fiber from 'effect/Fiber';
import * as Effect4 from 'effect-v4/Effect';
import * as Fiber4 from 'effect-v4/Fiber';
import { run as effectionRun, spawn as effectionSpawn, type Task as EffectionTask } from 'effection';
import { check, defineScenario, sumBelow, timeAsync, timeSync } from '../harness/scenario.js';

interface SpawnJoinParams extends Record<string, number> {
  /** Tasks spawned and joined by tide, native and effect. */
  readonly tasks: number;
  /** Tasks for effection (tens of µs per task: fewer, reported per task). */
  readonly effectionTasks: number;
  /** Tasks alive at once: spawn a batch, join every handle of it, next batch. */
  readonly batch: number;
}

// ---- tide (a): a hoisted generator function called with an argument (the fast path) ----

/** The trivial task: returns its argument. */
export function* trivialTask(i: number): Generator<never, number, unknown> {
  return i;
}

/** Spawns `n` trivial tasks in batches and joins every handle; returns the sum of their values. */
export function* spawnJoinGen(n: number, batch: number) {
  let sum = 0;
  const handles = new Array<JoinHandle<number>>(batch);
  for (let base = 0; base < n; base += batch) {
    const m = Math.min(batch, n - base);
    for (let j = 0; j < m; j++) handles[j] = spawn(trivialTask, base + j);
    for (let j = 0; j < m; j++) sum += yield* handles[j]!;
  }
  return sum;
}

// ---- tide (b): async closures on a host-driven runtime ----

async function spawnJoinAsync(n: number, batch: number): Promise<number> {
  let sum = 0;
  const handles = new Array<JoinHandle<number>>(batch);
  for (let base = 0; base < n; base += batch) {
    const m = Math.min(batch, n - base);
    for (let j = 0; j < m; j++) {
      const i = base + j;
      // eslint-disable-next-line @typescript-eslint/require-await -- the trivial async task under test
      handles[j] = spawn(async () => i);
    }
    for (let j = 0; j < m; j++) sum += await handles[j]!;
  }
  return sum;
}

// ---- native: async function + await ----

/** The trivial native task. */
// eslint-disable-next-line @typescript-eslint/require-await -- the trivial async function under test
export async function trivialAsync(i: number): Promise<number> {
  return i;
}

/** Calls `n` trivial async functions in batches and awaits every promise. */
export async function callAwaitNative(n: number, batch: number): Promise<number> {
  let sum = 0;
  const promises = new Array<Promise<number>>(batch);
  for (let base = 0; base < n; base += batch) {
    const m = Math.min(batch, n - base);
    for (let j = 0; j < m; j++) promises[j] = trivialAsync(base + j);
    for (let j = 0; j < m; j++) sum += await promises[j]!;
  }
  return sum;
}

// ---- native inside AsyncLocalStorage: the floor of any runtime that keeps a context across await ----

/**
 * {@link callAwaitNative}, but each call runs inside `AsyncLocalStorage.run`: the least an async
 * task costs when code after its `await`s must still see which runtime and task it belongs to
 * (`Handle.current()`, `currentTask()`), which on Node is what AsyncLocalStorage is for.
 */
export async function callAwaitInContext(n: number, batch: number): Promise<number> {
  const storage = new AsyncLocalStorage<{ readonly task: number }>();
  let sum = 0;
  const promises = new Array<Promise<number>>(batch);
  for (let base = 0; base < n; base += batch) {
    const m = Math.min(batch, n - base);
    for (let j = 0; j < m; j++) promises[j] = storage.run({ task: base + j }, trivialAsync, base + j);
    for (let j = 0; j < m; j++) sum += await promises[j]!;
  }
  return sum;
}

// ---- effect: Effect.fork + Fiber.join ----

function forkJoinEffect(n: number, batch: number): Effect.Effect<number> {
  return Effect.gen(function* () {
    let sum = 0;
    const fibers = new Array<Fiber.RuntimeFiber<number>>(batch);
    for (let base = 0; base < n; base += batch) {
      const m = Math.min(batch, n - base);
      for (let j = 0; j < m; j++) fibers[j] = yield* Effect.fork(Effect.succeed(base + j));
      for (let j = 0; j < m; j++) sum += yield* Fiber.join(fibers[j]!);
    }
    return sum;
  });
}

// ---- effect 4: Effect.forkChild + Fiber.join (the API renamed fork to forkChild) ----

function forkJoinEffect4(n: number, batch: number): Effect4.Effect<number> {
  return Effect4.gen(function* () {
    let sum = 0;
    const fibers = new Array<Fiber4.Fiber<number>>(batch);
    for (let base = 0; base < n; base += batch) {
      const m = Math.min(batch, n - base);
      for (let j = 0; j < m; j++) fibers[j] = yield* Effect4.forkChild(Effect4.succeed(base + j));
      for (let j = 0; j < m; j++) sum += yield* Fiber4.join(fibers[j]!);
    }
    return sum;
  });
}

// ---- effection: spawn + join ----

function* effectionTrivial(i: number): Generator<never, number, unknown> {
  return i;
}

function* spawnJoinEffection(n: number, batch: number) {
  let sum = 0;
  const tasks = new Array<EffectionTask<number>>(batch);
  for (let base = 0; base < n; base += batch) {
    const m = Math.min(batch, n - base);
    for (let j = 0; j < m; j++) {
      const i = base + j;
      tasks[j] = yield* effectionSpawn(() => effectionTrivial(i));
    }
    for (let j = 0; j < m; j++) sum += yield* tasks[j]!;
  }
  return sum;
}

function buildRuntime() {
  return CurrentThreadRuntime.builder().enable(timeDriver()).build();
}

function nsPerTask(ms: number, n: number): number {
  return (ms * 1e6) / n;
}

export default defineScenario<SpawnJoinParams>({
  name: 'spawn-join',
  title: 'spawn + join of trivial tasks (current-thread)',
  description:
    'Each task returns its argument; tasks are spawned in batches of `batch` and every handle is joined ' +
    '(the sum of all results is checked). tide runs on a current-thread runtime: (a) `tide-gen` spawns a ' +
    'hoisted generator function with an argument from a generator root in a synchronous `rt.blockOn`, ' +
    '(b) `tide-async` spawns async closures from an async root in a host-driven `rt.run` and joins with ' +
    '`await handle`. Peers: native `async` function calls awaited; the same calls each inside ' +
    '`AsyncLocalStorage.run` (`native-in-context`: the floor for any runtime whose async tasks still know their ' +
    'runtime and task after an `await`, as `Handle.current()` requires; its own process, since it turns on ' +
    'promise hooks); effect `Effect.fork(Effect.succeed(i))` + ' +
    '`Fiber.join` inside `Effect.runPromise` (effect 3, the `effect` package) and the same with ' +
    '`Effect.forkChild` on effect 4 (installed as `effect-v4`), effection `spawn` + `yield* task` inside `run` (on ' +
    '`effectionTasks` tasks, since it costs tens of µs per task). Figure: wall time per task.',
  unit: 'ns/task',
  // Warm-up rounds run a million tasks each per contender. tide's scheduler reaches its steady
  // state (every hot function optimized, no more deopts) only in the third round of a process:
  // JIT warm-up is not a per-task cost, so every contender gets three.
  warmup: 3,
  params: {
    full: { tasks: 1_000_000, effectionTasks: 20_000, batch: 1_000 },
    quick: { tasks: 2_000, effectionTasks: 200, batch: 100 },
  },
  contenders: [
    {
      id: 'tide-gen',
      label: 'tide: generator fn + arg, blockOn',
      side: 'tide',
      run: ({ tasks, batch }) => {
        using rt = buildRuntime();
        const { ms, value } = timeSync(() => rt.blockOn(spawnJoinGen, tasks, batch));
        check('tide-gen sum', value, sumBelow(tasks));
        check('tide-gen alive tasks', rt.metrics().numAliveTasks, 0);
        return Promise.resolve(nsPerTask(ms, tasks));
      },
    },
    {
      id: 'tide-async',
      label: 'tide: async closure, rt.run',
      side: 'tide',
      // Async tasks turn on Node 20's promise hooks (AsyncLocalStorage) for the rest of the process,
      // which would slow every native promise measured after them.
      isolate: true,
      run: async ({ tasks, batch }) => {
        using rt = buildRuntime();
        const { ms, value } = await timeAsync(() => rt.run(spawnJoinAsync, tasks, batch));
        check('tide-async sum', value, sumBelow(tasks));
        check('tide-async alive tasks', rt.metrics().numAliveTasks, 0);
        return nsPerTask(ms, tasks);
      },
    },
    {
      id: 'native',
      label: 'native async fn + await',
      side: 'peer',
      run: async ({ tasks, batch }) => {
        const { ms, value } = await timeAsync(() => callAwaitNative(tasks, batch));
        check('native sum', value, sumBelow(tasks));
        return nsPerTask(ms, tasks);
      },
    },
    {
      id: 'native-in-context',
      label: 'native async fn in AsyncLocalStorage.run + await',
      side: 'peer',
      // AsyncLocalStorage turns on promise hooks for the rest of the process (see tide-async).
      isolate: true,
      run: async ({ tasks, batch }) => {
        const { ms, value } = await timeAsync(() => callAwaitInContext(tasks, batch));
        check('native-in-context sum', value, sumBelow(tasks));
        return nsPerTask(ms, tasks);
      },
    },
    {
      id: 'effect',
      label: 'effect Effect.fork + Fiber.join',
      side: 'peer',
      package: 'effect',
      run: async ({ tasks, batch }) => {
        const { ms, value } = await timeAsync(() => Effect.runPromise(forkJoinEffect(tasks, batch)));
        check('effect sum', value, sumBelow(tasks));
        return nsPerTask(ms, tasks);
      },
    },
    {
      id: 'effect4',
      label: 'effect 4 Effect.forkChild + Fiber.join',
      side: 'peer',
      package: 'effect-v4',
      run: async ({ tasks, batch }) => {
        const { ms, value } = await timeAsync(() => Effect4.runPromise(forkJoinEffect4(tasks, batch)));
        check('effect4 sum', value, sumBelow(tasks));
        return nsPerTask(ms, tasks);
      },
    },
    {
      id: 'effection',
      label: 'effection spawn + join',
      side: 'peer',
      package: 'effection',
      run: async ({ effectionTasks, batch }) => {
        const { ms, value } = await timeAsync(async () => await effectionRun(() => spawnJoinEffection(effectionTasks, batch)));
        check('effection sum', value, sumBelow(effectionTasks));
        return nsPerTask(ms, effectionTasks);
      },
    },
  ],
  comparisons: [
    { tide: 'tide-gen', peer: 'native', target: { maxRatio: 1.5, text: '≤ 1.5× native' } },
    { tide: 'tide-async', peer: 'native', target: { maxRatio: 1.5, text: '≤ 1.5× native' } },
    { tide: 'tide-async', peer: 'native-in-context' },
    { tide: 'tide-gen', peer: 'effect', target: { maxRatio: 0.2, text: '≥ 5× faster than effect' } },
    { tide: 'tide-async', peer: 'effect', target: { maxRatio: 0.2, text: '≥ 5× faster than effect' } },
    { tide: 'tide-gen', peer: 'effect4', target: { maxRatio: 0.2, text: '≥ 5× faster than effect' } },
    { tide: 'tide-async', peer: 'effect4', target: { maxRatio: 0.2, text: '≥ 5× faster than effect' } },
    { tide: 'tide-gen', peer: 'effection' },
    { tide: 'tide-async', peer: 'effection' },
  ],
});
