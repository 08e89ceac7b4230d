// A vitest setup file. A test that hangs inside a synchronous `blockOn` blocks its thread, so
// vitest's own timeout (a timer on that thread) can never fire and the run would hang forever.
// This watchdog runs on its own thread: each test arms a deadline in shared memory; if a test is
// still running well past its timeout, the watchdog names it and kills the test process, so the
// run fails instead of hanging.
import { Worker } from 'node:worker_threads';
import { afterEach, beforeEach } from 'vitest';

const GRACE_MS = Number(process.env.WATCHDOG_GRACE_MS ?? 30_000);
const NAME_BYTES = 1024;
// [0]: deadline in seconds since `started` (0: disarmed); then the test's name, UTF-8.
const shared = new SharedArrayBuffer(8 + NAME_BYTES);
const deadline = new Int32Array(shared, 0, 1);
const name = new Uint8Array(shared, 8, NAME_BYTES);
const started = Date.now();

const watchdog = new Worker(
  `
  const { workerData } = require('node:worker_threads');
  const { writeSync } = require('node:fs');
  const deadline = new Int32Array(workerData.shared, 0, 1);
  const name = new Uint8Array(workerData.shared, 8);
  const sleeper = new Int32Array(new SharedArrayBuffer(4));
  for (;;) {
    Atomics.wait(sleeper, 0, 0, 1000);
    const at = Atomics.load(deadline, 0);
    if (at !== 0 && (Date.now() - workerData.started) / 1000 > at) {
      const test = Buffer.from(name).toString('utf8').replace(/\\0+$/, '');
      writeSync(2, '\\n[watchdog] "' + test + '" is still running long past its timeout (a blocked thread?): killing the test process\\n');
      process.kill(process.pid, 'SIGKILL');
    }
  }
  `,
  { eval: true, workerData: { shared, started } },
);
watchdog.unref();

beforeEach((context) => {
  const timeoutMs = context.task.timeout ?? 60_000;
  name.fill(0);
  name.set(new TextEncoder().encode(context.task.name).subarray(0, NAME_BYTES));
  Atomics.store(deadline, 0, Math.ceil((Date.now() - started + timeoutMs + GRACE_MS) / 1000));
});

afterEach(() => {
  Atomics.store(deadline, 0, 0);
});
