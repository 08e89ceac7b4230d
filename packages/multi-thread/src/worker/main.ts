/**
 * The entry script of a multi-thread worker thread (built as `dist/worker.js`). It imports
 * nothing of tide statically (only `owner-watch.ts`, which imports nothing either): it first installs the exit hook that tells the owner, through
 * shared memory, that this thread is going away, and only then loads the worker (`run.ts`). So a
 * worker whose modules fail to load (a missing or half-written `dist`) is reported as an exit
 * with its error, never a worker that silently never starts while the owner blocks in `build()`.
 *
 * @internal
 * @packageDocumentation
 */
import { workerData } from 'node:worker_threads';
import { OwnerWatch } from './owner-watch.js';
import type { WorkerInit } from './protocol.js';

/** Core's parker protocol (`PARKER_PARKED`, `PARKER_NOTIFIED`), literal so that this file imports nothing. */
const PARKER_PARKED = 1;
const PARKER_NOTIFIED = 2;

const init = workerData as WorkerInit;
const blocks = new Int32Array(init.buffers.workerBlocks);
const words = init.exitWords;
const ownerParker = new Int32Array(init.buffers.parkers[0]!);
// Deliveries to the owner also wake a runtime that parks the owner thread (see OwnerWatch).
const ownerWatch = new OwnerWatch(new Int32Array(init.buffers.control), init.watchWords, init.watchPort);

/** Turns the error that killed the thread into something the owner can rebuild (core's codec once loaded). */
let encode = (error: unknown): unknown => ({ value: error instanceof Error ? (error.stack ?? error.message) : String(error) });
let uncaught: unknown;
let hasUncaught = false;
process.on('uncaughtExceptionMonitor', (error) => {
  uncaught = error;
  hasUncaught = true;
});
process.on('exit', (code) => {
  try {
    init.port.postMessage({ op: 'exit', code, error: hasUncaught ? encode(uncaught) : undefined });
  } catch {
    // The port is closed: the worker stopped normally.
  }
  Atomics.store(blocks, words.exitCode, code);
  Atomics.store(blocks, words.exited, 1);
  Atomics.store(blocks, words.ownerMail, 1);
  if (Atomics.exchange(ownerParker, 0, PARKER_NOTIFIED) === PARKER_PARKED) Atomics.notify(ownerParker, 0);
  try {
    ownerWatch.wake();
  } catch {
    // The watch port is closed: the owner shut the runtime down.
  }
});

const worker = await import('./run.js');
encode = worker.encodeThrown;
await worker.runWorker(init, ownerWatch);
