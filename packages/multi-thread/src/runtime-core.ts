import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort, type ResourceLimits } from 'node:worker_threads';
import {
  DeadlockError,
  DriverDisabledError,
  DriverNotDrivenError,
  EnterGuard,
  JoinError,
  NestedBlockOnError,
  NotSendableError,
  RuntimeShutdownError,
  WorkerExitedError,
  type JoinHandle,
  type RuntimeMetrics,
  type SharedHandle,
  type TaskRef,
} from '@tide/core';
import {
  BlockingPool,
  InjectQueue,
  LocalScheduler,
  Outcome,
  allocateRuntimeId,
  blockOnLoop,
  decodeThrown,
  describeThrown as describe,
  encodeThrown,
  type EncodedThrown,
  workerExecArgv,
  isDrivingOrInTask,
  registerForeignCompletions,
  toSendable,
  type Driver,
  type CommonRuntimeConfig,
  type Parker,
} from '@tide/core/driver';
import { OwnerForeignWake, type ForeignWakeHost } from './foreign-wake.js';
import { MultiThreadHandle, checkSendable, type HandleBackend } from './handle.js';
import { readMetrics } from './metrics.js';
import { C, INLINE, MAILBOX, S, SlotState, STATE_BITS, STATE_MASK, W, WorkerState } from './shared/layout.js';
import { SharedMemory } from './shared/memory.js';
import { RemoteTask, TaskOrigin, type MailboxResult, type OriginHost } from './shared/origin.js';
import { Shared } from './shared/shared.js';
import { postWithTransfer, transferListOf } from './transfer.js';
import type { HookRef, ToOwner, ToWorker, WorkerInit } from './worker/protocol.js';

type Cell = JoinHandle<unknown, string>;
type AnyTaskRef = TaskRef<unknown[], unknown, string>;

/** Settings of a multi-thread runtime, gathered by the builder. */
export interface MultiThreadConfig extends CommonRuntimeConfig {
  readonly workerThreads: number;
  readonly globalQueueInterval: number;
  readonly onThreadStart: HookRef | undefined;
  readonly onThreadStop: HookRef | undefined;
  readonly execArgv: readonly string[] | undefined;
  readonly resourceLimits: ResourceLimits | undefined;
  /** The worker script (default: `worker.js` beside this module in the package's dist). */
  readonly workerUrl?: URL | undefined;
}

/** One worker thread as the owner sees it. */
interface WorkerSlot {
  readonly index: number;
  readonly worker: Worker;
  /** The owner's end of the control channel; never started, read with receiveMessageOnPort. */
  readonly port: MessagePort;
  /** The owner's end of the watch channel (parkers to wake, see `OwnerWatch`). */
  readonly watchPort: MessagePort;
  /** The uncaught error that killed it, once known. */
  error: unknown;
  /** Set once the owner stopped using it. */
  gone: boolean;
}

const EMPTY = 0;
const PARKED = 1;
const NOTIFIED = 2;
/** How long `build()` waits for the workers to start (ms). */
const START_TIMEOUT_MS = 60_000;
/** How long the runtime must stay quiescent before a blocked `blockOn` is declared deadlocked (ms). */
const QUIESCENCE_CONFIRM_MS = 20;
/** How long shutdown waits for workers to cancel their tasks, even with a shorter timeout (ms). */
const CANCEL_GRACE_MS = 2_000;
/**
 * Longest `blockOn` looks for the result before it parks the thread (ms). The actual spin adapts
 * to the recent round trips: while they stay under {@link SPIN_WHEN_ROUND_TRIP_MS} (short tasks on
 * a quiet machine) the result is collected without a wake-up; long tasks, or a loaded machine,
 * park at once.
 */
const MAX_BLOCK_ON_SPIN_MS = 0.1;
const SPIN_WHEN_ROUND_TRIP_MS = 0.03;
const noop = (): void => {};


/**
 * The state a multi-thread runtime keeps on the thread that built it (the owner): the worker
 * threads, the shared memory, the owner's origin (the tasks it spawned), the inbox of shared
 * handles, the blocking pool, and the pump that collects results from the host event loop.
 *
 * @internal
 */
