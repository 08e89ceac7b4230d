import { Worker } from 'node:worker_threads';
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';

/** How long a case may keep its thread blocked before the guard ends the test process. */
export const HANG_LIMIT_MS = 30_000;

const TITLE_BYTES = 4096;

// Runs on its own thread, so it keeps ticking while the test's thread is stuck in a synchronous
// loop (a blockOn that never returns), which vitest's own timeout cannot interrupt.
const WATCHDOG = `
const { workerData } = require('node:worker_threads');
const { writeSync } = require('node:fs');
const state = new Int32Array(workerData.state);
const title = new Uint8Array(workerData.title);
const limitMs = workerData.limitMs;
let seen = -1;
let since = Date.now();
setInterval(() => {
  const seq = Atomics.load(state, 0);
  if (Atomics.load(state, 1) === 0 || seq !== seen) {
    seen = seq;
    since = Date.now();
    return;
  }
  if (Date.now() - since < limitMs) return;
  const name = new TextDecoder().decode(title.slice(0, Atomics.load(state, 2)));
  writeSync(2, '\\n[@tide/testkit] the case "' + name + '" has blocked its thread for ' + limitMs / 1000 +
    ' s: the runtime under test hangs synchronously (a blockOn that never returns). Ending the test process so the run does not hang forever.\\n');
  process.kill(process.pid, 'SIGKILL');
}, 250);
`;

/**
 * Registers hooks (call inside a `describe`) that watch every case from another thread: a case
 * that keeps the test's thread blocked for {@link HANG_LIMIT_MS} — a synchronous `blockOn` that
 * spins or waits forever, which no vitest timeout can interrupt — gets its title printed to stderr
 * and the test process killed, so the run fails instead of hanging.
 */
export function installHangGuard(limitMs = HANG_LIMIT_MS): void {
  const state = new Int32Array(new SharedArrayBuffer(3 * Int32Array.BYTES_PER_ELEMENT));
  const title = new Uint8Array(new SharedArrayBuffer(TITLE_BYTES));
  let watchdog: Worker | undefined;
  beforeAll(() => {
    watchdog = new Worker(WATCHDOG, { eval: true, workerData: { state: state.buffer, title: title.buffer, limitMs } });
    watchdog.unref();
  });
  afterAll(async () => {
    await watchdog?.terminate();
  });
  beforeEach((context) => {
    const encoded = new TextEncoder().encode(context.task.name).subarray(0, TITLE_BYTES);
    title.set(encoded);
    Atomics.store(state, 2, encoded.length);
    Atomics.add(state, 0, 1);
    Atomics.store(state, 1, 1);
  });
  afterEach(() => {
    Atomics.store(state, 1, 0);
    Atomics.add(state, 0, 1);
  });
}
