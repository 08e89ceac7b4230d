import { MultiThreadRuntime } from '../dist/index.js';
import { timeDriver } from '@tide/time-driver';
const f = await import('../test-fixtures/tasks.js');
const sab = new SharedArrayBuffer(64);
const rt = MultiThreadRuntime.builder().workerThreads(Number(process.env.W ?? 1)).enable(timeDriver()).onThreadStart(f.installCounters, sab).build();
console.log(rt.blockOn(f.add, 1, 2));
const t = setTimeout(() => { console.log('stuck; workers:', JSON.stringify(rt.metrics().workers)); process.exit(1); }, 5000);
try { rt.blockOn(f.awaitNothing); } catch (e) { console.log('threw', e.name, new Int32Array(sab)[0]); }
clearTimeout(t);
console.log(rt.blockOn(f.add, 3, 4));
rt.shutdownTimeout(1000);