export class MultiThreadCore implements HandleBackend, OriginHost, ForeignWakeHost {
  readonly id = allocateRuntimeId();
  readonly shared: Shared;
  readonly parker: Parker;
  readonly origin: TaskOrigin;
  readonly inbox: InjectQueue;
  readonly driverNames: readonly string[];
  handle!: MultiThreadHandle<string>;
  isShutdown = false;
  private readonly parkerWords: Int32Array;
  private readonly workerUrl: URL;
  private readonly slots: (WorkerSlot | undefined)[] = [];
  private readonly mailbox = new Map<number, MailboxResult>();
  private pool: BlockingPool | undefined;
  private pumpArmed = false;
  private readonly keepAlive: ReturnType<typeof setInterval>;
  private keptAlive = false;
  private nextPin = 0;
  /** Task modules the workers were told to import. */
  private readonly preloaded = new Set<string>();
  /** Moving average of blockOn round trips (ms), for the adaptive spin. */
  private roundTrip = SPIN_WHEN_ROUND_TRIP_MS;
  /** Workers replaced after they died. */
  replacedWorkers = 0;
  /** Runs `blockOn` on this thread once the workers are gone. */
  private afterShutdown: LocalScheduler | undefined;
  /** The parker last announced to the workers as the one to wake (see {@link OwnerForeignWake}). */
  private watcherBuffer: SharedArrayBuffer | undefined;
  private unregisterForeign: () => void = noop;

  constructor(readonly config: MultiThreadConfig) {
    this.workerUrl = config.workerUrl ?? new URL('./worker.js', import.meta.url);
    if (this.workerUrl.protocol === 'file:' && !existsSync(fileURLToPath(this.workerUrl))) {
      throw new Error(
        `tide's multi-thread runtime could not find its worker script at ${this.workerUrl.href}. Worker threads load built ` +
          'JavaScript: import @tide/multi-thread from its dist (build it first), not from its TypeScript sources.',
      );
    }
    const memory = SharedMemory.create(config.workerThreads);
    this.shared = new Shared(memory.buffers);
    this.shared.heap.init();
    this.parker = this.shared.parkers[0]!;
    this.parkerWords = new Int32Array(this.parker.buffer);
    this.driverNames = config.drivers.map((f) => f.name);
    this.origin = new TaskOrigin(this.shared, 0, this, this);
    this.inbox = new InjectQueue(this.parker);
    this.keepAlive = setInterval(noop, 2 ** 30);
    this.keepAlive.unref();
    for (let w = 1; w <= config.workerThreads; w++) this.slots[w] = this.startWorker(w);
    this.awaitStart();
    // Another runtime's synchronous blockOn on this thread may join our tasks (see OwnerForeignWake).
    this.unregisterForeign = registerForeignCompletions(new OwnerForeignWake(this));
  }

  /**
   * Blocks until every worker thread is up (its start hook ran), so the runtime is warm when
   * `build()` returns and a worker that cannot start is an error here, not a task that never runs.
   */
  private awaitStart(): void {
    const control = this.shared.memory.control;
    const memory = this.shared.memory;
    const deadline = performance.now() + START_TIMEOUT_MS;
    for (;;) {
      const ready = Atomics.load(control, C.Ready);
      if (ready >= this.config.workerThreads) return;
      for (let w = 1; w <= this.config.workerThreads; w++) {
        if (Atomics.load(memory.workerBlocks, memory.workerWord(w, W.Exited)) === 0) continue;
        const slot = this.slots[w]!;
        this.readPort(slot);
        const code = Atomics.load(memory.workerBlocks, memory.workerWord(w, W.ExitCode));
        this.abandonStart();
        throw new Error(
          `tide: multi-thread worker ${w} exited with code ${code} while starting` +
            (slot.error !== undefined ? `: ${describe(slot.error)}` : '') +
            ' (check execArgv, resourceLimits and the onThreadStart task)',
          { cause: slot.error },
        );
      }
      const remaining = deadline - performance.now();
      if (remaining <= 0) {
        this.abandonStart();
        throw new Error(`tide: multi-thread workers did not start within ${START_TIMEOUT_MS} ms (an onThreadStart task that never returns?)`);
      }
      Atomics.wait(control, C.Ready, ready, Math.min(remaining, 50));
    }
  }

