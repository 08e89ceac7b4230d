/**
 * The entry script of a multi-thread worker thread (built as `dist/worker.js`): rebuilds the
 * drivers from their sendable factories, installs the exit hook that tells the owner through
 * shared memory that this thread is going away, and starts the {@link WorkerCore} loop.
 *
 * @internal
 * @packageDocumentation
 */
import { workerData } from 'node:worker_threads';
import { Parker, fromSendable } from '@tide/core/driver';
import { encodeThrown } from '../core-candidates/error-codec.js';
import { W, WORKER_WORDS } from '../shared/layout.js';
import type { WorkerInit } from './protocol.js';
import { WorkerCore } from './worker-core.js';

const init = workerData as WorkerInit;
const blocks = new Int32Array(init.buffers.workerBlocks);
const base = (init.index - 1) * WORKER_WORDS;
const owner = Parker.fromShared(init.buffers.parkers[0]!);

// A thread that dies (process.exit in a task, an uncaught error) says so through shared memory,
// so that an owner blocked in Atomics.wait (inside blockOn) learns it without its event loop.
let uncaught: unknown;
let hasUncaught = false;
process.on('uncaughtExceptionMonitor', (error) => {
  uncaught = error;
  hasUncaught = true;
});
process.on('exit', (code) => {
  try {
    init.port.postMessage({ op: 'exit', code, error: hasUncaught ? encodeThrown(uncaught) : undefined });
  } catch {
    // The port is closed: the worker stopped normally.
  }
  Atomics.store(blocks, base + W.ExitCode, code);
  Atomics.store(blocks, base + W.Exited, 1);
  Atomics.store(blocks, base + W.OwnerMail, 1);
  owner.unpark();
});

const factories = await Promise.all(init.drivers.map((sendable) => fromSendable(sendable)));
new WorkerCore(init, factories).start();
