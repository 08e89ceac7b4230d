import { receiveMessageOnPort, type MessagePort } from 'node:worker_threads';
import {
  DriverDisabledError,
  EnterGuard,
  InvalidTaskError,
  NestedBlockOnError,
  NotSendableError,
  RuntimeShutdownError,
  isTaskRef,
  type JoinError,
  type JoinHandle,
  type RuntimeMetrics,
  type SharedHandle,
  type TaskRef,
  type Waker,
} from '@tide/core';
import {
  BlockingPool,
  InjectQueue,
  LocalScheduler,
  Outcome,
  blockOnLoop,
  describeThrown as describe,
  encodeThrown,
  lookupTaskRef,
  resolveTaskRef,
  type Driver,
  type DriverFactory,
  type Parker,
} from '@tide/core/driver';
import { MultiThreadHandle, checkSendable, type HandleBackend } from '../handle.js';
import { readMetrics } from '../metrics.js';
import type { LocalQueue } from '../queue/local-queue.js';
import { Uncodable } from '../shared/codec.js';
import {
  C,
  INLINE,
  LOCAL_QUEUE_CAPACITY,
  M,
  MAILBOX,
  S,
  SlotState,
  STATE_MASK,
  W,
  WorkerState,
  runningState,
} from '../shared/layout.js';
import { RemoteTask, TaskOrigin, type MailboxResult, type OriginHost } from '../shared/origin.js';
import { Shared } from '../shared/shared.js';
import { postWithTransfer, takeTransferList } from '../transfer.js';
import type { OwnerWatch } from './owner-watch.js';
import type { HookRef, ToOwner, ToWorker, WorkerInit } from './protocol.js';

type Cell = JoinHandle<unknown, string>;
type TaskFn = (...args: unknown[]) => unknown;
type AnyTaskRef = TaskRef<unknown[], unknown, string>;

/**
 * Longest an idle worker keeps looking for work before it parks (ms). The actual spin adapts to
 * the recent gaps between going idle and the next piece of work: a worker spins only while work
 * keeps arriving within {@link SPIN_WHEN_GAP_MS} (a request / reply pattern such as a loop of
 * `blockOn` calls on a quiet machine). When work comes rarely, or the machine is so loaded that
 * wake-ups are slow anyway (a spinning thread would then only take CPU from the others), it parks
 * at once, so an idle runtime costs no CPU.
 */
const MAX_SPIN_MS = 0.05;
const SPIN_WHEN_GAP_MS = 0.02;
/** How often a worker whose aborted async tasks have not returned yet looks whether they have (ms). */
const LINGER_RECHECK_MS = 10;
/** Longest synchronous slice while async tasks or host IO wait for the event loop (ms). */
const SLICE_MS = 2;

/** How often a worker that stays busy publishes its busy time (ms). */
const METRICS_MS = 50;

/** Settles the shared-task side when the local task that runs it finishes. */
class CompletionWaker implements Waker {
  constructor(
    private readonly core: WorkerCore,
    private readonly slot: number,
    private readonly cell: Cell,
  ) {}
  wake(): void {
    if (!this.cell.isFinished()) {
      this.cell.joinWaker = this;
      return;
    }
    this.core.finishShared(this.slot, this.cell);
  }
}

/**
 * One worker thread of a multi-thread runtime: a {@link LocalScheduler} driven by this thread's
 * event loop, its own drivers, and the shared queues. It runs tasks from its LIFO slot, its local
 * queue and the global queue (every `globalQueueInterval` ticks first, for fairness), steals half
 * of the busiest local queue when it has nothing, spins briefly, and then parks: synchronously
 * with `Atomics.wait` when nothing else can happen on this thread, else with
 * `Atomics.waitAsync` so async tasks and Node IO keep running.
 *
 * @internal
 */
