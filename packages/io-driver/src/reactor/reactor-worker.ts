/**
 * The entry script of the reactor thread (built as `dist/reactor-worker.js`).
 *
 * It builds the {@link Reactor} over the shared memory the driver sent and runs its loop. The
 * parent port is listened to only to keep this thread's event loop alive while the reactor waits
 * on the doorbell (`Atomics.waitAsync` alone does not), and the parent `unref()`s the worker, so
 * the reactor never keeps the process alive by itself.
 *
 * @internal
 * @packageDocumentation
 */
import { parentPort, workerData } from 'node:worker_threads';
// The parker protocol alone: the reactor thread does not load the rest of core.
import { unparkParker } from '@tide/core/parker';
import { Control, type ReactorInit } from './protocol.js';
import { Reactor } from './reactor.js';

const init = workerData as ReactorInit;
const control = new Int32Array(init.control);
const parker = new Int32Array(init.parker);
// Assigned once, after the exit handler below is installed (a constructor that throws still announces the exit).
// eslint-disable-next-line prefer-const
let reactor: Reactor | undefined;

function announceExit(): void {
  // The thread's sockets are closed after this handler: the runtime thread must stop writing to
  // their fds first (another file may get the same numbers).
  reactor?.sockets.closeAll();
  Atomics.store(control, Control.Exited, 1);
  Atomics.notify(control, Control.ShutdownDone);
  // Wake the runtime thread so it notices.
  unparkParker(parker);
}

// A reactor that dies says so through shared memory: the runtime may be blocked in Atomics.wait.
process.on('exit', announceExit);

parentPort?.on('message', () => {});

reactor = new Reactor(init);
reactor.run().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error('[tide] the io reactor thread failed', error);
    process.exit(1);
  },
);
