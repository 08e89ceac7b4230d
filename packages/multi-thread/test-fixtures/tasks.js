// Sendable tasks for the multi-thread runtime tests. Plain JavaScript: worker threads import this
// module directly (it must not need vitest's transform); '@tide/core' and '@tide/time-driver'
// resolve to the built packages.
import { threadId } from 'node:worker_threads';
import { currentTask, defineTask, Handle, oneshot, spawn, yieldNow } from '@tide/core';
import { sleep } from '@tide/time-driver';
import { spawnLocal, transfer } from '@tide/multi-thread';

/** Bounded wait until `cells[index]` is non-zero (10 s at most, so a broken test fails instead of hanging). */
function waitNonZero(cells, index, ms = 10_000) {
  const deadline = Date.now() + ms;
  while (Atomics.load(cells, index) === 0) {
    if (Date.now() > deadline) throw new Error(`gate ${index} was never opened`);
    Atomics.wait(cells, index, 0, 50);
  }
}

// ---- per-thread state installed by onThreadStart ----

let counters = null;

/** onThreadStart hook: keeps the shared counters array for `record`. */
export const installCounters = defineTask(import.meta.url, 'installCounters', (sab) => {
  counters = new Int32Array(sab);
});

/** onThreadStop hook: bumps slot 0 of the counters. */
export const countStop = defineTask(import.meta.url, 'countStop', (sab) => {
  Atomics.add(new Int32Array(sab), 0, 1);
});

/** Counts an execution of task `i` (slot 1 + i) and returns i. */
export const record = defineTask(import.meta.url, 'record', (i) => {
  Atomics.add(counters, 1 + i, 1);
  return i;
});

// ---- plain values ----

export const add = defineTask(import.meta.url, 'add', (a, b) => a + b);
export const echo = defineTask(import.meta.url, 'echo', (value) => value);
export const whoAmI = defineTask(import.meta.url, 'whoAmI', () => threadId);
export const sumBytes = defineTask(import.meta.url, 'sumBytes', (bytes) => bytes.reduce((s, b) => s + b, 0));
export const makeBytes = defineTask(import.meta.url, 'makeBytes', (n) => new Uint8Array(n).fill(7));
export const returnFunction = defineTask(import.meta.url, 'returnFunction', () => () => 1);
export const returnShared = defineTask(import.meta.url, 'returnShared', (n) => {
  const sab = new SharedArrayBuffer(4);
  new Int32Array(sab)[0] = n;
  return sab;
});
export const readShared = defineTask(import.meta.url, 'readShared', (sab) => Atomics.load(new Int32Array(sab), 0));

export const genSum = defineTask(import.meta.url, 'genSum', function* (n) {
  let total = 0;
  for (let i = 1; i <= n; i++) total += i;
  return total;
});

export const asyncDouble = defineTask(import.meta.url, 'asyncDouble', async (x) => {
  await new Promise((resolve) => setTimeout(resolve, 1));
  return x * 2;
});

// ---- errors ----

export class FixtureError extends Error {
  constructor(message) {
    super(message, { cause: new TypeError('inner') });
    this.name = 'FixtureError';
  }
}

export const fail = defineTask(import.meta.url, 'fail', (message) => {
  const error = new RangeError(message);
  error.code = 'E_FIXTURE';
  error.detail = { n: 42 };
  throw error;
});

export const failAsync = defineTask(import.meta.url, 'failAsync', async (message) => {
  await Promise.resolve();
  throw new FixtureError(message);
});

// ---- time ----

export const sleepThen = defineTask(import.meta.url, 'sleepThen', function* (ms, value) {
  yield* sleep(ms);
  return value;
});

export const sleepAsync = defineTask(import.meta.url, 'sleepAsync', async (ms, value) => {
  await sleep(ms);
  return value;
});

// ---- context ----

export const runtimeInfo = defineTask(import.meta.url, 'runtimeInfo', function* () {
  const h = Handle.current();
  return { id: h.id, flavor: h.flavor, name: h.name ?? null, drivers: [...h.drivers], taskId: currentTask().id };
});

/** Spawns `n` adds from inside a worker (they are distributed) and sums their results. */
export const fanOut = defineTask(import.meta.url, 'fanOut', function* (n) {
  const handles = [];
  for (let i = 0; i < n; i++) handles.push(spawn(add, i, 1));
  let total = 0;
  for (const h of handles) total += yield* h;
  return total;
});

/** spawnLocal: a closure capturing local state, on this worker. */
export const localClosure = defineTask(import.meta.url, 'localClosure', function* (x) {
  const box = { value: x };
  const h = spawnLocal(function* () {
    box.value *= 3;
    return threadId;
  });
  const ranOn = yield* h;
  return { value: box.value, sameThread: ranOn === threadId };
});