export class WorkerCore implements HandleBackend, OriginHost {
  readonly id: number;
  readonly name: string | undefined;
  readonly index: number;
  readonly shared: Shared;
  readonly parker: Parker;
  readonly scheduler: LocalScheduler;
  readonly origin: TaskOrigin;
  readonly handle: MultiThreadHandle<string>;
  readonly driverNames: readonly string[];
  private readonly drivers: Driver[] = [];
  private readonly driverByName = new Map<string, Driver>();
  private readonly port: MessagePort;
  private readonly local: LocalQueue;
  private readonly init: WorkerInit;
  private readonly running = new Map<number, Cell>();
  private readonly fns: (TaskFn | undefined)[] = [];
  private readonly mailbox = new Map<number, MailboxResult>();
  private readonly pinned: { slot: number; args: unknown[] }[] = [];
  /** Shared tasks that finished and are not reported yet: slot, cell, slot, cell, … */
  private readonly finished: (number | Cell)[] = [];
  private readonly scratch = new Int32Array(LOCAL_QUEUE_CAPACITY + 1);
  private readonly inbox: InjectQueue;
  private readonly blocks: Int32Array;
  private readonly stateAt: number;
  private readonly maxSearching: number;
  private pool: BlockingPool | undefined;
  private ticks = 0;
  private picks = 0;
  private steps = 0;
  private lifoRuns = 0;
  private abortEpoch = 0;
  private pendingImports = 0;
  private baselineResources = 1;
  private sliceScheduled = false;
  private busyMs = 0;
  /** Moving average of idle gaps (ms), for the adaptive spin. */
  private idleGap = SPIN_WHEN_GAP_MS;
  private parks = 0;
  private unparks = 0;
  private steals = 0;
  private localSpawned = 0;
  /** True while the loop runs synchronously (wakes from inside need no unpark). */
  private inSlice = false;
  /** False until the start hook finished: no shared task is taken before. */
  private ready = false;
  /** True once shutdown began. */
  private stopped = false;
  /** True once the drivers were shut down. */
  private driversShut = false;

  constructor(init: WorkerInit, factories: readonly DriverFactory[], ownerWatch: OwnerWatch) {
    this.init = init;
    this.id = init.runtimeId;
    this.name = init.name;
    this.index = init.index;
    this.port = init.port;
    this.shared = new Shared(init.buffers);
    this.shared.ownerWatch = ownerWatch;
    this.parker = this.shared.parkers[init.index]!;
    this.local = this.shared.locals[init.index]!;
    this.blocks = this.shared.memory.workerBlocks;
    this.stateAt = this.shared.memory.workerWord(init.index, W.State);
    this.maxSearching = Math.max(1, Math.floor(this.shared.memory.workers / 2));
    this.driverNames = init.driverNames;
    this.handle = new MultiThreadHandle<string>(this);
    this.scheduler = new LocalScheduler({
      runtime: this,
      // A task woken from host code (an async task's continuation) while the worker waits.
      onSchedule: () => {
        if (!this.inSlice) this.kick();
      },
      onUnhandledError: (error) => this.reportUnhandled(error),
    });
    this.origin = new TaskOrigin(this.shared, init.index, this, this);
    this.inbox = new InjectQueue(this.parker);
    this.abortEpoch = Atomics.load(this.blocks, this.shared.memory.workerWord(init.index, W.AbortEpoch));
    const cx = {
      parker: this.parker,
      flavor: 'multi_thread' as const,
      runtimeId: this.id,
      requestTurn: () => {
        if (!this.inSlice) this.kick();
      },
    };
    for (const factory of factories) {
      const driver = factory.create(cx);
      this.drivers.push(driver);
      this.driverByName.set(factory.name, driver);
    }
  }

  /** Starts serving: runs the start hook, then the loop. */
  start(): void {
    this.port.on('message', (message: ToWorker) => this.onControl(message));
    this.baselineResources = process.getActiveResourcesInfo().length;
    for (const url of this.init.preload) this.preload(url);
    const hook = this.init.onThreadStart;
    if (hook !== undefined) {
      void this.runHook(hook).then(
        () => this.begin(),
        (error: unknown) => {
          console.error(`[tide] the onThreadStart task '${hook.name}' failed on worker ${this.index}`, error);
          this.begin();
        },
      );
      return;
    }
    this.begin();
  }

  private begin(): void {
    this.ready = true;
    Atomics.store(this.blocks, this.stateAt, WorkerState.Running);
    const control = this.shared.memory.control;
    Atomics.add(control, C.Ready, 1);
    Atomics.notify(control, C.Ready);
    this.scheduleSlice();
  }

  // ---- RuntimeCore / HandleBackend ----

  /** See `RuntimeCore.driver`. */
  driver(name: string, enableHint?: string): Driver {
    if (this.driversShut) throw new RuntimeShutdownError(`the '${name}' driver`);
    const driver = this.driverByName.get(name);
    if (driver === undefined) throw new DriverDisabledError(name, enableHint);
    return driver;
  }

