import { receiveMessageOnPort, type MessagePort } from 'node:worker_threads';
import type { Driver } from '../driver/driver.js';
import { Parker, threadParker } from '../driver/parker.js';
import { decodeThrown, type EncodedThrown } from '../blocking/error-codec.js';
import { DriverDisabledError, DriverNotDrivenError, InvalidArgumentError, JoinError, NestedBlockOnError, NotSendableError } from '../errors.js';
import type { DoneMessage, InjectMessage } from '../runtime/inject-protocol.js';
import type { RuntimeMetrics } from '../runtime/metrics.js';
import type { RuntimeCore } from '../runtime/runtime-core.js';
import type { RuntimeFlavor, RuntimeHandle } from '../runtime/runtime-handle.js';
import type { SharedHandle } from '../runtime/shared-handle.js';
import { blockOnLoop } from '../scheduler/block-on.js';
import { LocalScheduler } from '../scheduler/local-scheduler.js';
import { allocateTaskId, JoinHandle, Outcome, type TaskOwner } from '../task/join-handle.js';
import { isTaskRef } from '../task/task-ref.js';
import { EnterGuard } from './enter-guard.js';
import { isDrivingOrInTask } from './frame.js';

type Cell = JoinHandle<unknown, string>;

const byPort = new WeakMap<MessagePort, RemoteHandle>();

/** Checks that every argument survives structured clone, naming the first that does not. */
export function assertSendableArgs(args: readonly unknown[], what: string): void {
  for (let i = 0; i < args.length; i++) {
    try {
      structuredClone(args[i]);
    } catch (error) {
      throw new NotSendableError(
        `${what}: argument ${i} cannot be sent to another thread (${(error as Error)?.message ?? String(error)}). ` +
          'Pass plain data (structured-cloneable values: objects, arrays, typed arrays, Map, Set, …), not functions or class instances with methods.',
        { cause: error },
      );
    }
  }
}

/**
 * A runtime handle on a thread other than the runtime's, rebuilt from a {@link SharedHandle}.
 * `spawn` / `spawnBlocking` send TaskRefs to the runtime's thread (and wake it). `blockOn` depends
 * on the flavor ({@link SharedHandle.runsRemoteBlockOn}): a runtime with its own threads
 * (multi-thread) gets the task too, and this thread parks until its outcome arrives; otherwise
 * the task runs on this thread, without the runtime's drivers (the same restriction as a
 * current-thread `Handle.blockOn`).
 */
export class RemoteHandle implements RuntimeHandle<string, never>, RuntimeCore, TaskOwner {
  readonly id: number;
  readonly flavor: RuntimeFlavor;
  readonly name: string | undefined;
  readonly drivers: readonly string[];
  /** See {@link SharedHandle.runsRemoteBlockOn}. */
  private readonly runsRemoteBlockOn: boolean;
  private readonly port: MessagePort;
  private readonly runtimeParker: Parker;
  private readonly tasks = new Map<number, Cell>();
  private scheduler: LocalScheduler | undefined;

  /** The handle for `shared` on this thread (one per shared handle, however often it is asked for). */
  static from(shared: SharedHandle): RemoteHandle {
    if (shared?.kind !== 'tide.shared-handle' || !shared.port) {
      throw new InvalidArgumentError('Handle.fromShared expects the value returned by handle.share() (posted with its port in the transfer list)');
    }
    return byPort.get(shared.port) ?? new RemoteHandle(shared);
  }

  private constructor(shared: SharedHandle) {
    this.id = shared.id;
    this.flavor = shared.flavor;
    this.name = shared.name;
    this.drivers = shared.drivers;
    this.runsRemoteBlockOn = shared.runsRemoteBlockOn === true;
    this.port = shared.port;
    this.runtimeParker = Parker.fromShared(shared.parker);
    byPort.set(shared.port, this);
    // Replies also arrive through the event loop when this thread is not blocked; the port only
    // keeps the thread alive while answers are outstanding.
    this.port.on('message', (message: DoneMessage) => this.onDone(message));
    this.port.unref();
    this.post({ op: 'attach', parker: threadParker().buffer });
  }

  /** This handle is its own runtime core on this thread. */
  get handle(): RuntimeHandle {
    return this;
  }

  /** Drivers are not turned on this thread: asking for one fails with the reason. */
  driver(name: string, enableHint?: string): Driver {
    if (this.drivers.includes(name)) {
      throw new DriverNotDrivenError(
        [name],
        "a shared handle's thread does not turn the runtime's drivers: spawn the work onto the runtime " +
          '(handle.spawn(taskRef, ...args)) and join it here.',
      );
    }
    throw new DriverDisabledError(name, enableHint);
  }

