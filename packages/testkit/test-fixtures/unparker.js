// Unparks a parker from another thread, for the driver suite's "unpark from another thread wakes
// a park" case (src/driver-suite/contract.ts). Plain JavaScript: worker threads load built code.
//
// workerData: { parker: SharedArrayBuffer, go: SharedArrayBuffer }. Waits until go[0] != 0 (the
// main thread is about to park), lets it fall asleep, unparks it, then posts 'unparked'.
import { parentPort, workerData } from 'node:worker_threads';
import { Parker } from '@tide/core/driver';

const go = new Int32Array(workerData.go);
const deadline = Date.now() + 20_000;
while (Atomics.load(go, 0) === 0 && Date.now() < deadline) Atomics.wait(go, 0, 0, 100);
// Give the main thread time to really block in Atomics.wait (an earlier unpark would be remembered anyway).
Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20);
Parker.fromShared(workerData.parker).unpark();
parentPort.postMessage('unparked');