  /** Spawns a TaskRef onto the runtime (this worker's LIFO slot first). */
  spawnRef(ref: AnyTaskRef, args: unknown[]): Cell {
    if (this.stopped) return this.cancelled();
    return this.origin.spawn(ref.url, ref.name, args);
  }

  /** See `RuntimeCore.spawnTask` (the free `spawn`): TaskRefs only. */
  spawnTask(task: unknown, args: unknown[]): Cell {
    checkSendable(task, 'spawn');
    return this.spawnRef(task, args);
  }

  /** Runs a TaskRef on this worker's blocking pool. */
  spawnBlockingRef(ref: AnyTaskRef, args: unknown[]): Cell {
    if (this.stopped) return this.cancelled();
    this.pool ??= new BlockingPool({
      maxThreads: this.init.maxBlockingThreads,
      keepAliveMs: this.init.threadKeepAliveMs,
      parker: this.parker,
      shared: () => this.share(true),
      name: `${this.name ?? 'tide'}-${this.index}`,
    });
    return this.pool.spawn(this, ref, args);
  }

  /** Blocking a worker thread would stall every task on it. */
  blockOnRef(): never {
    throw new NestedBlockOnError();
  }

  /** Runs a closure as a task on this worker. */
  spawnLocal(fn: unknown, args: unknown[]): Cell {
    if (this.stopped) return this.cancelled();
    if (typeof fn !== 'function' && !isTaskRef(fn)) {
      throw new InvalidTaskError(fn, 'a function (generator, async or plain) or a TaskRef for spawnLocal');
    }
    this.localSpawned++;
    return this.scheduler.spawn(fn, args);
  }

  /** A snapshot of the runtime's counters, as this worker sees them. */
  metrics(): RuntimeMetrics {
    this.publishMetrics();
    return readMetrics(this.shared, undefined);
  }

  /** A transferable handle whose spawns arrive on this worker (`forBlockingThread`: see `InjectQueue.share`). */
  share(forBlockingThread = false): SharedHandle {
    this.kick();
    return this.inbox.share({ id: this.id, flavor: 'multi_thread', name: this.name, drivers: this.driverNames, runsRemoteBlockOn: true }, forBlockingThread);
  }

  /** Enters this runtime's context on this thread. */
  enter(): EnterGuard {
    return new EnterGuard(this);
  }

  /** Starts a task a shared handle asked for (by module URL and name; see core's `InjectTarget`). */
  spawnByName(url: string, name: string, args: unknown[], blocking: boolean): Cell {
    const ref: AnyTaskRef = { kind: 'tide.task-ref', url, name, fn: () => undefined };
    return blocking ? this.spawnBlockingRef(ref, args) : this.spawnRef(ref, args);
  }

  private cancelled(): Cell {
    const cell = new RemoteTask(this, this.origin);
    cell.settle(Outcome.Cancelled, undefined);
    return cell;
  }

  // ---- OriginHost ----

  /** A task spawned here goes to the LIFO slot; the previous occupant to the local queue. */
  publish(slot: number): void {
    const previous = this.local.swapLifo(slot);
    if (previous >= 0) {
      this.local.push(previous, this.shared.global);
      this.shared.wakeIdle(1, this.index);
    }
  }

  /** Arguments that need postMessage: this worker runs the task itself. */
  pinTarget(): number {
    return this.index;
  }

  /** Queues a pinned task to start on this worker. */
  postPinned(_worker: number, slot: number, args: unknown[]): void {
    this.pinned.push({ slot, args });
    if (!this.inSlice) this.kick();
  }

  /** A result that travelled by postMessage. */
  takeMailbox(slot: number): MailboxResult | undefined {
    let mail = this.mailbox.get(slot);
    if (mail === undefined) {
      this.readControl();
      mail = this.mailbox.get(slot);
    }
    if (mail !== undefined) this.mailbox.delete(slot);
    return mail;
  }

  /** A failed task nobody joined. */
  reportUnhandled(error: JoinError): void {
    console.error(`[tide] ${error.message}`, error.cause);
  }

  // ---- running shared tasks ----

  /** The local task running shared task `slot` finished: report it to the task's origin. */
  finishShared(slot: number, cell: Cell): void {
    this.running.delete(slot);
    // Reported after the scheduler is done with the task (it is still counted alive while its
    // joiner is woken), see flushFinished.
    this.finished.push(slot, cell);
    if (!this.inSlice) this.kick();
  }

