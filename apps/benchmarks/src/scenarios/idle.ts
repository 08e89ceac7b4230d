/**
 * idle: what a runtime with nothing to do costs while it waits (DESIGN §6: "an idle runtime costs
 * no CPU (no polling loop)").
 */
import { CurrentThreadRuntime } from '@tide/current-thread';
import { ioDriver, TcpListener } from '@tide/io-driver';
import { MultiThreadRuntime } from '@tide/multi-thread';
import { sleep, timeDriver } from '@tide/time-driver';
import { Piscina } from 'piscina';
import { check, defineScenario, type Sample } from '../harness/scenario.js';
import { add } from '../workloads/mt-tasks.js';

interface IdleParams extends Record<string, number> {
  /** How long each contender waits with nothing to do, in ms. */
  readonly idleMs: number;
  /** Worker threads of the thread pools. */
  readonly threads: number;
}

/** The built module whose default export is the addition (for piscina). */
const poolTaskFile = new URL('./mt-tasks.js', import.meta.url).href;

/**
 * Process CPU time (user + system, every thread) spent while `wait` runs, per second of it, in µs.
 * Whatever the contender needs is built and warmed before, and torn down after, the measured wait.
 */
async function cpuWhile(what: string, idleMs: number, wait: () => unknown): Promise<Sample> {
  // Start on a fresh event-loop turn, after whatever the harness did (its gc()) has settled.
  await new Promise<void>((resolve) => setTimeout(resolve, 20));
  const cpu = process.cpuUsage();
  const start = performance.now();
  await wait();
  const wallMs = performance.now() - start;
  const used = process.cpuUsage(cpu);
  // The wait must really have lasted: a runtime that returned early measured nothing.
  if (wallMs < idleMs - 1) throw new Error(`${what}: the idle wait ended after ${wallMs.toFixed(1)} ms, before ${idleMs} ms`);
  const cpuMicros = used.user + used.system;
  return { value: cpuMicros / (wallMs / 1000), extra: { cpuMicros, wallMs } };
}

/** A root that accepts on a listener nobody connects to, until a timer ends the wait. */
function* acceptUntil(idleMs: number) {
  const listener = yield* TcpListener.bind({ host: '127.0.0.1', port: 0 });
  const accepting = listener.accept();
  yield* sleep(idleMs);
  accepting[Symbol.dispose]();
  listener.close();
  return 'idle';
}

export default defineScenario<IdleParams>({
  name: 'idle',
  title: 'an idle runtime (CPU time while waiting)',
  description:
    'Each contender waits `idleMs` ms with nothing to do, and the process CPU time (`process.cpuUsage()`, ' +
    'user + system, all threads) spent during that wait is reported per second of it. Whatever a contender ' +
    'needs is built and warmed up before the measured wait and shut down after it. `tide-blockon`: a ' +
    'current-thread runtime with the time driver, inside `rt.blockOn` of a root that does `yield* sleep(idleMs)` ' +
    '(the thread parks in `Atomics.wait`). `tide-run`: the same root through the host-driven `rt.run` (one ' +
    'host timer armed). `tide-io`: a current-thread runtime with the time and IO drivers, whose root waits in ' +
    '`accept()` on a loopback listener nobody connects to until the sleep ends (the reactor thread idles in ' +
    'its event loop). `tide-mt`: a multi-thread runtime with `threads` workers that ran a task, then nothing ' +
    '(its workers park in `Atomics.wait`) while the main thread waits on a `setTimeout`. Peers: the bare ' +
    'process waiting on a `setTimeout` (the floor: Node\'s own background threads), and a piscina pool of ' +
    '`threads` threads that ran a task. No target is attached: "no CPU" means close to the floor.',
  unit: 'µs CPU/s',
  ratioWords: { better: 'less CPU', worse: 'more CPU' },
  warmup: 1,
  reps: 5,
  params: {
    full: { idleMs: 1_000, threads: 2 },
    quick: { idleMs: 50, threads: 2 },
  },
  contenders: [
    {
      id: 'tide-blockon',
      label: 'tide: current-thread blockOn, yield* sleep',
      side: 'tide',
      run: async ({ idleMs }) => {
        using rt = CurrentThreadRuntime.builder().enable(timeDriver()).build();
        rt.blockOn(function* () {
          yield* sleep(1);
        });
        return await cpuWhile('tide-blockon', idleMs, () =>
          rt.blockOn(function* () {
            yield* sleep(idleMs);
          }),
        );
      },
    },
    {
      id: 'tide-run',
      label: 'tide: current-thread run, yield* sleep',
      side: 'tide',
      run: async ({ idleMs }) => {
        using rt = CurrentThreadRuntime.builder().enable(timeDriver()).build();
        await rt.run(function* () {
          yield* sleep(1);
        });
        return await cpuWhile('tide-run', idleMs, () =>
          rt.run(function* () {
            yield* sleep(idleMs);
          }),
        );
      },
    },
    {
      id: 'tide-io',
      label: 'tide: current-thread + io driver, blocked in accept',
      side: 'tide',
      run: async ({ idleMs }) => {
        using rt = CurrentThreadRuntime.builder().enable(timeDriver()).enable(ioDriver()).build();
        // Starts the reactor thread and warms the path before the measured wait.
        check('tide-io warm-up', rt.blockOn(acceptUntil, 1), 'idle');
        return await cpuWhile('tide-io', idleMs, () => check('tide-io root', rt.blockOn(acceptUntil, idleMs), 'idle'));
      },
    },
    {
      id: 'tide-mt',
      label: 'tide: multi-thread runtime, workers parked',
      side: 'tide',
      run: async ({ idleMs, threads }) => {
        const rt = MultiThreadRuntime.builder().workerThreads(threads).build();
        try {
          check('tide-mt warm-up', await rt.spawn(add, 1, 2), 3);
          return await cpuWhile('tide-mt', idleMs, () => new Promise((resolve) => setTimeout(resolve, idleMs)));
        } finally {
          rt.shutdownTimeout(5_000);
        }
      },
    },
    {
      id: 'node',
      label: 'bare process: setTimeout',
      side: 'peer',
      run: ({ idleMs }) => cpuWhile('node', idleMs, () => new Promise((resolve) => setTimeout(resolve, idleMs))),
    },
    {
      id: 'piscina',
      label: 'piscina pool, threads idle',
      side: 'peer',
      package: 'piscina',
      run: async ({ idleMs, threads }) => {
        const pool = new Piscina<{ a: number; b: number }, number>({ filename: poolTaskFile, minThreads: threads, maxThreads: threads });
        try {
          check('piscina warm-up', await pool.run({ a: 1, b: 2 }), 3);
          return await cpuWhile('piscina', idleMs, () => new Promise((resolve) => setTimeout(resolve, idleMs)));
        } finally {
          await pool.destroy();
        }
      },
    },
  ],
  comparisons: [
    { tide: 'tide-blockon', peer: 'node' },
    { tide: 'tide-run', peer: 'node' },
    { tide: 'tide-io', peer: 'node' },
    { tide: 'tide-mt', peer: 'piscina' },
  ],
});
