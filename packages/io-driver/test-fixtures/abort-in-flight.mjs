// Run with `node abort-in-flight.mjs <dir>` (Linux: it counts /proc/self/fd). Inside one
// synchronous blockOn it aborts tasks whose TcpStream.connect and fs.open are in flight in the
// reactor, lets those operations finish in the kernel, and reports whether the reactor released
// and closed everything they opened. Prints a JSON report. Never calls process.exit.
//
// How the operations are held in flight, deterministically:
// - connect: a node:net listener on this thread with a backlog of 1. While the synchronous
//   blockOn holds this thread, Node never accepts, so once the kernel's accept queue is full it
//   drops further SYNs and those connects wait (in SYN-SENT) for as long as the blockOn runs.
// - open: opening a FIFO for reading blocks (on Node's thread pool) until someone opens it for
//   writing — which this program does only after the abort.
import { spawn } from '@tide/core';
import { CurrentThreadRuntime } from '@tide/current-thread';
import { currentIoDriver, fs, ioDriver, TcpListener, TcpStream } from '@tide/io-driver';
import { sleep, timeDriver } from '@tide/time-driver';
import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import net from 'node:net';
import { join } from 'node:path';

const dir = process.argv[2];
const fifo = join(dir, 'fifo');
execFileSync('mkfifo', [fifo]);
const CONNECTS = 6;

const server = net.createServer((socket) => socket.destroy());
await new Promise((resolve) => server.listen({ host: '127.0.0.1', port: 0, backlog: 1 }, resolve));
const { port } = server.address();

const openFds = () => readdirSync('/proc/self/fd').length;

/** Waits (2 ms sleeps, at most 20 s) until `condition()` holds; returns whether it did. */
function* waitUntil(condition) {
  const deadline = performance.now() + 20_000;
  while (!condition()) {
    if (performance.now() > deadline) return false;
    yield* sleep(2);
  }
  return true;
}

function* outcome(task) {
  try {
    return { value: yield* task };
  } catch (error) {
    return { cancelled: error.isCancelled?.() === true, error: `${error.name}: ${error.message}` };
  }
}

const rt = CurrentThreadRuntime.builder().enable(ioDriver()).enable(timeDriver()).build();
const report = rt.blockOn(function* () {
  const driver = currentIoDriver();
  // Start the reactor thread and warm it up with one connection: the thread's descriptors and
  // what Node opens once per process on a first connect belong to the baseline.
  yield* fs.stat(dir);
  const warmListener = yield* TcpListener.bind({ host: '127.0.0.1', port: 0 });
  const warmClient = yield* TcpStream.connect(warmListener.localAddr());
  (yield* warmListener.accept()).close();
  warmClient.close();
  warmListener.close();
  yield* waitUntil(() => driver.metrics().reactorHandles === 0);
  const baseline = { fds: openFds(), handles: driver.metrics().reactorHandles };

  const connects = [];
  for (let i = 0; i < CONNECTS; i++) {
    connects.push(
      spawn(function* () {
        return yield* TcpStream.connect({ host: '127.0.0.1', port });
      }),
    );
  }
  const open = spawn(function* () {
    return yield* fs.open(fifo, 'r');
  });
  // Every operation is registered in the reactor as soon as it starts, and every connect has
  // its socket in the kernel (connected, or waiting for the full accept queue) shortly after.
  const started = yield* waitUntil(
    () => driver.metrics().reactorHandles === baseline.handles + CONNECTS + 1 && openFds() >= baseline.fds + CONNECTS,
  );
  const inFlight = { fds: openFds(), handles: driver.metrics().reactorHandles, requests: driver.metrics().pendingRequests };

  for (const task of [...connects, open]) task.abort();
  const results = [];
  for (const task of [...connects, open]) results.push(yield* outcome(task));
  // A connect that completed before the abort returned its stream: close it like any other.
  for (const result of results) result.value?.close();

  // Now let the aborted open finish in the kernel: open the FIFO's write end.
  const writer = yield* fs.open(fifo, 'w');
  yield* writer.close();

  const settled = yield* waitUntil(() => driver.metrics().reactorHandles === baseline.handles && openFds() === baseline.fds);
  const metrics = driver.metrics();
  return {
    started,
    settled,
    baseline,
    inFlight,
    after: { fds: openFds(), handles: metrics.reactorHandles, requests: metrics.pendingRequests, interests: metrics.waitingInterests },
    connects: {
      cancelled: results.slice(0, CONNECTS).filter((r) => r.cancelled).length,
      connected: results.slice(0, CONNECTS).filter((r) => r.value !== undefined).length,
    },
    openCancelled: results[CONNECTS].cancelled === true,
  };
});
rt.shutdownBackground();
server.close();
console.log(JSON.stringify(report));
