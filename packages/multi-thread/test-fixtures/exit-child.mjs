// A program that uses a multi-thread runtime and then must exit by itself (run by shutdown.test.ts
// in a child process). Mode: 'idle' (no shutdown), 'shutdown', 'background', 'dispose', 'pending',
// 'detached'.
import { MultiThreadRuntime } from '@tide/multi-thread';
import { timeDriver } from '@tide/time-driver';
import * as fx from './tasks.js';

const mode = process.argv[2];
const stops = new SharedArrayBuffer(4);
const rt = MultiThreadRuntime.builder().workerThreads(2).enable(timeDriver()).onThreadStop(fx.countStop, stops).build();
console.log('spawn', await rt.spawn(fx.add, 1, 2));
console.log('blockOn', rt.blockOn(fx.add, 2, 3));
console.log('sleep', await rt.spawn(fx.sleepThen, 5, 'ok'));

const gates = new SharedArrayBuffer(8);
const g = new Int32Array(gates);
function started() {
  while (Atomics.load(g, 0) === 0) Atomics.wait(g, 0, 0, 10);
}

if (mode === 'shutdown') {
  const h = rt.spawn(fx.sleepForever, gates, 0, 1);
  started();
  rt.shutdownTimeout(5_000);
  console.log('finally', Atomics.load(g, 1));
  console.log('stops', Atomics.load(new Int32Array(stops), 0));
  try {
    await h;
  } catch (error) {
    console.log('joined', error.name, error.isCancelled());
  }
  const late = rt.spawn(fx.add, 1, 1);
  console.log('late', late.isFinished());
  try {
    await late;
  } catch (error) {
    console.log('late', error.isCancelled());
  }
} else if (mode === 'background') {
  rt.spawn(fx.sleepForever, gates, 0, 1);
  started();
  rt.shutdownBackground();
  console.log('background');
} else if (mode === 'dispose') {
  try {
    rt.spawn(fx.sleepForever, gates, 0, 1);
    started();
  } finally {
    rt[Symbol.dispose]();
  }
  console.log('finally', Atomics.load(g, 1));
} else if (mode === 'pending') {
  // A task still running keeps the process alive until it finishes, then it exits.
  rt.spawn(fx.sleepThen, 100, 'late').then((v) => console.log('pending', v));
} else if (mode === 'detached') {
  // A task nobody awaits holds the process too, until it finishes: the gate is opened by an
  // unref'd timer, which fires only while something else holds the process.
  rt.spawn(fx.holdUntil, gates, 0, 1);
  started();
  setTimeout(() => Atomics.store(g, 1, 1), 100).unref();
  process.on('exit', () => console.log('detached held', Atomics.load(g, 1)));
}
console.log('end');