/** Tries to spawn a closure from a worker: must throw NotSendableError. */
export const spawnClosure = defineTask(import.meta.url, 'spawnClosure', () => {
  try {
    spawn(() => 1);
    return 'no error';
  } catch (error) {
    return `${error.name}:${error.code}`;
  }
});

/** Tries blockOn inside a worker: must throw NestedBlockOnError. */
export const nestedBlockOn = defineTask(import.meta.url, 'nestedBlockOn', () => {
  try {
    Handle.current().blockOn(add, 1, 2);
    return 'no error';
  } catch (error) {
    return `${error.name}:${error.code}`;
  }
});

// ---- abort ----

/**
 * Signals `gates[started]` once running, then sleeps in a loop; its finally block records
 * `gates[finallyAt] = 1`.
 */
export const sleepForever = defineTask(import.meta.url, 'sleepForever', function* (gatesSab, started, finallyAt) {
  const gates = new Int32Array(gatesSab);
  try {
    Atomics.store(gates, started, 1);
    Atomics.notify(gates, started);
    for (;;) yield* sleep(1000);
  } finally {
    Atomics.store(gates, finallyAt, 1);
  }
});

/** Async variant: resolves when its signal aborts, records it. */
export const asyncUntilAborted = defineTask(import.meta.url, 'asyncUntilAborted', async (gatesSab, started, abortedAt) => {
  const gates = new Int32Array(gatesSab);
  const signal = currentTask().signal;
  Atomics.store(gates, started, 1);
  Atomics.notify(gates, started);
  await new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }));
  Atomics.store(gates, abortedAt, 1);
  return 'aborted';
});

/** Blocks its worker until `gates[index]` opens (occupies a worker deterministically). */
export const holdUntil = defineTask(import.meta.url, 'holdUntil', (gatesSab, started, index) => {
  const gates = new Int32Array(gatesSab);
  Atomics.store(gates, started, 1);
  Atomics.notify(gates, started);
  waitNonZero(gates, index);
  return threadId;
});

/** Like `holdUntil`, then throws a `RangeError` with `message`. */
export const failWhenOpen = defineTask(import.meta.url, 'failWhenOpen', (gatesSab, started, index, message) => {
  const gates = new Int32Array(gatesSab);
  Atomics.store(gates, started, 1);
  Atomics.notify(gates, started);
  waitNonZero(gates, index);
  throw new RangeError(message);
});

// ---- queues, metrics, options ----

/**
 * Records the order in which it ran, in the counters installed by `installCounters`: slot 0
 * counts runs, slot `1 + id` gets this run's 1-based position. Plain-number arguments, so it
 * travels through the shared queues (a SharedArrayBuffer argument would pin it to a thread).
 */
export const recordOrder = defineTask(import.meta.url, 'recordOrder', (id) => {
  Atomics.store(counters, 1 + id, Atomics.add(counters, 0, 1) + 1);
  return id;
});

/**
 * Spawns `n` `recordOrder` tasks (ids 0 … n-1) from this worker (its LIFO slot and local queue),
 * signals `gates[started]`, and holds the worker until `gates[index]` opens. Nothing it spawned
 * can start meanwhile (on a one-worker runtime).
 */
export const spawnLocalBurstThenHold = defineTask(import.meta.url, 'spawnLocalBurstThenHold', (n, gatesSab, started, index) => {
  for (let i = 0; i < n; i++) spawn(recordOrder, i);
  const gates = new Int32Array(gatesSab);
  Atomics.store(gates, started, 1);
  Atomics.notify(gates, started);
  waitNonZero(gates, index);
  return n;
});

/** The worker thread's `process.execArgv`. */
export const execArgvOf = defineTask(import.meta.url, 'execArgvOf', () => process.execArgv);

/** Reads a file with Node's own async IO inside an async task (the worker's event loop runs it). */
export const readFileAsync = defineTask(import.meta.url, 'readFileAsync', async (path) => {
  const { readFile } = await import('node:fs/promises');
  return (await readFile(path, 'utf8')).length;
});

// ---- transferred results ----

let kept = null;

/** Returns `n` bytes of 9 moved with `transfer()` (or copied, if `move` is false); keeps a reference to them. */
export const makeBytesKept = defineTask(import.meta.url, 'makeBytesKept', (n, move) => {
  kept = new Uint8Array(n).fill(9);
  return move ? transfer(kept) : kept;
});

/** The byte length of what `makeBytesKept` kept on this thread (0 once it was moved away). */
export const keptLength = defineTask(import.meta.url, 'keptLength', () => kept?.byteLength ?? -1);

