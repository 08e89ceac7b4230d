/**
 * timers-fire: the CPU a process spends to have many timers fire on time (real clock).
 */
import { setTimeout as sleepPromise } from 'node:timers/promises';
import { oneshot, PENDING, spawn, type Context, type JoinHandle, type Waker } from '@tide/core';
import { CurrentThreadRuntime } from '@tide/current-thread';
import { sleep, timeDriver, type Sleep } from '@tide/time-driver';
import { check, defineScenario, type Sample } from '../harness/scenario.js';
import { spreadDeadline } from './timers-cancel.js';

interface TimersFireParams extends Record<string, number> {
  readonly timers: number;
  /** Deadlines are spread over 1..spreadMs ms. */
  readonly spreadMs: number;
}

// ---- tide: one task per timer ----

function* sleeper(ms: number) {
  yield* sleep(ms);
}

function* sleepingTasks(n: number, spreadMs: number) {
  const handles = new Array<JoinHandle<void, 'time'>>(n);
  for (let i = 0; i < n; i++) handles[i] = spawn(sleeper, spreadDeadline(i, spreadMs));
  for (let i = 0; i < n; i++) yield* handles[i]!;
  return n;
}

// ---- tide: one task, one waker per timer (the analog of a setTimeout callback) ----

/** Counts fired timers and completes a oneshot at the last one. */
class CountingWaker implements Waker, Context {
  readonly waker: Waker = this;
  fired = 0;
  constructor(
    private readonly expected: number,
    private readonly done: () => void,
  ) {}
  wake(): void {
    if (++this.fired === this.expected) this.done();
  }
}

function* sleepingFutures(n: number, spreadMs: number) {
  const [tx, rx] = oneshot<void>();
  const counter = new CountingWaker(n, () => tx.send());
  const sleeps = new Array<Sleep>(n);
  for (let i = 0; i < n; i++) {
    const s = sleep(spreadDeadline(i, spreadMs));
    // Registers the timer with the counter as its waker; a deadline that already passed while the
    // loop ran (1 ms timers on a loaded machine) is ready at once and counts as fired now.
    if (s.poll(counter) !== PENDING) counter.wake();
    sleeps[i] = s;
  }
  yield* rx;
  for (let i = 0; i < n; i++) check('tide-wakers timer elapsed', sleeps[i]!.isElapsed(), true);
  return counter.fired;
}

// ---- peers ----

function setTimeoutAll(n: number, spreadMs: number): Promise<number> {
  return new Promise<number>((resolve) => {
    let fired = 0;
    const onFire = (): void => {
      if (++fired === n) resolve(fired);
    };
    for (let i = 0; i < n; i++) setTimeout(onFire, spreadDeadline(i, spreadMs));
  });
}

async function nativeSleeper(ms: number): Promise<void> {
  await sleepPromise(ms);
}

async function nativeSleepingTasks(n: number, spreadMs: number): Promise<number> {
  const promises = new Array<Promise<void>>(n);
  for (let i = 0; i < n; i++) promises[i] = nativeSleeper(spreadDeadline(i, spreadMs));
  for (let i = 0; i < n; i++) await promises[i];
  return n;
}

/** Measures process CPU time (user + system, all threads) and wall time around `fn`. */
async function cpuOf(n: number, spreadMs: number, what: string, fn: () => number | Promise<number>): Promise<Sample> {
  // Start on a fresh event-loop turn: Node's setTimeout counts from the loop's cached time, which
  // lags behind real time by whatever ran since the turn began (the harness's gc(), for one).
  await new Promise<void>((resolve) => setImmediate(resolve));
  const wallStart = performance.now();
  const cpuStart = process.cpuUsage();
  const fired = await fn();
  const cpu = process.cpuUsage(cpuStart);
  const wallMs = performance.now() - wallStart;
  check(`${what} timers fired`, fired, n);
  // The last deadline is spreadMs away: finishing sooner would mean timers fired early (with 2 ms
  // of slack for setTimeout, which counts from a millisecond-truncated loop time).
  if (wallMs < spreadMs - 2) throw new Error(`${what}: all timers fired after ${wallMs.toFixed(1)} ms, before the last deadline (${spreadMs} ms)`);
  const cpuMs = (cpu.user + cpu.system) / 1000;
  return { value: (cpuMs * 1e6) / n, extra: { cpuMs, wallMs } };
}