  private abandonStart(): void {
    this.isShutdown = true;
    Atomics.store(this.shared.memory.control, C.Status, 1);
    clearInterval(this.keepAlive);
    for (const slot of this.slots) {
      if (slot === undefined) continue;
      slot.gone = true;
      slot.port.close();
      slot.watchPort.close();
      void slot.worker.terminate().catch(noop);
    }
  }

  /** The name given on the builder. */
  get name(): string | undefined {
    return this.config.name;
  }

  // ---- RuntimeCore ----

  /** Drivers turn on the workers, not on this thread: futures that need one run inside tasks. */
  driver(name: string, enableHint?: string): Driver {
    if (this.isShutdown) throw new RuntimeShutdownError(`the '${name}' driver`);
    if (this.driverNames.includes(name)) {
      throw new DriverNotDrivenError(
        [name],
        'a multi-thread runtime turns its drivers on its worker threads, not on this one: use it inside a task ' +
          'spawned onto the runtime (rt.spawn(taskRef, ...args)).',
      );
    }
    throw new DriverDisabledError(name, enableHint);
  }

  // ---- HandleBackend ----

  /** Spawns a TaskRef onto the pool. */
  spawnRef(ref: AnyTaskRef, args: unknown[]): Cell {
    if (this.isShutdown) return this.cancelled();
    if (!this.preloaded.has(ref.url)) this.preloadEverywhere(ref.url);
    const cell = this.origin.spawn(ref.url, ref.name, args);
    this.afterSpawn();
    return cell;
  }

  /** See `RuntimeCore.spawnTask` (the free `spawn`): TaskRefs only. */
  spawnTask(task: unknown, args: unknown[]): Cell {
    checkSendable(task, 'spawn');
    return this.spawnRef(task, args);
  }

  /** Runs a TaskRef on the blocking pool (owned by this thread). */
  spawnBlockingRef(ref: AnyTaskRef, args: unknown[]): Cell {
    if (this.isShutdown) return this.cancelled();
    this.pool ??= new BlockingPool({
      maxThreads: this.config.maxBlockingThreads,
      keepAliveMs: this.config.threadKeepAliveMs,
      parker: this.parker,
      shared: () => this.share(true),
      ...(this.config.name !== undefined ? { name: this.config.name } : {}),
    });
    const cell = this.pool.spawn(this, ref, args) as Cell;
    this.afterSpawn();
    return cell;
  }

  /** Runs the task on a worker and blocks this thread until its outcome arrives. */
  blockOnRef(ref: AnyTaskRef, args: unknown[]): unknown {
    if (isDrivingOrInTask()) throw new NestedBlockOnError();
    if (this.isShutdown) {
      // No workers any more: run it here, as Tokio does after shutdown. Runtime-independent
      // futures still complete; timers and IO fail with RuntimeShutdownError.
      this.afterShutdown ??= new LocalScheduler({ runtime: this });
      return blockOnLoop(this.afterShutdown, ref, args, { eventInterval: 61, turn: () => 0, idle: () => false });
    }
    const cell = this.spawnRef(ref, args);
    cell.observed = true;
    const start = performance.now();
    const control = this.shared.memory.control;
    Atomics.store(control, C.OwnerBlocking, 1);
    let deadlocked: boolean;
    try {
      deadlocked = this.waitFor(cell, start);
    } finally {
      Atomics.store(control, C.OwnerBlocking, 0);
      this.afterBlock();
    }
    if (deadlocked && cell.outcome === Outcome.Cancelled) throw new DeadlockError(false);
    this.roundTrip = 0.75 * this.roundTrip + 0.25 * Math.min(performance.now() - start, 1);
    if (cell.outcome === Outcome.Ok) return cell.result;
    if (cell.outcome === Outcome.Panic) throw cell.result;
    throw new JoinError('cancelled', cell.id);
  }