/** Spawns `makeBytesKept(n, true)` from this worker and joins it; returns the length it got. */
export const joinTransferred = defineTask(import.meta.url, 'joinTransferred', function* (n) {
  const bytes = yield* spawn(makeBytesKept, n, true);
  return bytes.byteLength === n && bytes[n - 1] === 9 ? n : -1;
});

/** `makeBytesKept(n, true)` that also signals slot 0 of the counters when it runs on a thread other than `spawner`. */
export const makeBytesElsewhere = defineTask(import.meta.url, 'makeBytesElsewhere', (n, spawner) => {
  if (threadId !== spawner) {
    Atomics.store(counters, 0, 1);
    Atomics.notify(counters, 0);
  }
  kept = new Uint8Array(n).fill(9);
  return transfer(kept);
});

/**
 * Spawns two `makeBytesElsewhere` from this worker (the second pushes the first out of the LIFO
 * slot into the stealable queue), holds the worker until another worker has run one, then joins
 * both: the stolen one's moved result travels worker → owner → this worker. Returns how many
 * arrived intact. Needs the counters of `installCounters`.
 */
export const transferFromAnotherWorker = defineTask(import.meta.url, 'transferFromAnotherWorker', function* (n) {
  Atomics.store(counters, 0, 0);
  const handles = [spawn(makeBytesElsewhere, n, threadId), spawn(makeBytesElsewhere, n, threadId)];
  waitNonZero(counters, 0);
  let intact = 0;
  for (const h of handles) {
    const bytes = yield* h;
    if (bytes.byteLength === n && bytes[n - 1] === 9) intact++;
  }
  return intact;
});

// ---- crashes ----

export const exitWith = defineTask(import.meta.url, 'exitWith', (code) => {
  process.exit(code);
});

export const throwUncaught = defineTask(import.meta.url, 'throwUncaught', (message) => {
  setTimeout(() => {
    throw new Error(message);
  }, 0);
  return new Promise(() => {});
});

export const exhaustMemory = defineTask(import.meta.url, 'exhaustMemory', () => {
  const keep = [];
  for (;;) keep.push(new Array(1e5).fill(Math.random()));
});

// ---- stealing ----

/**
 * Spawns `n` `stealable` tasks from this worker and joins them; each returns its thread id. The
 * ones that land on the spawning thread wait (bounded) until another thread has run one (slot 0 of
 * the counters installed by `installCounters`), so the test only passes if the burst was stolen.
 */
export const burst = defineTask(import.meta.url, 'burst', function* (n) {
  const handles = [];
  for (let i = 0; i < n; i++) handles.push(spawn(stealable, threadId));
  const threads = [];
  for (const h of handles) threads.push(yield* h);
  return { spawner: threadId, threads };
});

export const stealable = defineTask(import.meta.url, 'stealable', (spawner) => {
  if (threadId !== spawner) {
    Atomics.store(counters, 0, 1);
    Atomics.notify(counters, 0);
  } else {
    waitNonZero(counters, 0, 5_000);
  }
  return threadId;
});

/** ~`ms` of CPU work (a hash loop). */
export const spin = defineTask(import.meta.url, 'spin', (ms) => {
  const end = performance.now() + ms;
  let h = 0;
  while (performance.now() < end) h = (h * 31 + 7) | 0;
  return threadId;
});

/** Keeps its worker busy (2 ms of CPU, then a yield, over and over) until `gates[index]` opens. */
export const busyUntilOpen = defineTask(import.meta.url, 'busyUntilOpen', function* (gatesSab, index) {
  const gates = new Int32Array(gatesSab);
  let h = 0;
  for (let rounds = 0; Atomics.load(gates, index) === 0; rounds++) {
    if (rounds > 5_000) throw new Error(`gate ${index} was never opened`);
    const end = performance.now() + 2;
    while (performance.now() < end) h = (h * 31 + 7) | 0;
    yield* yieldNow();
  }
  return h;
});

/** Spawns `n` `record` tasks from this worker, then kills the thread before they can all run here. */
export const spawnThenExit = defineTask(import.meta.url, 'spawnThenExit', (n, code) => {
  for (let i = 0; i < n; i++) spawn(record, i);
  process.exit(code);
});

/** Waits on a channel nobody will ever send on; its finally block bumps slot 0 of the counters. */
export const awaitNothing = defineTask(import.meta.url, 'awaitNothing', function* () {
  const [sender, receiver] = oneshot();
  try {
    return yield* receiver;
  } finally {
    Atomics.add(counters, 0, 1);
    void sender;
  }
});
