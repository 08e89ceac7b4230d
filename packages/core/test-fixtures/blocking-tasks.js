// Sendable tasks for the blocking pool tests (src/blocking/pool.test.ts). Plain JavaScript:
// worker threads import this module directly, so it must not need vitest's transform.
import { threadId } from 'node:worker_threads';
import { defineTask, Handle } from '@tide/core';

/** Bounded wait on an Int32 slot of a SharedArrayBuffer until it is non-zero (10 s at most). */
function waitNonZero(cells, index) {
  const deadline = Date.now() + 10_000;
  while (Atomics.load(cells, index) === 0) {
    if (Date.now() > deadline) throw new Error('gate was never opened');
    Atomics.wait(cells, index, 0, 100);
  }
}

export const add = defineTask(import.meta.url, 'add', (a, b) => a + b);

export const fib = defineTask(import.meta.url, 'fib', (n) => {
  let [a, b] = [0, 1];
  for (let i = 0; i < n; i++) [a, b] = [b, a + b];
  return a;
});

export const sumBytes = defineTask(import.meta.url, 'sumBytes', (bytes) => bytes.reduce((s, b) => s + b, 0));

export const fail = defineTask(import.meta.url, 'fail', (message) => {
  const error = new RangeError(message);
  error.code = 'E_FIXTURE';
  error.detail = { n: 42 };
  error.notCloneable = () => 1;
  throw error;
});

export class FixtureError extends Error {
  constructor(message) {
    super(message, { cause: new TypeError('inner') });
    this.name = 'FixtureError';
  }
}

export const failCustom = defineTask(import.meta.url, 'failCustom', (message) => {
  throw new FixtureError(message);
});

export const throwString = defineTask(import.meta.url, 'throwString', (value) => {
  throw value;
});

export const asyncDouble = defineTask(import.meta.url, 'asyncDouble', async (x) => {
  await new Promise((resolve) => setTimeout(resolve, 1));
  return x * 2;
});

export const asyncFail = defineTask(import.meta.url, 'asyncFail', async (message) => {
  await Promise.resolve();
  throw new Error(message);
});

export const returnFunction = defineTask(import.meta.url, 'returnFunction', () => () => 1);

/**
 * Counts itself as started in cells[0] (and notifies), waits until cells[1] is non-zero, then
 * counts itself as finished in cells[2]. Returns the worker's threadId.
 */
export const gate = defineTask(import.meta.url, 'gate', (buffer) => {
  const cells = new Int32Array(buffer);
  Atomics.add(cells, 0, 1);
  Atomics.notify(cells, 0);
  waitNonZero(cells, 1);
  Atomics.add(cells, 2, 1);
  return threadId;
});

/** Counts itself as started in cells[0] (and notifies), then sleeps `ms` and returns `value`. */
export const startThenSleep = defineTask(import.meta.url, 'startThenSleep', (buffer, ms, value) => {
  const cells = new Int32Array(buffer);
  Atomics.add(cells, 0, 1);
  Atomics.notify(cells, 0);
  Atomics.wait(cells, 3, 0, ms);
  return value;
});

/** Increments cells[index]: a visible side effect that proves a task ran. */
export const bump = defineTask(import.meta.url, 'bump', (buffer, index = 0) => Atomics.add(new Int32Array(buffer), index, 1) + 1);

export const whoAmI = defineTask(import.meta.url, 'whoAmI', () => threadId);

export const exitWith = defineTask(import.meta.url, 'exitWith', (code) => {
  process.exit(code);
});

export const crashLater = defineTask(import.meta.url, 'crashLater', () => {
  setTimeout(() => {
    throw new Error('stray failure after the task');
  }, 0);
  // Keep the task running until the stray error kills the thread.
  return new Promise(() => {});
});

export const currentRuntimeId = defineTask(import.meta.url, 'currentRuntimeId', async () => {
  const before = Handle.current().id;
  await new Promise((resolve) => setTimeout(resolve, 1));
  return [before, Handle.current().id];
});

export function* generatorTask(x) {
  return x + 1;
}
export const generatorSum = defineTask(import.meta.url, 'generatorSum', generatorTask);
