/**
 * mt-scaling: CPU-bound tasks on the multi-thread runtime with 1 worker thread and with one per
 * core — how close the speed-up comes to the number of cores.
 */
import { availableParallelism } from 'node:os';
import { MultiThreadRuntime } from '@tide/multi-thread';
import { check, defineScenario } from '../harness/scenario.js';
import { hash, hashLoop } from '../workloads/mt-tasks.js';

interface MtScalingParams extends Record<string, number> {
  /** CPU-bound tasks spawned at once, then joined. */
  readonly tasks: number;
  /** CPU time of one task on this machine (the hash loop is calibrated to it), ms. */
  readonly taskMs: number;
  /** Worker threads of the many-worker runtime (`availableParallelism()`). */
  readonly threads: number;
}

const cores = availableParallelism();
const calibrated = new Map<number, number>();

/** Hash-loop iterations that take about `ms` on this thread (measured once per process). */
function iterationsFor(ms: number): number {
  const known = calibrated.get(ms);
  if (known !== undefined) return known;
  // Optimized code first (the workers run the hash loop thousands of times: theirs is optimized).
  for (let i = 0; i < 20; i++) hashLoop(100_000);
  let iterations = 50_000;
  let best = Infinity;
  for (let round = 0; round < 3; round++) {
    // Grow until one measurement is long enough to be accurate, keep the fastest rate seen.
    for (;;) {
      const start = performance.now();
      hashLoop(iterations);
      const took = performance.now() - start;
      if (took >= 20) {
        best = Math.min(best, took / iterations);
        break;
      }
      iterations *= 2;
    }
  }
  const result = Math.max(1, Math.round(ms / best));
  calibrated.set(ms, result);
  return result;
}

/** Runs `tasks` hash tasks on a runtime with `workers` threads; returns the wall ms of the batch. */
async function hashBatch(workers: number, tasks: number, taskMs: number): Promise<number> {
  const iterations = iterationsFor(taskMs);
  const expected = hashLoop(iterations);
  const rt = MultiThreadRuntime.builder().workerThreads(workers).build();
  try {
    await Promise.all(Array.from({ length: workers * 4 }, () => rt.spawn(hash, 1)));
    const handles = new Array<PromiseLike<number>>(tasks);
    const start = performance.now();
    for (let i = 0; i < tasks; i++) handles[i] = rt.spawn(hash, iterations);
    const values = await Promise.all(handles);
    const ms = performance.now() - start;
    check('every hash', values.filter((v) => v === expected).length, tasks);
    return ms;
  } finally {
    rt.shutdownTimeout(5_000);
  }
}

export default defineScenario<MtScalingParams>({
  name: 'mt-scaling',
  title: 'CPU-bound tasks, 1 worker vs one per core',
  description:
    '`tasks` CPU-bound tasks, each a hash loop (FNV-1a) calibrated on the main thread to take about ' +
    '`taskMs` ms, are spawned at once onto a `MultiThreadRuntime` and joined; every result is checked. ' +
    '`tide-1`: `workerThreads(1)`; `tide-N`: `workerThreads(threads)`, `threads` = ' +
    '`os.availableParallelism()`. Runtimes are built and warmed up outside the timed region. Figure: wall ' +
    'time of the whole batch; the ratio tide-N / tide-1 is the inverse of the speed-up, so the target ' +
    'speed-up ≥ 0.8 × threads is a ratio ≤ 1 / (0.8 × threads). On a machine shared with other work ' +
    'the cores are not all free, and the speed-up shows it.',
  unit: 'ms',
  reps: 3,
  warmup: 1,
  params: {
    full: { tasks: 2_000, taskMs: 5, threads: cores },
    quick: { tasks: 40, taskMs: 1, threads: cores },
  },
  contenders: [
    {
      id: 'tide-1',
      label: 'tide: MultiThreadRuntime, 1 worker',
      side: 'tide',
      run: ({ tasks, taskMs }) => hashBatch(1, tasks, taskMs),
    },
    {
      id: 'tide-N',
      label: `tide: MultiThreadRuntime, ${cores} workers`,
      side: 'tide',
      run: ({ tasks, taskMs, threads }) => hashBatch(threads, tasks, taskMs),
    },
  ],
  comparisons: [{ tide: 'tide-N', peer: 'tide-1', target: { maxRatio: 1 / (0.8 * cores), text: `speed-up ≥ 0.8 × ${cores} workers` } }],
});