  /**
   * Reports the shared tasks that finished to their origins, after publishing this worker's
   * counters: whoever observes a completion then sees what the task did (the blocking threads it
   * used, the parks it caused, its own end).
   */
  private flushFinished(): number {
    const finished = this.finished;
    if (finished.length === 0) return 0;
    this.publishMetrics();
    for (let i = 0; i < finished.length; i += 2) {
      const cell = finished[i + 1] as Cell;
      this.completeWith(finished[i] as number, cell.outcome, cell.result);
    }
    const n = finished.length / 2;
    finished.length = 0;
    return n;
  }

  private claim(slot: number): boolean {
    const memory = this.shared.memory;
    const at = memory.word(slot, S.State);
    for (;;) {
      const word = Atomics.load(memory.slots, at);
      const state = word & STATE_MASK;
      if (state === SlotState.Queued) {
        if (Atomics.compareExchange(memory.slots, at, word, runningState(this.index)) === word) return true;
        continue;
      }
      if (state === SlotState.Cancelled) {
        // Aborted before it started: hand the slot back to its origin.
        const origin = memory.originOf(slot);
        this.shared.completions[origin]!.push(slot);
        this.shared.notify(origin);
      }
      return false;
    }
  }

  private startShared(slot: number, pinnedArgs: unknown[] | null): void {
    const memory = this.shared.memory;
    let args: unknown[];
    if (pinnedArgs !== null) {
      args = pinnedArgs;
    } else {
      try {
        args = this.shared.payloads.load(slot, S.ArgsOff) as unknown[];
      } catch (error) {
        this.shared.payloads.release(slot, S.ArgsOff);
        this.completeWith(slot, Outcome.Panic, error);
        return;
      }
      this.shared.payloads.release(slot, S.ArgsOff);
    }
    const fnId = memory.slots[memory.word(slot, S.Fn)]!;
    const fn = this.fns[fnId];
    if (fn !== undefined) {
      this.run(slot, fn, args);
      return;
    }
    const { url, name } = this.shared.registry.resolve(fnId);
    const ref = lookupTaskRef(url, name);
    if (ref !== undefined) {
      this.fns[fnId] = ref.fn;
      this.run(slot, ref.fn, args);
      return;
    }
    // First use of this module on this thread: import it (the event loop must run meanwhile).
    this.pendingImports++;
    resolveTaskRef(url, name).then(
      (found) => {
        this.pendingImports--;
        this.fns[fnId] = found.fn;
        this.run(slot, found.fn, args);
        this.kick();
      },
      (error: unknown) => {
        this.pendingImports--;
        this.completeWith(slot, Outcome.Panic, error);
        this.kick();
      },
    );
  }

  private run(slot: number, fn: TaskFn, args: unknown[]): void {
    const memory = this.shared.memory;
    if (this.stopped || Atomics.load(memory.slots, memory.word(slot, S.Abort)) === 1) {
      this.completeWith(slot, Outcome.Cancelled, undefined);
      return;
    }
    const cell = this.scheduler.spawn(fn, args);
    cell.observed = true;
    this.running.set(slot, cell);
    new CompletionWaker(this, slot, cell).wake();
  }