  /** Sends a TaskRef to the runtime's thread. Closures cannot cross threads. */
  spawn(task: unknown, ...args: unknown[]): never {
    return this.send(task, args, false) as never;
  }

  /** See {@link RuntimeCore.spawnTask}: sends the TaskRef to the runtime's thread. */
  spawnTask(task: unknown, args: unknown[]): Cell {
    return this.send(task, args, false);
  }

  /** Runs a TaskRef on the runtime's blocking pool. */
  spawnBlocking(task: unknown, ...args: unknown[]): never {
    return this.send(task, args, true) as never;
  }

  /**
   * Runs the task to completion and returns its value (or throws what it threw): on the runtime's
   * threads while this one parks, if the runtime runs remote blockOns; else here, synchronously,
   * without the runtime's drivers.
   */
  blockOn(task: unknown, ...args: unknown[]): never {
    if (isDrivingOrInTask()) throw new NestedBlockOnError();
    const parker = threadParker();
    if (this.runsRemoteBlockOn) {
      const cell = this.send(task, args, false);
      cell.observed = true;
      while (!cell.isFinished()) {
        if (this.receive() === 0 && !cell.isFinished()) parker.park();
      }
      if (cell.outcome === Outcome.Ok) return cell.result as never;
      throw cell.outcome === Outcome.Panic ? cell.result : new JoinError('cancelled', cell.id);
    }
    this.scheduler ??= new LocalScheduler({ runtime: this });
    return blockOnLoop<never>(this.scheduler, task, args, {
      eventInterval: 61,
      turn: () => this.receive(),
      idle: () => {
        if (this.tasks.size === 0) return false;
        parker.park();
        return true;
      },
    });
  }

  /** Enters this handle's context on this thread. */
  enter(): EnterGuard {
    return new EnterGuard(this);
  }

  /**
   * Metrics as seen from this thread: only what this handle knows (its outstanding remote tasks
   * and the tasks of its local blockOn). The runtime's own figures are on its thread.
   */
  metrics(): RuntimeMetrics {
    const s = this.scheduler;
    return {
      numWorkers: 0,
      numAliveTasks: this.tasks.size + (s?.aliveTasks ?? 0),
      globalQueueDepth: s?.queueDepth ?? 0,
      spawnedTasksCount: s?.spawnedCount ?? 0,
      numBlockingThreads: 0,
      numIdleBlockingThreads: 0,
      blockingQueueDepth: 0,
      workers: [],
    };
  }

  /** Shared handles cannot be re-shared from another thread: share from the runtime's thread. */
  share(): SharedHandle {
    throw new NotSendableError('a handle rebuilt with Handle.fromShared cannot be shared again; call share() on the runtime thread for each worker');
  }

  /** Asks the runtime to abort a task spawned from here. */
  abortTask(task: Cell): void {
    this.post({ op: 'abort', id: task.id });
  }

  private send(task: unknown, args: unknown[], blocking: boolean): Cell {
    if (!isTaskRef(task)) {
      throw new NotSendableError(
        `${blocking ? 'spawnBlocking' : 'spawn'} from another thread needs a TaskRef: a closure cannot cross threads. ` +
          'Declare the task with `defineTask(import.meta.url, name, fn)` in a module both threads can import.',
      );
    }
    assertSendableArgs(args, `${blocking ? 'spawnBlocking' : 'spawn'}(${task.name})`);
    const cell: Cell = new JoinHandle<unknown, string>(this, this, null, null, allocateTaskId());
    this.tasks.set(cell.id, cell);
    this.port.ref();
    this.post({ op: 'spawn', id: cell.id, url: task.url, name: task.name, args, blocking });
    return cell;
  }

  private post(message: InjectMessage): void {
    this.port.postMessage(message);
    this.runtimeParker.unpark();
  }

  private receive(): number {
    let n = 0;
    for (;;) {
      const received = receiveMessageOnPort(this.port);
      if (received === undefined) return n;
      this.onDone(received.message as DoneMessage);
      n++;
    }
  }

  private onDone(message: DoneMessage): void {
    const cell = this.tasks.get(message.id);
    if (!cell) return;
    this.tasks.delete(message.id);
    if (this.tasks.size === 0) this.port.unref();
    if (message.outcome === Outcome.Ok || message.outcome === Outcome.Cancelled) cell.settle(message.outcome, message.value);
    else cell.settle(Outcome.Panic, decodeThrown(message.value as EncodedThrown));
  }
}
