import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import { assertSendableArgs } from '../context/remote-handle.js';
import { registerForeignCompletions, type ForeignCompletions } from '../driver/foreign-completions.js';
import { Parker, PARKER_EMPTY, PARKER_NOTIFIED, PARKER_PARKED } from '../driver/parker.js';
import { workerExecArgv } from '../driver/worker-exec-argv.js';
import { describe, InvalidArgumentError, InvalidTaskError, NotSendableError, ArgumentRangeError, WorkerExitedError } from '../errors.js';
import type { RuntimeCore } from '../runtime/runtime-core.js';
import type { SharedHandle } from '../runtime/shared-handle.js';
import { CountedJoinHandle, type JoinCounter } from '../task/counted-join-handle.js';
import { Outcome, type JoinHandle, type TaskOwner } from '../task/join-handle.js';
import { isTaskRef, type TaskRef } from '../task/task-ref.js';
import { decodeThrown } from './error-codec.js';
import {
  POOL_STATE_BYTES,
  PoolState,
  Status,
  STATUS_BYTES,
  WorkerState,
  type TaskMessage,
  type WorkerInit,
  type WorkerMessage,
} from './protocol.js';

type Cell = JoinHandle<unknown, string>;

/** Options of a {@link BlockingPool}. */
export interface BlockingPoolOptions {
  /** Most worker threads the pool runs at once (Tokio's `max_blocking_threads`). Default 512. */
  readonly maxThreads?: number;
  /** How long an idle thread is kept before the pool terminates it (Tokio's `thread_keep_alive`). Default 10 000 ms. */
  readonly keepAliveMs?: number;
  /** The owning runtime thread's parker: workers unpark it each time a result arrives. */
  readonly parker: Parker;
  /**
   * Called once per new worker thread for the runtime's shared handle; the worker enters it for
   * its lifetime, so `Handle.current()` works inside blocking tasks.
   */
  readonly shared?: () => SharedHandle;
  /** Used in worker thread names and messages. */
  readonly name?: string;
  /** Called after the pool settled a task (value, failure or cancellation), for the runtime's bookkeeping. */
  readonly onSettle?: (task: Cell) => void;
  /** The worker script. Default: `blocking-worker.js` beside the built pool (the package's `dist`). */
  readonly workerUrl?: URL;
}

/** A blocking task until it is settled: waiting in the queue, or dispatched to a worker. */
interface PendingTask {
  readonly cell: Cell;
  readonly url: string;
  readonly name: string;
  args: unknown[];
  /** The worker it was dispatched to, or null while queued. */
  slot: WorkerSlot | null;
}

/** One worker thread of the pool. */
interface WorkerSlot {
  readonly index: number;
  readonly worker: Worker;
  /** The pool's end of the worker's channel. Never started: drained with receiveMessageOnPort. */
  readonly port: MessagePort;
  /** Where the pool posts the parker to wake while watched (`PoolState.Watching`). */
  readonly watchPort: MessagePort;
  readonly status: Int32Array;
  /** The task the worker runs (or was sent and has not claimed yet). */
  task: PendingTask | null;
  /** The dispatch sequence number of `task`. */
  seq: number;
  /** When it last became idle (performance.now()). */
  idleSince: number;
  /** The uncaught error that killed it, once known. */
  error: unknown;
  /** Set once the pool stopped using it (exited or terminated). */
  gone: boolean;
}

const DEFAULT_MAX_THREADS = 512;
const DEFAULT_KEEP_ALIVE_MS = 10_000;