  /**
   * Blocks until `cell` settles: collects what workers deliver, spins briefly when round trips are
   * short, parks otherwise. Returns true if the runtime went quiescent around it (nothing could
   * ever complete it) and it was aborted for that.
   */
  private waitFor(cell: Cell, start: number): boolean {
    const parker = this.parker;
    const spin = this.roundTrip < SPIN_WHEN_ROUND_TRIP_MS ? Math.min(MAX_BLOCK_ON_SPIN_MS, 2 * this.roundTrip + 0.005) : 0;
    let deadlocked = false;
    for (;;) {
      // Consume pending wake-ups first: everything they announce is looked at right after.
      Atomics.compareExchange(this.parkerWords, 0, NOTIFIED, EMPTY);
      this.turn();
      if (cell.isFinished()) return deadlocked;
      if (this.spinForEvents(start + spin)) continue;
      const quiet = deadlocked ? null : this.quiescence();
      if (quiet === null) {
        parker.park();
        continue;
      }
      // Every worker is parked with nothing of its own that could wake it, and nothing is queued:
      // make sure nothing moves for a moment, then the root can never complete (Tokio would hang).
      parker.park(QUIESCENCE_CONFIRM_MS);
      this.turn();
      if (cell.isFinished() || !this.stillQuiet(quiet)) continue;
      deadlocked = true;
      // Cancel it (its finally blocks run on its worker), then report the deadlock.
      cell.abort();
    }
  }

  /** Closures run on workers only: `NotSendableError` here (the closure cannot reach a worker). */
  spawnLocal(): never {
    throw new NotSendableError(
      'spawnLocal runs a closure on the current worker thread: call it inside a task running on a multi-thread worker ' +
        '(on the thread that built the runtime, spawn a TaskRef instead)',
    );
  }

  /** Enters the runtime's context on this thread. */
  enter(): EnterGuard {
    return new EnterGuard(this);
  }

  /** A snapshot of the runtime's counters. */
  metrics(): RuntimeMetrics {
    this.publishCounters();
    const pool = this.pool;
    return readMetrics(this.shared, {
      blockingThreads: pool?.threads ?? 0,
      idleBlockingThreads: pool?.idleThreads ?? 0,
      blockingQueueDepth: pool?.queueDepth ?? 0,
    });
  }

  /** A transferable handle whose requests arrive on this thread (`forBlockingThread`: see `InjectQueue.share`). */
  share(forBlockingThread = false): SharedHandle {
    const shared = this.inbox.share(
      { id: this.id, flavor: 'multi_thread', name: this.config.name, drivers: this.driverNames, runsRemoteBlockOn: true },
      forBlockingThread,
    );
    this.armPump();
    return shared;
  }

  // ---- InjectTarget ----

  /** Starts a task a shared handle asked for (by module URL and name: it goes on to a worker). */
  spawnByName(url: string, name: string, args: unknown[], blocking: boolean): Cell {
    const ref = { kind: 'tide.task-ref', url, name, fn: noop } as unknown as AnyTaskRef;
    return blocking ? this.spawnBlockingRef(ref, args) : this.spawnRef(ref, args);
  }

  // ---- OriginHost ----

  /**
   * Puts a queued slot on the global queue at once and wakes a parked worker if none is looking
   * for work: a spawned task starts while this thread keeps running (or blocks), as in Tokio.
   */
  publish(slot: number): void {
    this.shared.global.push(slot);
    this.shared.wakeIdle(1);
  }

  /** A live worker to pin a task to (round robin), or -1. */
  pinTarget(): number {
    const n = this.config.workerThreads;
    for (let i = 0; i < n; i++) {
      const w = (this.nextPin++ % n) + 1;
      const slot = this.slots[w];
      if (slot !== undefined && !slot.gone) return w;
    }
    return -1;
  }

  /** Posts a pinned task's arguments to its worker. */
  postPinned(worker: number, slot: number, args: unknown[]): void {
    this.post(worker, { op: 'task', slot, args });
  }

  /** A result that travelled by postMessage. */
  takeMailbox(slot: number): MailboxResult | undefined {
    let mail = this.mailbox.get(slot);
    if (mail === undefined) {
      this.readWorkerMail(true);
      mail = this.mailbox.get(slot);
    }
    if (mail !== undefined) this.mailbox.delete(slot);
    return mail;
  }

  /** A failed task that nobody joined. */
  reportUnhandled(error: JoinError): void {
    const hook = this.config.onUnhandledError;
    if (hook !== undefined) hook(error);
    else console.error(`[tide] ${error.message}`, error.cause);
  }

  // ---- ForeignWakeHost: joined from another runtime's blockOn on this thread ----

  /** The control block (the watch words). */
  get control(): Int32Array {
    return this.shared.memory.control;
  }