  /** Writes a task's outcome into its slot and pushes the completion to its origin. */
  private completeWith(slot: number, outcome: Outcome, value: unknown): void {
    const shared = this.shared;
    const memory = shared.memory;
    const base = memory.word(slot, 0);
    const origin = memory.originOf(slot);
    let sent = outcome === Outcome.Panic ? (encodeThrown(value) as unknown) : value;
    let stored = outcome === Outcome.Cancelled;
    // A result marked with transfer() is moved by postMessage, never copied into shared memory.
    const transferList = outcome === Outcome.Ok ? takeTransferList(value) : undefined;
    if (!stored && transferList === undefined) {
      try {
        shared.encoder.encode(sent);
        stored = shared.payloads.store(slot, S.ResLen, S.ResOff, shared.encoder.buffer, shared.encoder.length);
      } catch (error) {
        if (!(error instanceof Uncodable)) throw error;
        try {
          structuredClone(sent);
        } catch (cloneError) {
          // Not cloneable at all (a function, a class with private state, …): the task fails.
          outcome = Outcome.Panic;
          sent = encodeThrown(
            new NotSendableError(
              `the task produced a value that cannot be sent back to the thread that spawned it (${describe(cloneError)}). ` +
                'Return plain data: structured-cloneable values such as objects, arrays, typed arrays, Map and Set.',
            ),
          );
          shared.encoder.encode(sent);
          stored = shared.payloads.store(slot, S.ResLen, S.ResOff, shared.encoder.buffer, shared.encoder.length);
        }
      }
    }
    if (!stored) {
      // Shared memory cannot carry it (a SharedArrayBuffer, a port, a huge value): postMessage.
      memory.slots[base + S.ResLen] = MAILBOX;
      memory.slots[base + S.ResOff] = INLINE;
      if (origin === this.index) {
        this.mailbox.set(slot, { outcome, value: sent });
      } else {
        const message: ToOwner =
          origin === 0
            ? { op: 'result', slot, outcome, value: sent }
            : { op: 'relay', to: origin, slot, outcome, value: sent, transfer: transferList !== undefined };
        postWithTransfer(this.port, message, transferList);
        Atomics.store(this.blocks, memory.workerWord(this.index, W.OwnerMail), 1);
        // The owner forwards a relay: wake it (and whoever parks its thread).
        if (origin !== 0) shared.notify(0);
      }
    } else if (outcome === Outcome.Cancelled) {
      memory.slots[base + S.ResLen] = 0;
      memory.slots[base + S.ResOff] = INLINE;
    }
    memory.slots[base + S.Outcome] = outcome;
    Atomics.store(memory.slots, base + S.State, SlotState.Done);
    shared.completions[origin]!.push(slot);
    shared.notify(origin);
  }

  private scanAborts(): void {
    const memory = this.shared.memory;
    for (const [slot, cell] of this.running) {
      if (Atomics.load(memory.slots, memory.word(slot, S.Abort)) === 1) cell.abort();
    }
  }

  // ---- choosing the next shared task ----

  private nextShared(): number {
    const shared = this.shared;
    if (++this.picks % this.init.globalQueueInterval === 0) {
      const slot = shared.global.pop();
      if (slot >= 0) return slot;
    }
    if (this.lifoRuns < 3) {
      const slot = this.local.takeLifo();
      if (slot >= 0) {
        this.lifoRuns++;
        return slot;
      }
    }
    this.lifoRuns = 0;
    let slot = this.local.pop();
    if (slot >= 0) return slot;
    slot = this.local.takeLifo();
    if (slot >= 0) return slot;
    slot = this.fromGlobal();
    if (slot >= 0) return slot;
    return this.steal();
  }

  /** Moves a fair share of the global queue into the local queue; returns one to run. */
  private fromGlobal(): number {
    const global = this.shared.global;
    const length = global.length;
    if (length <= 0) return -1;
    const want = Math.min(LOCAL_QUEUE_CAPACITY / 2, Math.max(1, Math.ceil(length / this.shared.memory.workers)));
    const n = global.popBatch(this.scratch, want);
    if (n === 0) return -1;
    for (let i = 1; i < n; i++) this.local.push(this.scratch[i]!, global);
    return this.scratch[0]!;
  }

  /** Steals half of the busiest other worker's local queue; returns one to run. */
  private steal(): number {
    const shared = this.shared;
    let victim = -1;
    let most = 0;
    for (let w = 1; w <= shared.memory.workers; w++) {
      if (w === this.index) continue;
      const length = shared.locals[w]!.length;
      if (length > most) {
        most = length;
        victim = w;
      }
    }
    if (victim < 0) return -1;
    const n = shared.locals[victim]!.steal(this.scratch);
    if (n === 0) return -1;
    this.steals += n;
    for (let i = 1; i < n; i++) this.local.push(this.scratch[i]!, shared.global);
    return this.scratch[0]!;
  }

  /** True if something is visible that the loop would act on. */
  private hasWork(): boolean {
    const shared = this.shared;
    if (shared.global.length > 0 || this.origin.ready) return true;
    if (this.local.length > 0 || Atomics.load(this.blocks, this.shared.memory.workerWord(this.index, W.Lifo)) !== 0) return true;
    if (Atomics.load(this.blocks, this.shared.memory.workerWord(this.index, W.Mail)) !== 0) return true;
    for (let w = 1; w <= shared.memory.workers; w++) {
      if (w !== this.index && shared.locals[w]!.length > 0) return true;
    }
    return false;
  }

  // ---- the loop ----

