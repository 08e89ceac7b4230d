// The multi-thread runtime against the worker pools people use today, on this machine, in one run:
//
//   1. dispatch: N trivial tasks (add two numbers) spawned at once and joined, vs piscina and
//      tinypool with the same number of threads (target: ≥ 5× piscina's tasks/s);
//   2. CPU-bound scaling: a fixed amount of hashing split into ~5 ms tasks, on 1 worker and on N
//      (target: speed-up ≥ 0.8 × N);
//   3. synchronous round trip: blockOn from the main thread vs synckit's createSyncFn
//      (target: ≤ 0.5× synckit's time per call).
//
// Each scenario runs its contenders interleaved, after a warm-up round, and reports the median.
// Run with `npm run bench -w @tide/multi-thread` (builds first; runs node with --expose-gc so
// every contender starts from a collected heap). Environment knobs: THREADS
// (default: available parallelism), REPS (5), TASKS (100000), CPU_TASKS (400), CALLS (20000).
import { availableParallelism, cpus, loadavg } from 'node:os';
import { MultiThreadRuntime } from '@tide/multi-thread';
import { Piscina } from 'piscina';
import { createSyncFn } from 'synckit';
import { Tinypool } from 'tinypool';
import { add, hash, hashLoop } from './tasks.mjs';

