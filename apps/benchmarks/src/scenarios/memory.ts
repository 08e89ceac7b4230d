/**
 * memory: what tasks leave on the heap — after they finished (nothing, if nothing leaks), and
 * while they sleep on a timer (the cost of a sleeping task). Each figure is measured in a fresh
 * `node --expose-gc` child process.
 */
import { spawn, type JoinHandle } from '@tide/core';
import { CurrentThreadRuntime } from '@tide/current-thread';
import { currentTimeDriver, sleep, timeDriver } from '@tide/time-driver';
import { collectGarbage } from '../harness/runner.js';
import { check, defineScenario, sumBelow, type Sample } from '../harness/scenario.js';
import { callAwaitNative, spawnJoinGen } from './spawn-join.js';

interface MemoryParams extends Record<string, number> {
  /** Tasks spawned (and finished, or left sleeping). */
  readonly tasks: number;
  /** Tasks alive at once in the finished-tasks workload. */
  readonly batch: number;
}

const SLEEP_MS = 3_600_000;

/** Heap in use after two full collections (the second collects what the first one's finalizers freed). */
function settledHeap(): number {
  collectGarbage();
  collectGarbage();
  return process.memoryUsage().heapUsed;
}

function perTask(before: number, after: number, n: number): Sample {
  return {
    value: (after - before) / n,
    extra: { heapBeforeMiB: before / 2 ** 20, heapAfterMiB: after / 2 ** 20, deltaKiB: (after - before) / 1024 },
  };
}

// ---- finished tasks ----

function tideFinished({ tasks, batch }: MemoryParams): Sample {
  const rt = CurrentThreadRuntime.builder().enable(timeDriver()).build();
  rt.blockOn(spawnJoinGen, 1_000, 100); // warm up: compile the code paths, allocate lazy state
  const before = settledHeap();
  check('tide-finished sum', rt.blockOn(spawnJoinGen, tasks, batch), sumBelow(tasks));
  const after = settledHeap();
  // The runtime stays alive (and reachable) through the measurement: its own structures count.
  check('tide-finished alive tasks', rt.metrics().numAliveTasks, 0);
  rt[Symbol.dispose]();
  return perTask(before, after, tasks);
}

async function nativeFinished({ tasks, batch }: MemoryParams): Promise<Sample> {
  await callAwaitNative(1_000, 100);
  const before = settledHeap();
  check('native-finished sum', await callAwaitNative(tasks, batch), sumBelow(tasks));
  return perTask(before, settledHeap(), tasks);
}

// ---- sleeping tasks ----

function* sleeper(ms: number) {
  yield* sleep(ms);
}

function* sleepingRoot(n: number) {
  const before = settledHeap();
  const handles = new Array<JoinHandle<void, 'time'>>(n);
  for (let i = 0; i < n; i++) handles[i] = spawn(sleeper, SLEEP_MS);
  // With the clock paused, the runtime runs every spawned task up to its sleep, then — idle with
  // timers pending — auto-advances to this earlier deadline.
  yield* sleep(1);
  const during = settledHeap();
  check('tide-sleeping timers in the wheel', currentTimeDriver().timerCount, n);
  check('tide-sleeping tasks still sleeping', handles.filter((h) => !h.isFinished()).length, n);
  // Returning leaves them sleeping: disposing the runtime cancels them.
  return perTask(before, during, n);
}

function tideSleeping({ tasks }: MemoryParams): Sample {
  using warm = CurrentThreadRuntime.builder().enable(timeDriver({ startPaused: true })).build();
  warm.blockOn(sleepingRoot, 1_000);
  using rt = CurrentThreadRuntime.builder().enable(timeDriver({ startPaused: true })).build();
  return rt.blockOn(sleepingRoot, tasks);
}

async function nativeSleeping(n: number): Promise<Sample> {
  const before = settledHeap();
  // Like the tide side, keep one array (the timers, to clear them); each async function's promise
  // stays reachable through its timer.
  const timers = new Array<NodeJS.Timeout>(n);
  let started = 0;
  for (let i = 0; i < n; i++) {
    void (async (): Promise<void> => {
      started++;
      await new Promise<void>((resolve) => (timers[i] = setTimeout(resolve, SLEEP_MS)));
    })();
  }
  await new Promise<void>((resolve) => setImmediate(resolve));
  const during = settledHeap();
  check('native-sleeping tasks started', started, n);
  for (let i = 0; i < n; i++) clearTimeout(timers[i]);
  return perTask(before, during, n);
}

export default defineScenario<MemoryParams>({
  name: 'memory',
  title: 'heap per task: finished and sleeping',
  description:
    'Each figure comes from a fresh `node --expose-gc` child process and is heap in use (`heapUsed` after ' +
    'two `gc()`s) per task. `*-finished`: heap growth after `tasks` spawned-and-finished tasks (the ' +
    'spawn-join workload, batches of `batch`, every handle joined; the runtime still alive) — ≈ 0 means ' +
    'nothing leaks; heap before/after are in the JSON. `*-sleeping`: heap per task while `tasks` tasks ' +
    'sleep concurrently — tide: generator tasks in `yield* sleep(1 h)` on a paused clock (the wheel\'s ' +
    'timer count is checked), the join handles kept; native: async functions awaiting a Promise resolved ' +
    'by `setTimeout(1 h)`, the timer handles kept. No target: reported for the record.',
  unit: 'bytes/task',
  ratioWords: { better: 'smaller', worse: 'larger' },
  warmup: 0,
  reps: 3,
  params: {
    full: { tasks: 1_000_000, batch: 1_000 },
    quick: { tasks: 5_000, batch: 100 },
  },
  contenders: [
    { id: 'tide-finished', label: 'tide: heap growth after finished tasks', side: 'tide', run: (p, ctx) => ctx.runChild('tide-finished', p) },
    { id: 'native-finished', label: 'native: heap growth after finished calls', side: 'peer', run: (p, ctx) => ctx.runChild('native-finished', p) },
    { id: 'tide-sleeping', label: 'tide: sleeping task (paused clock)', side: 'tide', run: (p, ctx) => ctx.runChild('tide-sleeping', p) },
    { id: 'native-sleeping', label: 'native: async fn awaiting setTimeout', side: 'peer', run: (p, ctx) => ctx.runChild('native-sleeping', p) },
  ],
  comparisons: [{ tide: 'tide-sleeping', peer: 'native-sleeping' }],
  child: async (contender, params) => {
    switch (contender) {
      case 'tide-finished':
        return tideFinished(params);
      case 'native-finished':
        return nativeFinished(params);
      case 'tide-sleeping':
        return tideSleeping(params);
      case 'native-sleeping':
        await nativeSleeping(1_000);
        return nativeSleeping(params.tasks);
      default:
        throw new Error(`memory: unknown contender ${contender}`);
    }
  },
});