/**
 * The tide contenders run in one runtime kept for the whole run, as an application keeps its
 * runtime and as Node's timers live in process-wide structures. A fresh runtime per round would
 * also bill, inside the measured second, re-optimizing code whose hidden classes the harness's
 * `gc()` dropped with the previous runtime.
 */
let scenarioRuntime: CurrentThreadRuntime<'time'> | undefined;

function runtime(): CurrentThreadRuntime<'time'> {
  return (scenarioRuntime ??= CurrentThreadRuntime.builder().enable(timeDriver()).build());
}

export default defineScenario<TimersFireParams>({
  name: 'timers-fire',
  title: 'timers fired on the real clock (CPU time)',
  description:
    '`timers` timers with deadlines spread over 1..`spreadMs` ms are armed at once and all fire, on the ' +
    'real clock (paused clock off). The figure is process CPU time (`process.cpuUsage()`, user + system) ' +
    'from arming the first timer to the last one firing, per timer; wall time is recorded too and must be ' +
    'at least `spreadMs` (no timer fired early). `tide-tasks`: a `rt.blockOn` root spawns one task per ' +
    'timer doing `yield* sleep(ms)` and joins them all (the runtime parks the thread with `Atomics.wait` ' +
    'between deadlines). `tide-wakers`: one task registers `sleep(ms)` futures with a counting waker each ' +
    '(the analog of a `setTimeout` callback, without a task per timer). Both use one runtime for the whole run, ' +
    'as an application does (and as Node\'s timers use process-wide structures). Peers: `setTimeout(callback)`, ' +
    'and native async functions awaiting `timers/promises` `setTimeout` (a task per timer).',
  unit: 'ns CPU/timer',
  warmup: 1,
  reps: 5,
  params: {
    full: { timers: 100_000, spreadMs: 1_000 },
    quick: { timers: 2_000, spreadMs: 50 },
  },
  contenders: [
    {
      id: 'tide-tasks',
      label: 'tide: task per timer, yield* sleep',
      side: 'tide',
      run: ({ timers, spreadMs }) => {
        const rt = runtime();
        return cpuOf(timers, spreadMs, 'tide-tasks', () => rt.blockOn(sleepingTasks, timers, spreadMs));
      },
    },
    {
      id: 'tide-wakers',
      label: 'tide: sleep futures, waker each',
      side: 'tide',
      run: ({ timers, spreadMs }) => {
        const rt = runtime();
        return cpuOf(timers, spreadMs, 'tide-wakers', () => rt.blockOn(sleepingFutures, timers, spreadMs));
      },
    },
    {
      id: 'setTimeout',
      label: 'setTimeout(callback)',
      side: 'peer',
      run: ({ timers, spreadMs }) => cpuOf(timers, spreadMs, 'setTimeout', () => setTimeoutAll(timers, spreadMs)),
    },
    {
      id: 'native-async',
      label: 'native async fn + timers/promises',
      side: 'peer',
      run: ({ timers, spreadMs }) => cpuOf(timers, spreadMs, 'native-async', () => nativeSleepingTasks(timers, spreadMs)),
    },
  ],
  comparisons: [
    { tide: 'tide-tasks', peer: 'setTimeout', target: { maxRatio: 1, text: '≤ 1× setTimeout CPU' } },
    { tide: 'tide-wakers', peer: 'setTimeout', target: { maxRatio: 1, text: '≤ 1× setTimeout CPU' } },
    { tide: 'tide-tasks', peer: 'native-async' },
  ],
});
