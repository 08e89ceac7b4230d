/**
 * timers-cancel: the cost of arming a timer and cancelling it before it fires (the common case of
 * timeouts that do not expire).
 */
import { NOOP_CONTEXT, PENDING } from '@tide/core';
import { CurrentThreadRuntime } from '@tide/current-thread';
import { currentTimeDriver, sleep, timeDriver, TimingWheel, type Sleep, type TimerEntry } from '@tide/time-driver';
import { check, defineScenario } from '../harness/scenario.js';

interface TimersCancelParams extends Record<string, number> {
  readonly timers: number;
  /** Deadlines are spread over 1..spreadMs ms. */
  readonly spreadMs: number;
}

/** The deadline of timer `i`: every ms of the spread is used, in an interleaved order. */
export function spreadDeadline(i: number, spreadMs: number): number {
  return 1 + ((i * 7919) % spreadMs);
}

/**
 * Inside a runtime: creates `n` sleep futures, polls each once (which registers it in the time
 * driver's wheel, exactly as when a task suspends on it), then disposes each (which removes it,
 * exactly as when the task is aborted). Returns the ms spent, timing only the two loops.
 */
function* armAndCancelSleeps(n: number, spreadMs: number): Generator<never, number, unknown> {
  const driver = currentTimeDriver();
  const sleeps = new Array<Sleep>(n);
  const base = driver.timerCount;
  const start = performance.now();
  // A sleep whose deadline passed before its poll (a GC pause longer than its 1 ms) is ready at
  // once and never enters the wheel; every pending one must be registered.
  let pending = 0;
  for (let i = 0; i < n; i++) {
    const s = sleep(spreadDeadline(i, spreadMs));
    if (s.poll(NOOP_CONTEXT) === PENDING) pending++;
    sleeps[i] = s;
  }
  const armed = driver.timerCount - base;
  for (let i = 0; i < n; i++) sleeps[i]![Symbol.dispose]();
  const ms = performance.now() - start;
  check('tide-sleep timers registered', armed, pending);
  check('tide-sleep timers left after cancel', driver.timerCount - base, 0);
  return ms;
}

/** The bare wheel: `n` entries inserted, then all cancelled. Returns the ms spent. */
function armAndCancelWheel(wheel: TimingWheel<number>, n: number, spreadMs: number): number {
  const entries = new Array<TimerEntry<number>>(n);
  const base = wheel.size;
  const start = performance.now();
  for (let i = 0; i < n; i++) entries[i] = wheel.insert(spreadDeadline(i, spreadMs), i);
  const armed = wheel.size - base;
  for (let i = 0; i < n; i++) wheel.cancel(entries[i]!);
  const ms = performance.now() - start;
  check('tide-wheel entries inserted', armed, n);
  check('tide-wheel entries left', wheel.size - base, 0);
  return ms;
}

function noop(): void {}

/** Node's timers: `n` `setTimeout`s, then all cleared. Returns the ms spent. */
function armAndCancelTimeouts(n: number, spreadMs: number): number {
  const handles = new Array<NodeJS.Timeout>(n);
  const start = performance.now();
  for (let i = 0; i < n; i++) handles[i] = setTimeout(noop, spreadDeadline(i, spreadMs));
  for (let i = 0; i < n; i++) clearTimeout(handles[i]);
  return performance.now() - start;
}

/**
 * Each repetition first runs its contender's loops untimed on a tenth of the timers. The harness
 * calls a contender once per round after a full `gc()`; without the warm pass the timed loop would
 * include the interpreter and TurboFan's on-stack-replacement latency (tens of ms on a busy 2-core
 * box), for both sides, rather than the steady-state cost of a timer.
 */
const WARM_FRACTION = 10;

/**
 * The tide contenders arm their timers in one runtime (and one wheel) kept for the whole run, as
 * an application keeps its runtime; Node's timers likewise live in process-wide structures (its
 * list map and priority queue) that outlast every round. A fresh runtime per round would also
 * measure building one and, after the harness's `gc()`, re-optimizing code whose hidden classes
 * died with the previous runtime. Per-timer objects die between rounds on both sides.
 */
let scenarioRuntime: CurrentThreadRuntime<'time'> | undefined;
let scenarioWheel: TimingWheel<number> | undefined;

export default defineScenario<TimersCancelParams>({
  name: 'timers-cancel',
  title: 'timers armed, then cancelled',
  description:
    '`timers` timers with deadlines spread over 1..`spreadMs` ms are armed, then all cancelled before ' +
    'any fires. `tide-sleep`: inside a current-thread runtime, `sleep(ms)` futures are created and ' +
    'polled once (which registers them in the time driver\'s timing wheel, as when a task suspends on ' +
    'them), then disposed with `[Symbol.dispose]()` (which removes them, as when the task is aborted); ' +
    'the driver\'s timer count is checked after each phase. `tide-wheel`: the bare `TimingWheel` ' +
    '`insert` + `cancel`. Peer: `setTimeout` + `clearTimeout`. Each repetition first runs the same loops ' +
    'untimed on a tenth of the timers (JIT warm-up is not a per-timer cost). The tide contenders use one ' +
    'runtime (one wheel) for the whole run, as an application does and as Node\'s timers use process-wide ' +
    'structures. Figure: wall time per timer (arm + cancel).',
  unit: 'ns/timer',
  params: {
    full: { timers: 100_000, spreadMs: 1_000 },
    quick: { timers: 2_000, spreadMs: 1_000 },
  },
  contenders: [
    {
      id: 'tide-sleep',
      label: 'tide: sleep() registered + disposed',
      side: 'tide',
      run: ({ timers, spreadMs }) => {
        const rt = (scenarioRuntime ??= CurrentThreadRuntime.builder().enable(timeDriver()).build());
        rt.blockOn(armAndCancelSleeps, Math.ceil(timers / WARM_FRACTION), spreadMs);
        const ms = rt.blockOn(armAndCancelSleeps, timers, spreadMs);
        return Promise.resolve((ms * 1e6) / timers);
      },
    },
    {
      id: 'tide-wheel',
      label: 'tide: TimingWheel insert + cancel',
      side: 'tide',
      run: ({ timers, spreadMs }) => {
        const wheel = (scenarioWheel ??= new TimingWheel<number>());
        armAndCancelWheel(wheel, Math.ceil(timers / WARM_FRACTION), spreadMs);
        const ms = armAndCancelWheel(wheel, timers, spreadMs);
        return Promise.resolve((ms * 1e6) / timers);
      },
    },
    {
      id: 'setTimeout',
      label: 'setTimeout + clearTimeout',
      side: 'peer',
      run: ({ timers, spreadMs }) => {
        armAndCancelTimeouts(Math.ceil(timers / WARM_FRACTION), spreadMs);
        const ms = armAndCancelTimeouts(timers, spreadMs);
        return Promise.resolve((ms * 1e6) / timers);
      },
    },
  ],
  comparisons: [
    { tide: 'tide-sleep', peer: 'setTimeout', target: { maxRatio: 0.1, text: '≥ 10× faster than setTimeout' } },
    { tide: 'tide-wheel', peer: 'setTimeout', target: { maxRatio: 0.1, text: '≥ 10× faster than setTimeout' } },
  ],
});