  /** Collects deliveries like the host-driven pump does, from another runtime's synchronous loop. */
  collect(): number {
    if (this.isShutdown) return 0;
    Atomics.compareExchange(this.parkerWords, 0, NOTIFIED, EMPTY);
    const n = this.turn();
    this.afterTurn();
    return n;
  }

  /** True if a worker delivered something to this thread that {@link collect} has not collected. */
  delivered(): boolean {
    if (this.isShutdown) return false;
    if (this.origin.ready || Atomics.load(this.parkerWords, 0) === NOTIFIED) return true;
    const memory = this.shared.memory;
    const blocks = memory.workerBlocks;
    for (let w = 1; w <= this.config.workerThreads; w++) {
      const slot = this.slots[w];
      if (slot === undefined || slot.gone) continue;
      if (Atomics.load(blocks, memory.workerWord(w, W.OwnerMail)) !== 0) return true;
      if (Atomics.load(blocks, memory.workerWord(w, W.Exited)) !== 0) return true;
    }
    return false;
  }

  /** Tells every worker that `buffer` is the parker to wake after a delivery, then bumps the epoch. */
  announce(buffer: SharedArrayBuffer): void {
    this.watcherBuffer = buffer;
    for (const slot of this.slots) if (slot !== undefined && !slot.gone) slot.watchPort.postMessage(buffer);
    Atomics.add(this.shared.memory.control, C.WatchEpoch, 1);
  }

  // ---- the owner's loop ----

  private afterSpawn(): void {
    this.armPump();
    if (!this.keptAlive) {
      this.keepAlive.ref();
      this.keptAlive = true;
    }
  }

  /**
   * Collects what other threads delivered, without waiting: completions of the owner's tasks,
   * posted results, dead workers, shared-handle requests, blocking results. Returns how much.
   */
  turn(): number {
    let n = this.origin.drain();
    n += this.readWorkerMail(false);
    n += this.inbox.drain(this);
    if (this.pool !== undefined) n += this.pool.poll();
    return n;
  }

  /**
   * The park epochs of the workers if the whole runtime is quiescent: every worker parked with
   * nothing of its own that could wake it, no task queued anywhere, nothing pending on this
   * thread. Else null.
   */
  private quiescence(): number[] | null {
    const shared = this.shared;
    const memory = shared.memory;
    const blocks = memory.workerBlocks;
    if (shared.global.length > 0 || this.origin.ready || this.origin.hasBacklog) return null;
    if (this.inbox.hasRemotes || this.mailbox.size > 0) return null;
    if (this.pool !== undefined && (this.pool.busy > 0 || this.pool.queueDepth > 0)) return null;
    const epochs: number[] = [];
    for (let w = 1; w <= this.config.workerThreads; w++) {
      if (Atomics.load(blocks, memory.workerWord(w, W.State)) !== WorkerState.Parked) return null;
      if (Atomics.load(blocks, memory.workerWord(w, W.Quiet)) !== 1) return null;
      // Woken but not yet running (a loaded machine can leave a woken thread without a core for
      // longer than the confirmation window), or control messages it has not read: not quiet.
      if (shared.isNotified(w)) return null;
      if (Atomics.load(blocks, memory.workerWord(w, W.Mail)) !== 0) return null;
      if (memory.localDepth(w) > 0) return null;
      epochs.push(Atomics.load(blocks, memory.workerWord(w, W.ParkEpoch)));
    }
    return epochs;
  }

  /** True if the runtime is still quiescent and no worker has woken since `epochs` were read. */
  private stillQuiet(epochs: readonly number[]): boolean {
    const now = this.quiescence();
    return now !== null && now.every((epoch, i) => epoch === epochs[i]);
  }

  /** Looks for events until `end` (a result is often that close). */
  private spinForEvents(end: number): boolean {
    do {
      if (this.origin.ready || Atomics.load(this.parkerWords, 0) === NOTIFIED) return true;
    } while (performance.now() < end);
    return false;
  }

