// A user's own worker thread that receives a shared handle, spawns onto the pool and blocks on
// it (share.test.ts).
import { parentPort, workerData } from 'node:worker_threads';
import { Handle } from '@tide/core';
import * as fx from './tasks.js';

const h = Handle.fromShared(workerData.shared);
const sum = await h.spawn(fx.add, 20, 22);
const slept = await h.spawn(fx.sleepThen, 2, 'remote');
let failure = null;
try {
  await h.spawn(fx.fail, 'remote boom');
} catch (error) {
  failure = `${error.name}:${error.isPanic()}`;
}
// blockOn from this thread: it waits synchronously while the pool's workers run the task (and
// their time drivers), and what the task threw is thrown here.
const blocked = h.blockOn(fx.sleepThen, 2, 'blocked');
let blockFailure = null;
try {
  h.blockOn(fx.fail, 'blocked boom');
} catch (error) {
  blockFailure = `${error.name}:${error.message}:${error.code}`;
}
parentPort.postMessage({ sum, slept, failure, blocked, blockFailure, id: h.id, flavor: h.flavor });
