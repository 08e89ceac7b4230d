/**
 * tide demo: a synchronous program (no `async`, no `await` at the top) that counts primes in
 * several ranges concurrently on a current-thread runtime, with a per-range deadline, a progress
 * ticker and a library written only against @tide/core.
 *
 *   npm start -- --ranges 8 --size 400000 --deadline 2000
 */
import { parseArgs } from 'node:util';
import { Elapsed, yieldNow } from '@tide/core';
import { CurrentThreadRuntime } from '@tide/current-thread';
import { interval, timeDriver, timeout } from '@tide/time-driver';
import { mapConcurrent } from './library.js';

const { values } = parseArgs({
  options: {
    ranges: { type: 'string', default: '8' },
    size: { type: 'string', default: '300000' },
    concurrency: { type: 'string', default: '4' },
    deadline: { type: 'string', default: '5000' },
  },
});
const ranges = Number(values.ranges);
const size = Number(values.size);
const concurrency = Number(values.concurrency);
const deadlineMs = Number(values.deadline);
for (const [name, v] of Object.entries({ ranges, size, concurrency, deadline: deadlineMs })) {
  if (!Number.isInteger(v) || v <= 0) {
    console.error(`--${name} must be a positive integer`);
    process.exit(2);
  }
}

let checked = 0;

/** Counts primes in [from, to) by trial division, yielding to other tasks every 2,000 numbers. */
function* countPrimes(from: number, to: number) {
  let count = 0;
  for (let n = Math.max(2, from); n < to; n++) {
    let prime = true;
    for (let d = 2; d * d <= n; d++) {
      if (n % d === 0) {
        prime = false;
        break;
      }
    }
    if (prime) count++;
    if (++checked % 2_000 === 0) yield* yieldNow();
  }
  return count;
}

/** One range under its deadline: the count, or `null` if the deadline passed first. */
function* rangeWithDeadline(index: number) {
  try {
    return yield* timeout(deadlineMs, countPrimes(index * size, (index + 1) * size));
  } catch (error) {
    if (error instanceof Elapsed) return null;
    throw error;
  }
}

/** Prints progress every 250 ms until aborted. */
function* progress(total: number) {
  const ticks = interval(250);
  for (;;) {
    yield* ticks.tick();
    process.stderr.write(`\r  checked ${checked.toLocaleString()} / ${total.toLocaleString()} numbers`);
  }
}

function* main() {
  const ticker = spawnProgress(ranges * size);
  const started = performance.now();
  const { results, flavor } = yield* mapConcurrent(
    Array.from({ length: ranges }, (_, i) => i),
    concurrency,
    rangeWithDeadline,
  );
  ticker.abort();
  return { results, flavor, ms: performance.now() - started };
}

function spawnProgress(total: number) {
  return rt.spawn(progress, total);
}

const rt = CurrentThreadRuntime.builder().enable(timeDriver()).name('demo').build();
// The whole program is one synchronous call: tasks, timers and deadlines run inside it.
const { results, flavor, ms } = rt.blockOn(main);
process.stderr.write('\n');
const metrics = rt.metrics();
rt.shutdownTimeout(1_000);

console.log(`tide demo — ${ranges} ranges of ${size.toLocaleString()} numbers, ${concurrency} at a time, ${deadlineMs} ms deadline each`);
results.forEach((count, i) => {
  console.log(`  [${(i * size).toLocaleString()}, ${((i + 1) * size).toLocaleString()}): ${count === null ? 'deadline passed' : `${count} primes`}`);
});
const found = results.reduce<number>((sum, c) => sum + (c ?? 0), 0);
console.log(`primes found: ${found} in ${ms.toFixed(0)} ms on a ${flavor} runtime`);
console.log(
  `runtime metrics: ${metrics.spawnedTasksCount} tasks spawned, ${metrics.workers[0]?.pollCount ?? 0} polls, ` +
    `${metrics.workers[0]?.parkCount ?? 0} parks, busy ${(metrics.workers[0]?.busyMs ?? 0).toFixed(0)} ms`,
);