const noop = (): void => {};
/** The longest host timer delay (a keep-alive that never fires in practice). */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * The blocking thread pool shared by both runtime flavors: `spawnBlocking(taskRef, ...args)` runs
 * a synchronous (or promise-returning) TaskRef on a worker thread, so CPU-heavy or blocking code
 * does not stall the runtime.
 *
 * - Threads are started on demand, one only when no idle thread exists, up to `maxThreads`; the
 *   queue beyond that is unbounded. An idle thread is terminated after `keepAliveMs`.
 * - Results come back over one MessagePort per worker, which the worker follows by unparking the
 *   runtime's parker; the runtime collects them with {@link BlockingPool.poll} from its loop, so
 *   this works while it is blocked in `Atomics.wait` inside a synchronous `blockOn`.
 * - `abort()` cancels a task that has not started; a started one runs to the end (as in Tokio).
 * - A thread that dies (process.exit, an uncaught error) fails its task with a panic whose cause
 *   is {@link WorkerExitedError}; later tasks get a new thread.
 * - Its results reach the owner thread however that thread waits: the owning runtime's loop (the
 *   parker above); another runtime's synchronous `blockOn` there that joins one of the pool's
 *   handles (the pool is a `ForeignCompletions` source of that thread: that loop collects its
 *   results, and while it parks, workers unpark its parker too); or, while a join is pending, the
 *   host event loop (a pump on a private parker, for another runtime's host-driven `run()`).
 *   The same pump serves host code that awaits a pending handle (`await handle`, with nobody
 *   driving the runtime): it settles the handle, and only the pool's own handles.
 * - The pool never keeps the process alive by itself: threads are unref'd and the ports are never
 *   started (a host-driven runtime that awaits a blocking task keeps the process alive itself).
 *   The one exception is host code awaiting a handle: a ref'd host timer keeps the process alive
 *   until every awaited handle settled. After {@link BlockingPool.shutdown} nothing is left.
 *
 * Flavor authors own one per runtime; application code uses `spawnBlocking`.
 */
export class BlockingPool implements TaskOwner {
  private readonly maxThreads: number;
  private readonly keepAliveMs: number;
  private readonly parker: Parker;
  private readonly sharedFactory: (() => SharedHandle) | undefined;
  private readonly name: string;
  private readonly onSettle: ((task: Cell) => void) | undefined;
  private readonly workerUrl: URL;
  private workerChecked = false;

  private readonly poolBuffer = new SharedArrayBuffer(POOL_STATE_BYTES);
  private readonly poolState = new Int32Array(this.poolBuffer);
  private readonly slots = new Set<WorkerSlot>();
  /** Idle workers, oldest first: new work takes the newest, the oldest expire. */
  private readonly idle: WorkerSlot[] = [];
  /** FIFO of queued tasks; aborted ones are settled and skipped lazily. */
  private queue: PendingTask[] = [];
  private queueHead = 0;
  private queued = 0;
  private running = 0;
  private readonly pending = new Map<Cell, PendingTask>();
  private nextSeq = 1;
  private nextIndex = 1;
  private closed = false;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private timerAt = Infinity;
  /** Tasks on the owner thread waiting for one of the pool's handles (see {@link CountedJoinHandle}). */
  private joins = 0;
  /**
   * Counts the joins of the pool's handles: a task joining one arms the host pump (another
   * runtime's host-driven loop may be what waits); host code awaiting one also keeps the process
   * alive until it settles (as a Tokio `spawn_blocking` handle completes whether or not its
   * runtime is driven).
   */
  private readonly joinCount: JoinCounter = {
    joined: () => {
      this.joins++;
      this.armHostPump();
    },
    left: () => {
      this.joins--;
    },
    hostJoined: () => {
      if (this.hostJoins++ === 0) this.hostKeepAlive = setInterval(noop, MAX_TIMER_MS);
      this.armHostPump();
    },
    hostLeft: () => {
      if (--this.hostJoins === 0) {
        clearInterval(this.hostKeepAlive);
        this.hostKeepAlive = undefined;
      }
    },
  };
  /** Handles host code awaits (`then`) that have not settled. */
  private hostJoins = 0;
  /** Ref'd while `hostJoins > 0`: nothing else keeps the event loop (and so the pump) alive. */
  private hostKeepAlive: ReturnType<typeof setInterval> | undefined;
  /** The parker last posted to the workers as the one to wake while watched. */
  private watcher: Parker | undefined;
  /** Unparked by workers while `HostWatching`: the host pump waits on it. */
  private readonly hostWake = new Parker();
  private readonly hostWakeWords = new Int32Array(this.hostWake.buffer);
  private hostPumpArmed = false;
  private unregisterForeign: (() => void) | undefined;
  /** This pool as a {@link ForeignCompletions} source of its owner thread. */
  private readonly foreign: ForeignCompletions = ((pool: BlockingPool): ForeignCompletions => ({
    get awaited(): boolean {
      return pool.joins > 0;
    },
    drain: () => pool.collect(),
    watch: (parker) => pool.watch(parker),
    unwatch: () => void Atomics.store(pool.poolState, PoolState.Watching, 0),
  }))(this);

  /** @param options - see {@link BlockingPoolOptions}. */
  constructor(options: BlockingPoolOptions) {
    const { maxThreads = DEFAULT_MAX_THREADS, keepAliveMs = DEFAULT_KEEP_ALIVE_MS } = options;
    if (!Number.isInteger(maxThreads) || maxThreads < 1) {
      throw new ArgumentRangeError(`BlockingPool: maxThreads must be a positive integer, got ${String(maxThreads)}`);
    }
    if (typeof keepAliveMs !== 'number' || Number.isNaN(keepAliveMs) || keepAliveMs < 0) {
      throw new ArgumentRangeError(`BlockingPool: keepAliveMs must be a non-negative number of milliseconds, got ${String(keepAliveMs)}`);
    }
    if (options.parker === undefined || !(options.parker.buffer instanceof SharedArrayBuffer)) {
      throw new InvalidArgumentError('BlockingPool: the parker option (the runtime thread\'s Parker) is required');
    }
    this.maxThreads = maxThreads;
    this.keepAliveMs = keepAliveMs;
    this.parker = options.parker;
    this.sharedFactory = options.shared;
    this.name = options.name ?? 'tide';
    this.onSettle = options.onSettle;
    this.workerUrl = options.workerUrl ?? new URL('./blocking-worker.js', import.meta.url);
  }

  /** Worker threads alive, busy or idle. */
  get threads(): number {
    return this.slots.size;
  }

  /** Worker threads waiting for work. */
  get idleThreads(): number {
    return this.idle.length;
  }

  /** Tasks waiting for a thread. */
  get queueDepth(): number {
    return this.queued;
  }

  /** Tasks handed to a thread and not finished (the time driver does not auto-advance a paused clock while this is > 0). */
  get busy(): number {
    return this.running;
  }

  /** True once {@link BlockingPool.shutdown} was called. */
  get isShutdown(): boolean {
    return this.closed;
  }

  /**
   * Queues `ref(...args)` for a worker thread and returns its join handle. Throws at the call if
   * `ref` is not a TaskRef or an argument cannot be structured-cloned. After shutdown the handle
   * is already cancelled.
   */
  spawn<A extends unknown[], T>(runtime: RuntimeCore, ref: TaskRef<A, T, string>, args: A): JoinHandle<Awaited<T>> {
    checkTaskRef(ref);
    const argv: unknown[] = args ?? [];
    if (!Array.isArray(argv)) throw new InvalidArgumentError(`spawnBlocking(${ref.name}): the arguments must be an array`);
    const cell = new CountedJoinHandle<Awaited<T>, never>(runtime, this, this.joinCount);
    if (this.closed) {
      assertSendableArgs(argv, `spawnBlocking(${ref.name})`);
      this.settle(cell, Outcome.Cancelled, undefined);
      return cell;
    }
    // Registered on the thread that spawns (the owner): its loops may join this pool's handles.
    this.unregisterForeign ??= registerForeignCompletions(this.foreign);
    const task: PendingTask = { cell: cell, url: ref.url, name: ref.name, args: argv, slot: null };
    const slot = this.idle.pop() ?? (this.slots.size < this.maxThreads ? this.startWorker() : undefined);
    if (slot !== undefined) {
      try {
        this.dispatch(slot, task);
      } catch (error) {
        this.makeIdle(slot);
        assertSendableArgs(argv, `spawnBlocking(${ref.name})`);
        throw error;
      }
    } else {
      // Queued: take a copy now, as the call's arguments are "moved" into the task; it also
      // proves they can be sent, so a failure is reported here and not when a thread frees up.
      try {
        task.args = structuredClone(argv);
      } catch (error) {
        assertSendableArgs(argv, `spawnBlocking(${ref.name})`);
        throw error;
      }
      this.queue.push(task);
      this.queued++;
    }
    this.pending.set(cell, task);
    if (this.idle.length > 0) this.reapIdle(performance.now());
    return cell;
  }

  /**
   * Collects finished tasks: settles their join handles (which wakes their joiners), hands
   * queued tasks to the threads that freed up, notices threads that died and terminates
   * threads idle for longer than the keep-alive. Call it from the runtime loop after the parker
   * was unparked. Returns how many tasks it settled. Never blocks.
   */
  poll(): number {
    if (this.slots.size === 0) return 0;
    let settled = 0;
    if (Atomics.load(this.poolState, PoolState.Mail) !== 0) {
      Atomics.store(this.poolState, PoolState.Mail, 0);
      for (const slot of this.slots) {
        if (Atomics.load(slot.status, Status.Mail) !== 0) settled += this.drain(slot);
      }
    }
    if (Atomics.load(this.poolState, PoolState.Exits) !== 0) {
      Atomics.store(this.poolState, PoolState.Exits, 0);
      for (const slot of [...this.slots]) {
        if (Atomics.load(slot.status, Status.State) === WorkerState.Exited) {
          settled += this.workerGone(slot, Atomics.load(slot.status, Status.ExitCode));
        }
      }
    }
    if (this.idle.length > 0) this.reapIdle(performance.now());
    return settled;
  }

  /**
   * Requests cancellation of a blocking task: a task that has not started is removed and settles
   * as cancelled; a started one keeps running (as in Tokio). Called by `JoinHandle.abort()`.
   */
  abortTask(cell: Cell): void {
    const task = this.pending.get(cell);
    if (task === undefined) return;
    const slot = task.slot;
    if (slot === null) {
      this.queued--;
      this.pending.delete(cell);
      this.settle(cell, Outcome.Cancelled, undefined);
      return;
    }
    if (this.unclaim(slot)) {
      this.release(slot);
      this.next(slot);
      this.settle(cell, Outcome.Cancelled, undefined);
    }
  }

  /**
   * Shuts the pool down: cancels every queued task, waits up to `timeoutMs` (synchronously, on
   * the parker) for the running ones to finish and delivers their results, then terminates every
   * thread; tasks still running then settle as cancelled. `shutdown(0)` returns at once. Later
   * `spawn` calls return handles that are already cancelled. Calling it again does nothing.
   */
  shutdown(timeoutMs = 0): void {
    if (this.closed) return;
    if (typeof timeoutMs !== 'number' || Number.isNaN(timeoutMs) || timeoutMs < 0) {
      throw new ArgumentRangeError(`BlockingPool.shutdown: timeoutMs must be a non-negative number, got ${String(timeoutMs)}`);
    }
    this.closed = true;
    this.clearTimer();
    this.cancelQueued();
    for (const slot of this.slots) {
      if (slot.task !== null && this.unclaim(slot)) {
        const cell = slot.task.cell;
        this.release(slot);
        this.settle(cell, Outcome.Cancelled, undefined);
      }
    }
    const deadline = performance.now() + timeoutMs;
    let consumed = false;
    this.poll();
    while (this.running > 0) {
      const remaining = deadline - performance.now();
      if (remaining <= 0) break;
      if (this.parker.park(remaining)) consumed = true;
      this.poll();
    }
    for (const slot of [...this.slots]) {
      const task = slot.task;
      if (task !== null) this.release(slot);
      this.terminate(slot);
      if (task !== null) this.settle(task.cell, Outcome.Cancelled, undefined);
    }
    this.idle.length = 0;
    // A wake-up we took while waiting may have been meant for the runtime: pass it on.
    if (consumed) this.parker.unpark();
    this.unregisterForeign?.();
    // Every handle is settled: release the host pump's wait, if any.
    Atomics.store(this.poolState, PoolState.HostWatching, 0);
    this.hostWake.unpark();
  }

  // ---- results for other runtimes' loops on the owner thread ----

  /** Collects results if any arrived, without waiting (the foreign source's `drain`). */
  private collect(): number {
    if (this.slots.size === 0) return 0;
    if (Atomics.load(this.poolState, PoolState.Mail) === 0 && Atomics.load(this.poolState, PoolState.Exits) === 0) return 0;
    return this.poll();
  }

  /**
   * Another runtime's loop is about to park synchronously on `parker` (already PARKED) while a
   * task on this thread joins one of ours: workers must unpark it too. Returns true if results
   * arrived meanwhile (collected here, which wakes their joiners).
   */
  private watch(parker: Parker): boolean {
    // The owning runtime parks on the parker workers unpark anyway.
    if (parker === this.parker || this.closed) return false;
    if (parker !== this.watcher) {
      this.watcher = parker;
      for (const slot of this.slots) slot.watchPort.postMessage(parker.buffer);
      Atomics.add(this.poolState, PoolState.WatchEpoch, 1);
    }
    // Publish the watch, then look (workers bump Mail, then read Watching): no result is missed.
    Atomics.store(this.poolState, PoolState.Watching, 1);
    return this.collect() > 0;
  }

  /**
   * A task on this thread started waiting for one of our handles, or host code awaits one: while
   * the thread's event loop runs (another runtime's `run()`, or nobody's), nobody else may poll
   * this pool, so wait for results on a private parker and collect them from the event loop until
   * no join is pending.
   */
  private armHostPump(): void {
    if (this.hostPumpArmed || this.closed) return;
    this.hostPumpArmed = true;
    Atomics.store(this.poolState, PoolState.HostWatching, 1);
    const words = this.hostWakeWords;
    // Parker protocol: PARKED asks unparkers to notify; NOTIFIED means a result came meanwhile.
    const was = Atomics.compareExchange(words, 0, PARKER_EMPTY, PARKER_PARKED);
    if (was === PARKER_NOTIFIED || Atomics.load(this.poolState, PoolState.Mail) !== 0 || Atomics.load(this.poolState, PoolState.Exits) !== 0) {
      setImmediate(this.onHostPump);
      return;
    }
    // Ref'd by nothing: a runtime that waits for the join keeps the process alive itself.
    const wait = Atomics.waitAsync(words, 0, PARKER_PARKED);
    if (wait.async) void wait.value.then(this.onHostPump);
    else setImmediate(this.onHostPump);
  }

  private readonly onHostPump = (): void => {
    this.hostPumpArmed = false;
    Atomics.store(this.hostWakeWords, 0, PARKER_EMPTY);
    if (this.closed) return;
    this.poll();
    if (this.joins > 0 || this.hostJoins > 0) this.armHostPump();
    else Atomics.store(this.poolState, PoolState.HostWatching, 0);
  };

  // ---- internals ----

  private startWorker(): WorkerSlot {
    if (!this.workerChecked) {
      if (this.workerUrl.protocol === 'file:' && !existsSync(fileURLToPath(this.workerUrl))) {
        throw new Error(
          `tide's blocking pool could not find its worker script at ${this.workerUrl.href}. Worker threads load built ` +
            'JavaScript: import @tide/core from its dist (build it first), not from its TypeScript sources.',
        );
      }
      this.workerChecked = true;
    }
    const index = this.nextIndex++;
    const { port1, port2 } = new MessageChannel();
    const watch = new MessageChannel();
    const statusBuffer = new SharedArrayBuffer(STATUS_BYTES);
    const shared = this.sharedFactory?.();
    const init: WorkerInit = {
      port: port2,
      status: statusBuffer,
      pool: this.poolBuffer,
      owner: this.parker.buffer,
      watch: watch.port2,
      watcher: this.watcher?.buffer,
      watchEpoch: Atomics.load(this.poolState, PoolState.WatchEpoch),
      hostWake: this.hostWake.buffer,
      shared,
    };
    const transferList: MessagePort[] = [port2, watch.port2];
    if (shared !== undefined) transferList.push(shared.port);
    const worker = new Worker(this.workerUrl, {
      workerData: init,
      transferList,
      execArgv: workerExecArgv(),
      name: `${this.name}-blocking-${index}`,
    });
    const slot: WorkerSlot = {
      index,
      worker,
      port: port1,
      watchPort: watch.port1,
      status: new Int32Array(statusBuffer),
      task: null,
      seq: 0,
      idleSince: 0,
      error: undefined,
      gone: false,
    };
    worker.on('error', (error) => {
      slot.error ??= error;
    });
    // When the runtime thread's event loop runs, this notices a death even without a poll.
    worker.on('exit', (code) => {
      if (slot.gone) return;
      if (this.workerGone(slot, code) > 0) this.parker.unpark();
    });
    worker.unref();
    port1.unref();
    watch.port1.unref();
    this.slots.add(slot);
    return slot;
  }

  /** Hands `task` to `slot`. Throws (with the slot left untouched) if the message cannot be posted. */
  private dispatch(slot: WorkerSlot, task: PendingTask): void {
    const seq = this.nextSeq;
    this.nextSeq = seq === 0x7fffffff ? 1 : seq + 1;
    Atomics.store(slot.status, Status.Claim, seq);
    const message: TaskMessage = { id: seq, url: task.url, name: task.name, args: task.args };
    try {
      slot.port.postMessage(message);
    } catch (error) {
      Atomics.store(slot.status, Status.Claim, 0);
      throw error;
    }
    slot.task = task;
    slot.seq = seq;
    task.slot = slot;
    task.args = [];
    this.running++;
  }

  /** Takes back a dispatched task the worker has not started. True if it was not started. */
  private unclaim(slot: WorkerSlot): boolean {
    return slot.seq !== 0 && Atomics.compareExchange(slot.status, Status.Claim, slot.seq, 0) === slot.seq;
  }

  /** Detaches the slot's task (it is settled by the caller). */
  private release(slot: WorkerSlot): void {
    const task = slot.task;
    if (task === null) return;
    slot.task = null;
    slot.seq = 0;
    task.slot = null;
    this.pending.delete(task.cell);
    this.running--;
  }

  /** The slot is free: give it the next queued task, or let it idle. */
  private next(slot: WorkerSlot): void {
    if (slot.task !== null) this.release(slot);
    for (;;) {
      const task = this.dequeue();
      if (task === undefined) break;
      try {
        this.dispatch(slot, task);
        return;
      } catch (error) {
        // Not expected (the arguments were cloned when queued), but never lose the task silently.
        this.pending.delete(task.cell);
        this.settle(task.cell, Outcome.Panic, new NotSendableError(`spawnBlocking(${task.name}): the task could not be sent to a worker thread (${describe(error)})`, { cause: error }));
      }
    }
    this.makeIdle(slot);
  }

  private makeIdle(slot: WorkerSlot): void {
    if (slot.gone) return;
    slot.idleSince = performance.now();
    this.idle.push(slot);
    if (this.closed) return;
    this.armTimer(slot.idleSince + this.keepAliveMs);
  }

  private dequeue(): PendingTask | undefined {
    while (this.queueHead < this.queue.length) {
      const task = this.queue[this.queueHead]!;
      this.queue[this.queueHead++] = undefined as unknown as PendingTask;
      if (this.queueHead > 1024 && this.queueHead * 2 > this.queue.length) {
        this.queue = this.queue.slice(this.queueHead);
        this.queueHead = 0;
      }
      if (task.cell.isFinished()) continue; // aborted while queued
      this.queued--;
      return task;
    }
    return undefined;
  }

  private cancelQueued(): void {
    const queue = this.queue;
    const head = this.queueHead;
    this.queue = [];
    this.queueHead = 0;
    this.queued = 0;
    for (let i = head; i < queue.length; i++) {
      const task = queue[i]!;
      if (task.cell.isFinished()) continue;
      this.pending.delete(task.cell);
      this.settle(task.cell, Outcome.Cancelled, undefined);
    }
  }

  /** Receives every message the worker posted. Returns how many tasks it settled. */
  private drain(slot: WorkerSlot): number {
    Atomics.store(slot.status, Status.Mail, 0);
    let settled = 0;
    for (;;) {
      const received = receiveMessageOnPort(slot.port);
      if (received === undefined) return settled;
      settled += this.onMessage(slot, received.message as WorkerMessage);
    }
  }

  private onMessage(slot: WorkerSlot, message: WorkerMessage): number {
    if (message.kind === 'exit') {
      if (message.error !== undefined) slot.error ??= decodeThrown(message.error);
      return 0;
    }
    const task = slot.task;
    if (task === null || message.id !== slot.seq) return 0; // a task cancelled before it started
    const cell = task.cell;
    const ok = message.ok;
    const result = message.ok ? message.value : decodeThrown(message.error);
    this.next(slot);
    return this.settle(cell, ok ? Outcome.Ok : Outcome.Panic, result) ? 1 : 0;
  }

  /** The worker thread ended (seen through shared memory or the 'exit' event). Returns tasks settled. */
  private workerGone(slot: WorkerSlot, code: number): number {
    if (slot.gone) return 0;
    // Results it posted before dying still count.
    let settled = this.drain(slot);
    slot.gone = true;
    this.slots.delete(slot);
    const at = this.idle.indexOf(slot);
    if (at >= 0) this.idle.splice(at, 1);
    slot.port.close();
    slot.watchPort.close();
    slot.worker.unref();
    const task = slot.task;
    if (task !== null) {
      this.release(slot);
      const detail = slot.error === undefined ? undefined : describe(slot.error);
      const cause = new WorkerExitedError(code, detail);
      if (slot.error !== undefined) Object.defineProperty(cause, 'cause', { value: slot.error, writable: true, configurable: true, enumerable: false });
      if (this.settle(task.cell, Outcome.Panic, cause)) settled++;
    }
    // Replace it: queued work gets a thread.
    if (!this.closed) this.fillFromQueue();
    return settled;
  }

  private fillFromQueue(): void {
    while (this.queued > 0) {
      const slot = this.idle.pop() ?? (this.slots.size < this.maxThreads ? this.startWorker() : undefined);
      if (slot === undefined) return;
      this.next(slot);
    }
  }

  private terminate(slot: WorkerSlot): void {
    if (slot.gone) return;
    slot.gone = true;
    this.slots.delete(slot);
    slot.port.close();
    slot.watchPort.close();
    slot.worker.unref();
    slot.worker.terminate().catch(noop);
  }

  /** Terminates threads idle for at least the keep-alive, oldest first. */
  private reapIdle(now: number): void {
    while (this.idle.length > 0 && now - this.idle[0]!.idleSince >= this.keepAliveMs) {
      this.terminate(this.idle.shift()!);
    }
    if (this.idle.length > 0 && !this.closed) this.armTimer(this.idle[0]!.idleSince + this.keepAliveMs);
  }

  /** An unref'd timer, so idle threads also expire while the host event loop runs. */
  private armTimer(at: number): void {
    if (!Number.isFinite(at) || at >= this.timerAt) return;
    this.clearTimer();
    this.timerAt = at;
    this.timer = setTimeout(this.onTimer, Math.max(0, Math.ceil(at - performance.now())));
    this.timer.unref();
  }

  private clearTimer(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.timerAt = Infinity;
  }

  private readonly onTimer = (): void => {
    this.timer = undefined;
    this.timerAt = Infinity;
    if (!this.closed) this.poll();
    if (this.idle.length > 0 && !this.closed) this.reapIdle(performance.now());
  };

  private settle(cell: Cell, outcome: Outcome, result: unknown): boolean {
    this.pending.delete(cell);
    if (!cell.settle(outcome, result)) return false;
    this.onSettle?.(cell);
    return true;
  }
}

function checkTaskRef(ref: unknown): asserts ref is TaskRef<unknown[], unknown, string> {
  if (isTaskRef(ref)) return;
  if (typeof ref === 'function') {
    throw new NotSendableError(
      `spawnBlocking needs a TaskRef, got ${describe(ref)}: a function cannot be sent to a worker thread. ` +
        'Declare it at the top level of a module with `export const task = defineTask(import.meta.url, \'name\', fn)` and pass that.',
    );
  }
  throw new InvalidTaskError(ref, 'a TaskRef for spawnBlocking (declare the task with `defineTask(import.meta.url, name, fn)` and export it)');
}