  /** Runs the loop from the host event loop (soon). */
  private scheduleSlice(): void {
    if (this.sliceScheduled || this.stopped) return;
    this.sliceScheduled = true;
    setImmediate(this.runSlice);
  }

  /** Wakes the loop: from an async park, or schedules a slice. */
  private kick(): void {
    this.parker.unpark();
  }

  private readonly runSlice = (): void => {
    this.sliceScheduled = false;
    if (this.stopped) return;
    this.inSlice = true;
    const start = performance.now();
    let activeSince = start;
    try {
      for (;;) {
        const progressed = this.step();
        if (this.stopped) return;
        if (progressed > 0) {
          if (this.needsHost() && performance.now() - start > SLICE_MS) {
            this.scheduleSlice();
            return;
          }
          // A worker that never runs out of work never reaches the idle accounting below: publish
          // its busy time every METRICS_MS while it stays busy.
          const now = performance.now();
          if (now - activeSince >= METRICS_MS) {
            this.busyMs += now - activeSince;
            activeSince = now;
            this.publishMetrics();
          }
          continue;
        }
        // Idle: account the busy stretch, look for work briefly, then park.
        const idleStart = performance.now();
        this.busyMs += idleStart - activeSince;
        this.scheduler.reportUnhandled();
        this.origin.reportUnhandled();
        this.publishMetrics();
        const found = this.spin();
        if (!found) {
          if (!this.needsHost() && process.getActiveResourcesInfo().length <= this.baselineResources) {
            this.parkSync();
          } else {
            this.parkAsync();
            activeSince = -1;
            return;
          }
        }
        activeSince = performance.now();
        this.idleGap = 0.75 * this.idleGap + 0.25 * Math.min(activeSince - idleStart, 10 * MAX_SPIN_MS);
      }
    } finally {
      this.inSlice = false;
      if (activeSince >= 0) this.busyMs += performance.now() - activeSince;
      this.publishMetrics();
    }
  };

  /** True while the host event loop must run for tasks to progress. */
  private needsHost(): boolean {
    return this.scheduler.asyncInFlight > 0 || this.pendingImports > 0 || !this.ready;
  }

  /** One pass over every source of work. Returns how much it did. */
  private step(): number {
    let done = 0;
    const memory = this.shared.memory;
    if (Atomics.load(this.blocks, memory.workerWord(this.index, W.Mail)) !== 0) done += this.readControl();
    if (this.stopped) return done;
    done += this.origin.drain();
    const epoch = Atomics.load(this.blocks, memory.workerWord(this.index, W.AbortEpoch));
    if (epoch !== this.abortEpoch) {
      this.abortEpoch = epoch;
      this.scanAborts();
    }
    while (this.pinned.length > 0) {
      const { slot, args } = this.pinned.shift()!;
      this.startShared(slot, args);
      done++;
    }
    if (this.ready && (this.scheduler.queueDepth < 2 || (++this.steps & 3) === 0)) {
      const slot = this.nextShared();
      if (slot >= 0) {
        if (this.claim(slot)) this.startShared(slot, null);
        done++;
      }
    }
    const ran = this.scheduler.runBatch(this.init.eventInterval);
    done += this.flushFinished();
    done += ran;
    this.ticks += ran;
    if (done === 0 || this.ticks >= this.init.eventInterval) {
      this.ticks = 0;
      for (const driver of this.drivers) done += driver.turn();
      done += this.inbox.drain(this);
      if (this.pool !== undefined) done += this.pool.poll();
    }
    return done;
  }

  private readControl(): number {
    Atomics.store(this.blocks, this.shared.memory.workerWord(this.index, W.Mail), 0);
    let n = 0;
    for (;;) {
      const received = receiveMessageOnPort(this.port);
      if (received === undefined) return n;
      this.onControl(received.message as ToWorker);
      n++;
    }
  }

  private onControl(message: ToWorker): void {
    switch (message.op) {
      case 'task':
        this.pinned.push({ slot: message.slot, args: message.args });
        break;
      case 'result':
        this.mailbox.set(message.slot, { outcome: message.outcome as Outcome, value: message.value });
        break;
      case 'preload':
        this.preload(message.url);
        return;
      case 'shutdown':
        this.shutdown(message.timeoutMs);
        return;
    }
    if (!this.inSlice) this.kick();
  }

