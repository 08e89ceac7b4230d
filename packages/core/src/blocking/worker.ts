/**
 * The entry script of a blocking-pool worker thread (built as `dist/blocking-worker.js`).
 *
 * It receives one task at a time over its port, claims it (unless the pool cancelled it first),
 * imports the task's module to find the TaskRef, runs it (awaiting a returned promise), posts the
 * result back and unparks the runtime thread, which collects it with `receiveMessageOnPort`.
 *
 * @internal
 * @packageDocumentation
 */
import { receiveMessageOnPort, workerData } from 'node:worker_threads';
import { Handle } from '../context/handle.js';
import { Parker, unparkParker } from '../driver/parker.js';
import { describe, InvalidTaskError, NotSendableError } from '../errors.js';
import type { RuntimeHandle } from '../runtime/runtime-handle.js';
import { lookupTaskRef, resolveTaskRef, type TaskRef } from '../task/task-ref.js';
import { encodeThrown } from './error-codec.js';
import { PoolState, Status, WorkerState, type ResultMessage, type TaskMessage, type WorkerInit, type WorkerMessage } from './protocol.js';

type AnyTaskRef = TaskRef<unknown[], unknown, string>;

const init = workerData as WorkerInit;
const port = init.port;
const status = new Int32Array(init.status);
const pool = new Int32Array(init.pool);
const owner = Parker.fromShared(init.owner);
const hostWake = new Int32Array(init.hostWake);
let watcher = init.watcher === undefined ? null : new Int32Array(init.watcher);
let watchEpoch = init.watchEpoch;

/**
 * After a message: wakes whoever on the owner thread waits for it besides the runtime (see
 * `PoolState.Watching` and `HostWatching`): another runtime's loop parked synchronously there, or
 * the pool's host pump. Read after Mail was bumped, so a watch set before the pool's last look at
 * Mail is seen here.
 */
function wakeWatchers(): void {
  if (Atomics.load(pool, PoolState.Watching) !== 0) {
    const epoch = Atomics.load(pool, PoolState.WatchEpoch);
    if (epoch !== watchEpoch) {
      watchEpoch = epoch;
      // Every watcher posted before the epoch we read is on the port already: keep the last.
      for (let received = receiveMessageOnPort(init.watch); received !== undefined; received = receiveMessageOnPort(init.watch)) {
        watcher = new Int32Array(received.message as SharedArrayBuffer);
      }
    }
    if (watcher !== null) unparkParker(watcher);
  }
  if (Atomics.load(pool, PoolState.HostWatching) !== 0) unparkParker(hostWake);
}

// With a shared handle, the runtime is this thread's context for its whole life: the thread runs
// nothing but the pool's tasks, and async tasks keep the context across their awaits.
let runtime: RuntimeHandle | null = null;
if (init.shared !== undefined) {
  runtime = Handle.fromShared(init.shared);
  runtime.enter();
}

/** Posts to the pool and tells it so: the mail flags, then the runtime thread's parker. */
function send(message: WorkerMessage): void {
  port.postMessage(message);
  Atomics.store(status, Status.Mail, 1);
  Atomics.add(pool, PoolState.Mail, 1);
  owner.unpark();
  wakeWatchers();
}

// A thread that dies (process.exit in a task, an uncaught error) says so through shared memory,
// so that a runtime thread blocked in Atomics.wait learns it without its event loop.
let uncaught: unknown;
let hasUncaught = false;
process.on('uncaughtExceptionMonitor', (error) => {
  uncaught = error;
  hasUncaught = true;
});
process.on('exit', (code) => {
  try {
    port.postMessage({ kind: 'exit', code, error: hasUncaught ? encodeThrown(uncaught) : undefined } satisfies WorkerMessage);
  } catch {
    // The port is closed: the pool terminated this worker and no longer listens.
  }
  Atomics.store(status, Status.ExitCode, code);
  Atomics.store(status, Status.State, WorkerState.Exited);
  Atomics.store(status, Status.Mail, 1);
  Atomics.add(pool, PoolState.Mail, 1);
  Atomics.add(pool, PoolState.Exits, 1);
  owner.unpark();
  try {
    wakeWatchers();
  } catch {
    // The watch port is closed: the pool terminated this worker and no longer listens.
  }
});

const cache = new Map<string, AnyTaskRef>();

async function findTask(url: string, name: string): Promise<AnyTaskRef> {
  const key = `${name}@${url}`;
  let ref = cache.get(key) ?? lookupTaskRef(url, name);
  ref ??= await resolveTaskRef(url, name);
  cache.set(key, ref);
  return ref;
}

function isGeneratorFunction(fn: unknown): boolean {
  return typeof fn === 'function' && (fn.constructor as { name?: string } | undefined)?.name === 'GeneratorFunction';
}

function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return (typeof value === 'object' || typeof value === 'function') && value !== null && typeof (value as { then?: unknown }).then === 'function';
}

/** Calls the task function. A generator task runs to completion through the entered runtime's
 * `blockOn` when there is one (as if the task called `Handle.current().blockOn(task)`; given the
 * TaskRef, so a runtime that runs remote blockOns can take it), else only if it never suspends. */
function invoke(ref: AnyTaskRef, args: unknown[]): unknown {
  if (!isGeneratorFunction(ref.fn)) return ref.fn(...args);
  if (runtime !== null) return (runtime.blockOn as (task: unknown, ...args: unknown[]) => unknown)(ref, ...args);
  const gen = ref.fn(...args) as Generator<unknown, unknown, unknown>;
  const step = gen.next();
  if (step.done === true) return step.value;
  gen.return(undefined);
  throw new InvalidTaskError(
    ref.fn,
    `a synchronous function for the blocking pool: the generator task '${ref.name}' suspended, and this pool has no runtime ` +
      'to drive it (spawn it with `spawn` instead, or give the pool the runtime\'s shared handle)',
  );
}

async function run(message: TaskMessage): Promise<void> {
  // Claim the task; if the pool swapped the claim first, the task was aborted before it started.
  if (Atomics.compareExchange(status, Status.Claim, message.id, 0) !== message.id) return;
  Atomics.store(status, Status.State, WorkerState.Busy);
  let reply: ResultMessage;
  try {
    const ref = await findTask(message.url, message.name);
    let value = invoke(ref, message.args);
    if (isPromiseLike(value)) value = await value;
    reply = { kind: 'result', id: message.id, ok: true, value };
  } catch (error) {
    reply = { kind: 'result', id: message.id, ok: false, error: encodeThrown(error) };
  }
  Atomics.store(status, Status.State, WorkerState.Idle);
  try {
    send(reply);
  } catch (error) {
    // The value cannot be structured-cloned back (a function, a class with private state, …).
    const reason = new NotSendableError(
      `the blocking task '${message.name}' (${message.url}) produced a value that cannot be sent back to the runtime thread ` +
        `(${describe(error)}). Return plain data: structured-cloneable values such as objects, arrays, typed arrays, Map and Set.`,
    );
    send({ kind: 'result', id: message.id, ok: false, error: encodeThrown(reason) });
  }
}

Atomics.store(status, Status.State, WorkerState.Idle);
port.on('message', (message: TaskMessage) => void run(message));
