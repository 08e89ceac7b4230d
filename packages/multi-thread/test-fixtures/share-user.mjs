// A user's own worker thread that receives a shared handle and spawns onto the pool (share.test.ts).
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
parentPort.postMessage({ sum, slept, failure, id: h.id, flavor: h.flavor });
