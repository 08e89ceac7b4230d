/**
 * blockon-roundtrip: a synchronous call into a worker thread and back — the multi-thread
 * runtime's `blockOn` from the main thread against synckit's `createSyncFn`.
 */
import { fileURLToPath } from 'node:url';
import { MultiThreadRuntime } from '@tide/multi-thread';
import { createSyncFn } from 'synckit';
import { check, defineScenario } from '../harness/scenario.js';
import { add } from '../workloads/mt-tasks.js';

interface BlockOnRoundTripParams extends Record<string, number> {
  /** Synchronous calls, one after the other. */
  readonly calls: number;
}

/** synckit's worker script (built next to this bundle). */
const synckitWorker = fileURLToPath(new URL('./synckit-add.js', import.meta.url));

/** Calls `call(i, 1)` `calls` times in a row, checking each answer; returns µs per call. */
function roundTrips(calls: number, call: (a: number, b: number) => number): number {
  for (let i = 0; i < 100; i++) check('warm-up answer', call(i, 1), i + 1);
  let wrong = 0;
  const start = performance.now();
  for (let i = 0; i < calls; i++) if (call(i, 1) !== i + 1) wrong++;
  const ms = performance.now() - start;
  check('wrong answers', wrong, 0);
  return (ms * 1e3) / calls;
}

export default defineScenario<BlockOnRoundTripParams>({
  name: 'blockon-roundtrip',
  title: 'synchronous round trip to a worker thread',
  description:
    '`calls` synchronous calls in a row from the main thread, each adding two numbers on a worker ' +
    'thread and returning the sum (checked). `tide`: `rt.blockOn(add, i, 1)` on a `MultiThreadRuntime` ' +
    'with one worker thread and a `defineTask` TaskRef: the task goes through the SharedArrayBuffer ' +
    'queue and the main thread waits with `Atomics.wait` until the result is back. Peer: synckit\'s ' +
    '`createSyncFn` (one worker thread, `Atomics.wait` on the main thread). The runtime is built and ' +
    'both are warmed up (100 calls) outside the timed region. Figure: wall time per call.',
  unit: 'µs/call',
  params: {
    full: { calls: 20_000 },
    quick: { calls: 500 },
  },
  contenders: [
    {
      id: 'tide',
      label: 'tide: MultiThreadRuntime.blockOn(TaskRef), 1 worker',
      side: 'tide',
      run: ({ calls }) => {
        const rt = MultiThreadRuntime.builder().workerThreads(1).build();
        try {
          return Promise.resolve(roundTrips(calls, (a, b) => rt.blockOn(add, a, b)));
        } finally {
          rt.shutdownTimeout(5_000);
        }
      },
    },
    {
      id: 'synckit',
      label: 'synckit createSyncFn',
      side: 'peer',
      package: 'synckit',
      run: ({ calls }) => {
        const syncAdd = createSyncFn<(a: number, b: number) => number>(synckitWorker);
        return Promise.resolve(roundTrips(calls, syncAdd));
      },
    },
  ],
  comparisons: [{ tide: 'tide', peer: 'synckit', target: { maxRatio: 0.5, text: "≤ 0.5× synckit's time per call" } }],
});