  /** Looks for work for a few tens of microseconds before parking (one or a few workers at a time). */
  private spin(): boolean {
    const control = this.shared.memory.control;
    if (Atomics.load(control, C.Searching) >= this.maxSearching) return this.hasWork();
    if (this.parker.notified) {
      if (this.parker.park(0)) this.unparks++;
      return true;
    }
    Atomics.add(control, C.Searching, 1);
    Atomics.store(this.blocks, this.stateAt, WorkerState.Searching);
    let found = false;
    const budget = this.idleGap < SPIN_WHEN_GAP_MS ? Math.min(MAX_SPIN_MS, 2 * this.idleGap + 0.005) : 0;
    const end = performance.now() + budget;
    do {
      if (this.parker.notified) {
        // Consume the wake-up (another thread woke this one): the next step sees what it announced.
        if (this.parker.park(0)) this.unparks++;
        found = true;
        break;
      }
      if (this.hasWork()) {
        found = true;
        break;
      }
    } while (performance.now() < end);
    Atomics.store(this.blocks, this.stateAt, WorkerState.Running);
    Atomics.sub(control, C.Searching, 1);
    return found;
  }

  /** Milliseconds until a driver needs a turn. */
  private driverTimeout(): number {
    let timeout = Infinity;
    for (const driver of this.drivers) timeout = Math.min(timeout, driver.parkTimeout());
    return timeout;
  }

  /** Announces the park; false if work showed up meanwhile (then it is not parked). */
  private enterPark(): boolean {
    const control = this.shared.memory.control;
    Atomics.store(this.blocks, this.stateAt, WorkerState.Parked);
    Atomics.add(control, C.Parked, 1);
    if (this.hasWork()) {
      this.leavePark();
      return false;
    }
    this.parks++;
    return true;
  }

  private leavePark(): void {
    Atomics.sub(this.shared.memory.control, C.Parked, 1);
    Atomics.store(this.blocks, this.stateAt, this.stopped ? WorkerState.Stopped : WorkerState.Running);
  }

  /** Parks with `Atomics.wait` (nothing else can happen on this thread). */
  private parkSync(): void {
    if (!this.enterPark()) return;
    const driverTimeout = this.driverTimeout();
    // Idle blocking threads expire after the keep-alive: wake up to let the pool reap them.
    const timeout = this.pool !== undefined && this.pool.idleThreads > 0 ? Math.min(driverTimeout, this.init.threadKeepAliveMs + 1) : driverTimeout;
    const memory = this.shared.memory;
    const quiet = driverTimeout === Infinity && this.isQuiet();
    if (quiet) Atomics.store(this.blocks, memory.workerWord(this.index, W.Quiet), 1);
    Atomics.add(this.blocks, memory.workerWord(this.index, W.ParkEpoch), 1);
    // An owner blocked in blockOn checks whether the whole runtime went quiet (a deadlock).
    if (quiet && Atomics.load(memory.control, C.OwnerBlocking) !== 0) this.shared.notify(0);
    if (this.parker.park(timeout)) this.unparks++;
    if (quiet) Atomics.store(this.blocks, memory.workerWord(this.index, W.Quiet), 0);
    this.leavePark();
  }

  /** True if nothing on this thread could ever wake a task here: only another thread can. */
  private isQuiet(): boolean {
    if (this.origin.inFlight > 0 || this.origin.hasBacklog || this.inbox.hasRemotes || this.pinned.length > 0) return false;
    if (this.pool !== undefined && (this.pool.busy > 0 || this.pool.queueDepth > 0)) return false;
    for (const driver of this.drivers) if (driver.hasPendingWork()) return false;
    return true;
  }

  /** Parks with `Atomics.waitAsync`, letting the event loop run; the slice ends here. */
  private parkAsync(): void {
    if (!this.enterPark()) {
      this.scheduleSlice();
      return;
    }
    // An aborted async task is settled at once, but its promise may still be running, and nothing
    // wakes this thread when it ends: look again shortly until it did (then the worker can park
    // synchronously, and count as quiet for the owner's deadlock detection).
    const lingering = this.scheduler.asyncInFlight > this.scheduler.aliveTasks;
    const timeout = lingering ? Math.min(this.driverTimeout(), LINGER_RECHECK_MS) : this.driverTimeout();
    const controller = new AbortController();
    const timer = timeout === Infinity ? undefined : setTimeout(() => controller.abort(), Math.max(0, Math.ceil(timeout)));
    void this.parker.parkAsync(Infinity, controller.signal).then((unparked) => {
      if (timer !== undefined) clearTimeout(timer);
      if (unparked) this.unparks++;
      this.leavePark();
      this.runSlice();
    });
  }