  /** Arms the host-driven pump: `Atomics.waitAsync` on the owner's parker, ref'd by nothing. */
  private armPump(): void {
    if (this.pumpArmed || this.isShutdown) return;
    this.pumpArmed = true;
    const words = this.parkerWords;
    // Parker protocol: PARKED asks unparkers to notify; a pending NOTIFIED means "drain now".
    if (Atomics.compareExchange(words, 0, EMPTY, PARKED) === NOTIFIED) {
      setImmediate(this.onPump);
      return;
    }
    const wait = Atomics.waitAsync(words, 0, PARKED);
    if (wait.async) void wait.value.then(this.onPump);
    else setImmediate(this.onPump);
  }

  private readonly onPump = (): void => {
    this.pumpArmed = false;
    if (this.isShutdown) return;
    Atomics.compareExchange(this.parkerWords, 0, NOTIFIED, EMPTY);
    this.turn();
    this.afterTurn();
  };

  private afterTurn(): void {
    this.publishCounters();
    const busy = this.origin.alive > 0 || (this.pool !== undefined && (this.pool.busy > 0 || this.pool.queueDepth > 0));
    if (busy !== this.keptAlive) {
      if (busy) this.keepAlive.ref();
      else this.keepAlive.unref();
      this.keptAlive = busy;
    }
    if (busy || this.origin.inFlight > 0 || this.origin.hasBacklog || this.inbox.hasRemotes || this.mailbox.size > 0) this.armPump();
  }

  /** After a synchronous block: make sure an armed pump is still reachable by unparkers. */
  private afterBlock(): void {
    if (this.pumpArmed) {
      // The blocking park reset the parker; the pending async waiter needs PARKED to be notified.
      if (Atomics.compareExchange(this.parkerWords, 0, EMPTY, PARKED) === NOTIFIED) Atomics.notify(this.parkerWords, 0);
    }
    this.afterTurn();
  }

  private publishCounters(): void {
    const control = this.shared.memory.control;
    control[C.OwnerAlive] = this.origin.alive;
    control[C.OwnerSpawned] = this.origin.spawned;
  }

  private cancelled(): Cell {
    const cell = new RemoteTask(this, this.origin);
    cell.settle(Outcome.Cancelled, undefined);
    return cell;
  }

  // ---- workers ----

  private startWorker(index: number): WorkerSlot {
    const memory = this.shared.memory;
    const blocks = memory.workerBlocks;
    Atomics.store(blocks, memory.workerWord(index, W.Exited), 0);
    Atomics.store(blocks, memory.workerWord(index, W.ExitCode), 0);
    Atomics.store(blocks, memory.workerWord(index, W.Mail), 0);
    Atomics.store(blocks, memory.workerWord(index, W.OwnerMail), 0);
    Atomics.store(blocks, memory.workerWord(index, W.State), WorkerState.Starting);
    const { port1, port2 } = new MessageChannel();
    const watch = new MessageChannel();
    // A replacement worker learns the parker to wake like the others did: from its port.
    if (this.watcherBuffer !== undefined) watch.port1.postMessage(this.watcherBuffer);
    const config = this.config;
    const init: WorkerInit = {
      index,
      runtimeId: this.id,
      name: config.name,
      buffers: memory.buffers,
      port: port2,
      drivers: config.drivers.map(toSendable),
      driverNames: this.driverNames,
      eventInterval: config.eventInterval,
      globalQueueInterval: config.globalQueueInterval,
      maxBlockingThreads: config.maxBlockingThreads,
      threadKeepAliveMs: config.threadKeepAliveMs,
      onThreadStart: config.onThreadStart,
      onThreadStop: config.onThreadStop,
      exitWords: { exited: memory.workerWord(index, W.Exited), exitCode: memory.workerWord(index, W.ExitCode), ownerMail: memory.workerWord(index, W.OwnerMail) },
      preload: [...this.preloaded],
      watchPort: watch.port2,
      watchWords: { watching: C.Watching, epoch: C.WatchEpoch },
    };
    const execArgv = config.execArgv !== undefined ? [...config.execArgv] : workerExecArgv();
    const worker = new Worker(this.workerUrl, {
      workerData: init,
      transferList: [port2, watch.port2],
      ...(execArgv !== undefined ? { execArgv } : {}),
      ...(config.resourceLimits !== undefined ? { resourceLimits: config.resourceLimits } : {}),
      name: `${config.name ?? 'tide'}-worker-${index}`,
    });
    const slot: WorkerSlot = { index, worker, port: port1, watchPort: watch.port1, error: undefined, gone: false };
    worker.on('error', (error) => {
      slot.error ??= error;
    });
    worker.on('exit', (code) => {
      if (this.workerExited(slot, code)) this.afterTurn();
    });
    worker.unref();
    return slot;
  }