const THREADS = Number(process.env.THREADS ?? availableParallelism());
const REPS = Number(process.env.REPS ?? 5);
const TASKS = Number(process.env.TASKS ?? 100_000);
const CPU_TASKS = Number(process.env.CPU_TASKS ?? 400);
const CALLS = Number(process.env.CALLS ?? 20_000);
const worker = (name) => new URL(`./workers/${name}`, import.meta.url);

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (n, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
const verdict = (ok) => (ok ? 'met' : 'NOT met');

/** Runs each contender once per round (interleaved), first round discarded; returns median ms. */
async function rounds(contenders) {
  if (process.env.ONLY) contenders = Object.fromEntries(Object.entries(contenders).filter(([k]) => process.env.ONLY.split(',').includes(k)));
  const times = Object.fromEntries(Object.keys(contenders).map((k) => [k, []]));
  for (let round = 0; round <= REPS; round++) {
    for (const [name, run] of Object.entries(contenders)) {
      // Same starting line for everyone: no garbage from the previous contender, threads settled.
      globalThis.gc?.();
      await new Promise((resolve) => setTimeout(resolve, 100));
      const start = performance.now();
      await run();
      const ms = performance.now() - start;
      if (round > 0) times[name].push(ms);
    }
  }
  return Object.fromEntries(Object.entries(times).map(([k, v]) => [k, median(v)]));
}

console.log(`tide multi-thread benchmark — Node ${process.version}, ${cpus().length} CPUs, ${THREADS} threads, load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
console.log(`median of ${REPS} rounds after a warm-up round; contenders interleaved in each round\n`);

// ---- 1. dispatch ----
{
  const rt = MultiThreadRuntime.builder().workerThreads(THREADS).build();
  const piscina = new Piscina({ filename: worker('piscina-add.mjs').href, minThreads: THREADS, maxThreads: THREADS });
  const tinypool = new Tinypool({ filename: worker('tinypool-add.mjs').href, minThreads: THREADS, maxThreads: THREADS });
  const check = (values) => {
    if (values[TASKS - 1] !== TASKS) throw new Error('wrong result');
  };
  const ms = await rounds({
    tide: async () => {
      const handles = new Array(TASKS);
      for (let i = 0; i < TASKS; i++) handles[i] = rt.spawn(add, i, 1);
      check(await Promise.all(handles));
    },
    piscina: async () => {
      const results = new Array(TASKS);
      for (let i = 0; i < TASKS; i++) results[i] = piscina.run({ a: i, b: 1 });
      check(await Promise.all(results));
    },
    tinypool: async () => {
      const results = new Array(TASKS);
      for (let i = 0; i < TASKS; i++) results[i] = tinypool.run({ a: i, b: 1 });
      check(await Promise.all(results));
    },
  });
  const rate = (name) => TASKS / (ms[name] / 1000);
  console.log(`1. dispatch: ${fmt(TASKS)} trivial tasks (add two numbers), spawned at once and joined, ${THREADS} threads`);
  for (const name of ['tide', 'piscina', 'tinypool']) console.log(`   ${name.padEnd(9)} ${fmt(ms[name]).padStart(7)} ms  ${fmt(rate(name)).padStart(10)} tasks/s`);
  const ratio = rate('tide') / rate('piscina');
  console.log(`   tide / piscina = ${fmt(ratio, 1)}×   tide / tinypool = ${fmt(rate('tide') / rate('tinypool'), 1)}×   target ≥ 5× piscina: ${verdict(ratio >= 5)}\n`);
  rt.shutdownTimeout(5_000);
  await piscina.destroy();
  await tinypool.destroy();
}

// ---- 2. CPU-bound scaling ----
{
  // Calibrate ~5 ms of hashing on this machine (on the main thread, before any worker is busy).
  let iterations = 100_000;
  for (;;) {
    const start = performance.now();
    hashLoop(iterations);
    const ms = performance.now() - start;
    if (ms > 20) {
      iterations = Math.round((iterations * 5) / ms);
      break;
    }
    iterations *= 2;
  }
  const one = MultiThreadRuntime.builder().workerThreads(1).build();
  const many = MultiThreadRuntime.builder().workerThreads(THREADS).build();
  const run = (rt) => async () => {
    const handles = new Array(CPU_TASKS);
    for (let i = 0; i < CPU_TASKS; i++) handles[i] = rt.spawn(hash, iterations);
    await Promise.all(handles);
  };
  const ms = await rounds({ one: run(one), many: run(many) });
  const speedup = ms.one / ms.many;
  console.log(`2. CPU-bound: ${fmt(CPU_TASKS)} tasks × ~5 ms of hashing (${fmt(iterations)} iterations each)`);
  console.log(`   1 worker  ${fmt(ms.one).padStart(7)} ms`);
  console.log(`   ${THREADS} workers ${fmt(ms.many).padStart(7)} ms   speed-up ${fmt(speedup, 2)}× (ideal ${THREADS}×)   target ≥ ${fmt(0.8 * THREADS, 1)}×: ${verdict(speedup >= 0.8 * THREADS)}\n`);
  one.shutdownTimeout(5_000);
  many.shutdownTimeout(5_000);
}

// ---- 3. synchronous round trip ----
{
  const rt = MultiThreadRuntime.builder().workerThreads(1).build();
  const syncAdd = createSyncFn(worker('synckit-add.mjs').pathname);
  rt.blockOn(add, 1, 2);
  syncAdd(1, 2);
  const ms = await rounds({
    tide: () => {
      for (let i = 0; i < CALLS; i++) if (rt.blockOn(add, i, 1) !== i + 1) throw new Error('wrong result');
    },
    synckit: () => {
      for (let i = 0; i < CALLS; i++) if (syncAdd(i, 1) !== i + 1) throw new Error('wrong result');
    },
  });
  const us = (name) => (ms[name] * 1000) / CALLS;
  const ratio = us('tide') / us('synckit');
  console.log(`3. synchronous round trip to a worker: ${fmt(CALLS)} calls (one worker each)`);
  console.log(`   tide blockOn      ${fmt(us('tide'), 2).padStart(7)} µs/call`);
  console.log(`   synckit           ${fmt(us('synckit'), 2).padStart(7)} µs/call`);
  console.log(`   tide / synckit = ${fmt(ratio, 2)}   target ≤ 0.5: ${verdict(ratio <= 0.5)}`);
  rt.shutdownTimeout(5_000);
}
// synckit's worker keeps the process alive.
process.exit(0);