  /** Imports a task module ahead of its first task (its TaskRefs register themselves). */
  private preload(url: string): void {
    this.pendingImports++;
    import(url)
      .catch(() => {
        // Reported by the first task that needs it (TaskNotFoundError).
      })
      .finally(() => {
        this.pendingImports--;
        this.kick();
      });
  }

  // ---- hooks, metrics, shutdown ----

  private async runHook(hook: HookRef): Promise<void> {
    const ref = await resolveTaskRef(hook.url, hook.name);
    const fn = ref.fn;
    if (Object.getPrototypeOf(fn) === Object.getPrototypeOf(async function () {})) {
      using _entered = this.enter();
      await fn(...hook.args);
      return;
    }
    // A plain or generator hook runs synchronously, with this worker's drivers.
    blockOnLoop(new LocalScheduler({ runtime: this }), fn, hook.args, {
      eventInterval: this.init.eventInterval,
      turn: () => {
        let n = 0;
        for (const driver of this.drivers) n += driver.turn();
        return n;
      },
      idle: () => {
        const timeout = this.driverTimeout();
        if (timeout === Infinity) return false;
        this.parker.park(timeout);
        return true;
      },
    });
  }

  private publishMetrics(): void {
    const memory = this.shared.memory;
    const m = memory.metrics;
    const i = this.index;
    m[memory.metric(i, M.BusyMs)] = this.busyMs;
    m[memory.metric(i, M.Polls)] = this.scheduler.pollCount;
    m[memory.metric(i, M.Parks)] = this.parks;
    m[memory.metric(i, M.Unparks)] = this.unparks;
    m[memory.metric(i, M.Steals)] = this.steals;
    m[memory.metric(i, M.LocalAlive)] = Math.max(0, this.scheduler.aliveTasks - this.running.size);
    m[memory.metric(i, M.Outstanding)] = this.origin.alive;
    m[memory.metric(i, M.Spawned)] = this.origin.spawned + this.localSpawned;
    const pool = this.pool;
    if (pool !== undefined) {
      m[memory.metric(i, M.BlockingThreads)] = pool.threads;
      m[memory.metric(i, M.IdleBlockingThreads)] = pool.idleThreads;
      m[memory.metric(i, M.BlockingQueue)] = pool.queueDepth;
    }
  }

  private shutDrivers(): void {
    this.driversShut = true;
    for (const driver of this.drivers) {
      try {
        driver.shutdown();
      } catch (error) {
        console.error('[tide] a driver failed to shut down', error);
      }
    }
  }

  /** Stops the worker: cancels its tasks, runs the stop hook, shuts its drivers and pool, acknowledges. */
  shutdown(timeoutMs: number): void {
    if (this.stopped) return;
    this.stopped = true;
    this.ready = false;
    this.inbox.close(this);
    // Every task is cancelled at its suspension point; shared tasks report it to their origins.
    this.scheduler.shutdown();
    this.flushFinished();
    for (const { slot } of this.pinned.splice(0)) this.completeWith(slot, Outcome.Cancelled, undefined);
    this.origin.cancelAll();
    // The drivers go with the tasks (their pending registrations fail with RuntimeShutdownError),
    // before the owner is told: `shutdownTimeout(0)` returns with every driver shut down.
    this.shutDrivers();
    this.publishMetrics();
    const control = this.shared.memory.control;
    Atomics.add(control, C.Cancelled, 1);
    Atomics.notify(control, C.Cancelled);
    this.shared.parkers[0]!.unpark();
    const finish = (): void => {
      this.pool?.shutdown(timeoutMs);
      this.inbox.dispose();
      this.publishMetrics();
      Atomics.store(this.blocks, this.stateAt, WorkerState.Stopped);
      Atomics.add(control, C.Stopped, 1);
      Atomics.notify(control, C.Stopped);
      this.shared.parkers[0]!.unpark();
      this.port.close();
    };
    const hook = this.init.onThreadStop;
    if (hook === undefined) {
      finish();
      return;
    }
    this.runHook(hook)
      .catch((error: unknown) => console.error(`[tide] the onThreadStop task '${hook.name}' failed on worker ${this.index}`, error))
      .finally(finish);
  }
}
