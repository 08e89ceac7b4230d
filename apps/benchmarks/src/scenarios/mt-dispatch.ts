/**
 * mt-dispatch: the cost of sending one trivial task to a pool of worker threads and getting its
 * result back, on the multi-thread runtime and on the worker pools people use today.
 */
import { availableParallelism } from 'node:os';
import { MultiThreadRuntime } from '@tide/multi-thread';
import { Piscina } from 'piscina';
import { Tinypool } from 'tinypool';
import { check, defineScenario, sumBelow } from '../harness/scenario.js';
import { add } from '../workloads/mt-tasks.js';

interface MtDispatchParams extends Record<string, number> {
  /** Tasks spawned at once, then joined. */
  readonly tasks: number;
  /** Worker threads of every pool. */
  readonly threads: number;
}

/** The built module whose default export is the addition (for piscina and tinypool). */
const poolTaskFile = new URL('./mt-tasks.js', import.meta.url).href;

/** Sends `i + 1` for i in 0..tasks-1 through `send` (all at once), awaits all; returns ns per task. */
async function dispatch(tasks: number, send: (i: number) => PromiseLike<number>): Promise<number> {
  const results = new Array<PromiseLike<number>>(tasks);
  const start = performance.now();
  for (let i = 0; i < tasks; i++) results[i] = send(i);
  const values = await Promise.all(results);
  const ms = performance.now() - start;
  let sum = 0;
  for (const v of values) sum += v;
  check('sum of the results', sum, sumBelow(tasks) + tasks);
  return (ms * 1e6) / tasks;
}

/** Every thread of a pool has started and loaded the task module before the timed region. */
async function warm(threads: number, send: (i: number) => PromiseLike<number>): Promise<void> {
  await Promise.all(Array.from({ length: threads * 64 }, (_, i) => send(i)));
}

export default defineScenario<MtDispatchParams>({
  name: 'mt-dispatch',
  title: 'trivial tasks on a thread pool',
  description:
    '`tasks` trivial tasks (add two numbers) are sent to a pool of `threads` worker threads all at ' +
    'once from the main thread, and every result is awaited (`Promise.all`) and checked. `tide`: ' +
    '`MultiThreadRuntime` with `workerThreads(threads)`, `rt.spawn(add, i, 1)` with a `defineTask` ' +
    'TaskRef (the task travels through the SharedArrayBuffer queues). Peers: piscina and tinypool with ' +
    '`minThreads = maxThreads = threads`, `pool.run({ a: i, b: 1 })`. Every pool is built and warmed up ' +
    '(threads started, task module loaded) before the timed region and shut down after it. Figure: wall ' +
    'time per task from the first send to the last result (lower = more tasks/s).',
  unit: 'ns/task',
  params: {
    full: { tasks: 100_000, threads: availableParallelism() },
    quick: { tasks: 2_000, threads: availableParallelism() },
  },
  contenders: [
    {
      id: 'tide',
      label: 'tide: MultiThreadRuntime spawn(TaskRef)',
      side: 'tide',
      run: async ({ tasks, threads }) => {
        const rt = MultiThreadRuntime.builder().workerThreads(threads).build();
        try {
          const send = (i: number): PromiseLike<number> => rt.spawn(add, i, 1);
          await warm(threads, send);
          return await dispatch(tasks, send);
        } finally {
          rt.shutdownTimeout(5_000);
        }
      },
    },
    {
      id: 'piscina',
      label: 'piscina pool.run',
      side: 'peer',
      package: 'piscina',
      run: async ({ tasks, threads }) => {
        const pool = new Piscina<{ a: number; b: number }, number>({ filename: poolTaskFile, minThreads: threads, maxThreads: threads });
        try {
          const send = (i: number): Promise<number> => pool.run({ a: i, b: 1 });
          await warm(threads, send);
          return await dispatch(tasks, send);
        } finally {
          await pool.destroy();
        }
      },
    },
    {
      id: 'tinypool',
      label: 'tinypool pool.run',
      side: 'peer',
      package: 'tinypool',
      run: async ({ tasks, threads }) => {
        const pool = new Tinypool({ filename: poolTaskFile, minThreads: threads, maxThreads: threads });
        try {
          const send = (i: number): Promise<number> => pool.run({ a: i, b: 1 }) as Promise<number>;
          await warm(threads, send);
          return await dispatch(tasks, send);
        } finally {
          await pool.destroy();
        }
      },
    },
  ],
  comparisons: [
    { tide: 'tide', peer: 'piscina', target: { maxRatio: 0.2, text: "≥ 5× piscina's tasks/s" } },
    { tide: 'tide', peer: 'tinypool' },
  ],
});