  private post(worker: number, message: ToWorker, transferList?: ArrayBuffer[]): void {
    const slot = this.slots[worker];
    if (slot === undefined || slot.gone) return;
    postWithTransfer(slot.port, message, transferList);
    Atomics.store(this.shared.memory.workerBlocks, this.shared.memory.workerWord(worker, W.Mail), 1);
    this.shared.unparkWorker(worker);
  }

  /** Tells every worker to import a task module now (first spawn of a task from it). */
  private preloadEverywhere(url: string): void {
    this.preloaded.add(url);
    for (let w = 1; w <= this.config.workerThreads; w++) this.post(w, { op: 'preload', url });
  }

  /** Reads what workers posted (results, relays, exit notices) and notices dead workers. */
  private readWorkerMail(all: boolean): number {
    const memory = this.shared.memory;
    const blocks = memory.workerBlocks;
    let n = 0;
    for (let w = 1; w <= this.config.workerThreads; w++) {
      const slot = this.slots[w];
      if (slot === undefined || slot.gone) continue;
      if (all || Atomics.load(blocks, memory.workerWord(w, W.OwnerMail)) !== 0) {
        Atomics.store(blocks, memory.workerWord(w, W.OwnerMail), 0);
        n += this.readPort(slot);
      }
      if (Atomics.load(blocks, memory.workerWord(w, W.Exited)) !== 0) {
        if (this.workerExited(slot, Atomics.load(blocks, memory.workerWord(w, W.ExitCode)))) n++;
      }
    }
    return n;
  }

  private readPort(slot: WorkerSlot): number {
    let n = 0;
    for (;;) {
      const received = receiveMessageOnPort(slot.port);
      if (received === undefined) return n;
      n++;
      const message = received.message as ToOwner | { op: 'exit'; code: number; error: EncodedThrown | undefined };
      switch (message.op) {
        case 'result':
          this.mailbox.set(message.slot, { outcome: message.outcome as Outcome, value: message.value });
          break;
        case 'relay':
          this.post(message.to, { op: 'result', slot: message.slot, outcome: message.outcome, value: message.value }, message.transfer ? transferListOf(message.value) : undefined);
          break;
        case 'exit':
          if (message.error !== undefined) slot.error ??= decodeThrown(message.error);
          break;
      }
    }
  }

  /**
   * A worker thread ended: its started tasks fail with `WorkerExitedError`, its queued tasks go
   * back to the global queue, and a replacement takes over its index. True if it was news.
   */
  private workerExited(slot: WorkerSlot, code: number): boolean {
    if (slot.gone) return false;
    // Results it posted before dying still count.
    this.readPort(slot);
    slot.gone = true;
    slot.port.close();
    slot.watchPort.close();
    slot.worker.unref();
    if (this.isShutdown || this.shared.memory.shuttingDown) return true;
    const w = slot.index;
    const shared = this.shared;
    const memory = shared.memory;
    Atomics.store(memory.workerBlocks, memory.workerWord(w, W.State), WorkerState.Dead);
    const requeued = shared.locals[w]!.drainTo(shared.global);
    this.failStarted(w, code, slot.error);
    this.replacedWorkers++;
    this.slots[w] = this.startWorker(w);
    if (requeued > 0) shared.wakeIdle(requeued);
    return true;
  }

  /** Fails every task that was running on worker `w` with a panic whose cause is WorkerExitedError. */
  private failStarted(w: number, code: number, error: unknown): void {
    const shared = this.shared;
    const memory = shared.memory;
    const cause = new WorkerExitedError(code, error === undefined ? undefined : describe(error));
    if (error !== undefined) Object.defineProperty(cause, 'cause', { value: error, writable: true, configurable: true, enumerable: false });
    const encoded = encodeThrown(cause);
    shared.encoder.encode(encoded);
    const bytes = shared.encoder.copy();
    const slots = memory.slots;
    for (let slot = 0; slot < memory.totalSlots; slot++) {
      const at = memory.word(slot, S.State);
      const word = Atomics.load(slots, at);
      if ((word & STATE_MASK) !== SlotState.Running || word >>> STATE_BITS !== w) continue;
      const origin = memory.originOf(slot);
      if (!shared.payloads.store(slot, S.ResLen, S.ResOff, bytes)) {
        slots[memory.word(slot, S.ResLen)] = MAILBOX;
        slots[memory.word(slot, S.ResOff)] = INLINE;
        if (origin === 0) this.mailbox.set(slot, { outcome: Outcome.Panic, value: encoded });
        else this.post(origin, { op: 'result', slot, outcome: Outcome.Panic, value: encoded });
      }
      slots[memory.word(slot, S.Outcome)] = Outcome.Panic;
      Atomics.store(slots, at, SlotState.Done);
      shared.completions[origin]!.push(slot);
      shared.notify(origin);
    }
  }

  // ---- shutdown ----

  /**
   * Shuts down: closes the queues and tells every worker to stop. Each worker cancels its tasks at
   * their suspension points (their `finally` blocks run), then runs its stop hook and gives its
   * blocking tasks the timeout. Unless `background`, this thread waits up to `timeoutMs` for that
   * (`Infinity`: until every worker stopped, as dropping a Tokio runtime does). A worker still
   * stopping then finishes on its own in the background, as Tokio's worker threads do after
   * `shutdown_timeout`; one still busy after {@link CANCEL_GRACE_MS} more (a task that never
   * yields) is terminated. Handles of tasks that did not report back settle as cancelled at once;
   * nothing is left that keeps Node alive.
   */
  shutdown(timeoutMs: number, background = false): void {
    if (this.isShutdown) return;
    const shared = this.shared;
    const control = shared.memory.control;
    const start = performance.now();
    this.inbox.close(this);
    Atomics.store(control, C.Status, 1);
    const live: WorkerSlot[] = [];
    for (let w = 1; w <= this.config.workerThreads; w++) {
      const slot = this.slots[w];
      if (slot === undefined || slot.gone) continue;
      live.push(slot);
      this.post(w, { op: 'shutdown', timeoutMs });
    }
    if (!background) {
      this.waitForWorkers(C.Cancelled, live, start + timeoutMs);
      this.waitForWorkers(C.Stopped, live, start + timeoutMs);
    }
    this.isShutdown = true;
    this.turn();
    const stragglers = live.filter((slot) => !slot.gone);
    for (const slot of stragglers) {
      slot.gone = true;
      slot.port.close();
      slot.watchPort.close();
      slot.worker.unref();
    }
    // A stopped worker exits by itself; one still stopping may finish its tasks' finally blocks
    // for a grace period (unref'd: it does not hold the process), then it is terminated.
    if (stragglers.length > 0) {
      const terminate = (): void => {
        for (const slot of stragglers) void slot.worker.terminate().catch(noop);
      };
      setTimeout(terminate, CANCEL_GRACE_MS).unref();
    }
    // Tasks that did not report back (queued, or on a worker that did not stop in time).
    this.origin.cancelAll();
    this.pool?.shutdown(background ? 0 : timeoutMs);
    this.pool?.poll();
    this.inbox.drain(this);
    this.inbox.dispose();
    this.unregisterForeign();
    Atomics.store(control, C.Watching, 0);
    this.publishCounters();
    clearInterval(this.keepAlive);
    this.keptAlive = false;
    if (this.pumpArmed) Atomics.notify(this.parkerWords, 0);
  }

  /** Waits (collecting what workers deliver meanwhile) until `counter` counts every live worker, or `deadline`. */
  private waitForWorkers(counter: number, live: readonly WorkerSlot[], deadline: number): void {
    const control = this.shared.memory.control;
    for (;;) {
      this.turn();
      const count = Atomics.load(control, counter);
      if (count >= live.length || live.every((slot) => slot.gone)) return;
      const remaining = deadline - performance.now();
      if (remaining <= 0) return;
      Atomics.wait(control, counter, count, Math.min(remaining, 20));
    }
  }

  /** Worker threads running now (replacements included). */
  get liveWorkers(): readonly Worker[] {
    const workers: Worker[] = [];
    for (const slot of this.slots) if (slot !== undefined && !slot.gone) workers.push(slot.worker);
    return workers;
  }
}
