import { DriverDisabledError, JoinHandle, RuntimeShutdownError, type RuntimeMetrics, type TaskRef } from '@tide/core';
import {
  BlockingPool,
  InjectQueue,
  LocalScheduler,
  Outcome,
  Parker,
  allocateRuntimeId,
  assertSendableArgs,
  type Driver,
  type CommonRuntimeConfig,
  type InjectTarget,
  type RuntimeCore,
} from '@tide/core/driver';
import type { CurrentThreadHandle } from './handle.js';

/** Settings of a current-thread runtime, gathered by the builder: the ones every flavor shares. */
export type CurrentThreadConfig = CommonRuntimeConfig;

type Cell = JoinHandle<unknown, string>;

/**
 * The state one current-thread runtime keeps on its thread: scheduler, drivers, inject queue,
 * blocking pool, parker and counters. The runtime and its handles are views over it.
 */
export class CurrentThreadCore implements RuntimeCore, InjectTarget {
  readonly id = allocateRuntimeId();
  readonly parker = new Parker();
  readonly scheduler: LocalScheduler;
  readonly inject: InjectQueue;
  readonly drivers: readonly Driver[];
  readonly driverNames: readonly string[];
  private readonly driverByName = new Map<string, Driver>();
  private pool: BlockingPool | undefined;
  /** True while `blockOn` or `run` drives the runtime (a second driver would be nested). */
  driving = false;
  /** True while the loop runs synchronously; false while it waits (then wakes must unpark it). */
  inSlice = false;
  /** True while `run()` waits for the parker without blocking the thread and nothing has unparked it yet. */
  parkedAsync = false;
  isShutdown = false;
  parkCount = 0;
  unparkCount = 0;
  busyMs = 0;
  handle!: CurrentThreadHandle<string>;

  constructor(readonly config: CurrentThreadConfig) {
    this.scheduler = new LocalScheduler({
      runtime: this,
      ...(config.onUnhandledError ? { onUnhandledError: config.onUnhandledError } : {}),
      // A task woken from host code while the runtime waits in `run()` must wake the loop. Between
      // two slices the loop is not parked: it runs the task anyway, so no unpark is needed. One
      // unpark per park is enough (the parker stays notified): an async root that spawns a batch
      // from a host microtask would otherwise pay an atomic exchange per spawn.
      onSchedule: () => {
        if (!this.inSlice && this.parkedAsync) {
          this.parkedAsync = false;
          this.parker.unpark();
        }
      },
    });
    this.inject = new InjectQueue(this.parker);
    const cx = {
      parker: this.parker,
      flavor: 'current_thread' as const,
      runtimeId: this.id,
      requestTurn: () => {
        if (!this.inSlice) this.parker.unpark();
      },
    };
    this.drivers = config.drivers.map((factory) => {
      const driver = factory.create(cx);
      this.driverByName.set(factory.name, driver);
      return driver;
    });
    this.driverNames = config.drivers.map((f) => f.name);
  }

  /** See {@link RuntimeCore.driver}. */
  driver(name: string, enableHint?: string): Driver {
    if (this.isShutdown) throw new RuntimeShutdownError(`the '${name}' driver`);
    const driver = this.driverByName.get(name);
    if (driver === undefined) throw new DriverDisabledError(name, enableHint);
    return driver;
  }

  /** Spawns a task (after shutdown: a handle that is already cancelled). */
  spawn(fn: unknown, args: unknown[]): Cell {
    if (this.isShutdown) return this.cancelledHandle();
    return this.scheduler.spawn(fn, args);
  }

  /** See `RuntimeCore.spawnTask`. */
  spawnTask(task: unknown, args: unknown[]): Cell {
    return this.spawn(task, args);
  }

  /** See `RuntimeCore.spawnTask1`: one argument, no argument array. */
  spawnTask1(task: unknown, arg: unknown): Cell {
    if (this.isShutdown) return this.cancelledHandle();
    return this.scheduler.spawnOne(task, arg);
  }

  /** Runs a TaskRef on the blocking pool (created on first use). */
  spawnBlocking(ref: TaskRef<unknown[], unknown, string>, args: unknown[]): Cell {
    if (this.isShutdown) return this.cancelledHandle();
    assertSendableArgs(args, `spawnBlocking(${(ref as { name?: string })?.name ?? '?'})`);
    this.pool ??= new BlockingPool({
      maxThreads: this.config.maxBlockingThreads,
      keepAliveMs: this.config.threadKeepAliveMs,
      parker: this.parker,
      shared: () => this.share(true),
      ...(this.config.name !== undefined ? { name: this.config.name } : {}),
    });
    return this.pool.spawn(this, ref, args);
  }

  /**
   * A transferable description of the runtime for `Handle.fromShared` on another thread
   * (`forBlockingThread`: for one of this runtime's blocking-pool threads, see `InjectQueue.share`).
   */
  share(forBlockingThread = false): ReturnType<InjectQueue['share']> {
    return this.inject.share({ id: this.id, flavor: 'current_thread', name: this.config.name, drivers: this.driverNames }, forBlockingThread);
  }

  private cancelledHandle(): Cell {
    const cell = new JoinHandle<unknown, string>(this, this.scheduler, null, null);
    cell.settle(Outcome.Cancelled, undefined);
    return cell;
  }

  /** Collects outside events without waiting: inject queue and blocking results; drivers too if `withDrivers`. */
  turn(withDrivers: boolean): number {
    let events = this.inject.drain(this);
    if (this.pool !== undefined) events += this.pool.poll();
    if (withDrivers) for (const driver of this.drivers) events += driver.turn();
    return events;
  }

  /** Blocking tasks running or queued (they may still wake a task; a paused clock must not jump). */
  get blockingBusy(): boolean {
    return this.pool !== undefined && (this.pool.busy > 0 || this.pool.queueDepth > 0);
  }

  /**
   * Work from other threads that may still wake a task: blocking tasks, remote spawns, and any
   * thread holding a shared handle (it may spawn at any time, as in Tokio's
   * spawn_from_other_thread_idle).
   */
  get awaitingOtherThreads(): boolean {
    return this.blockingBusy || this.inject.hasRemotes;
  }

  /** How long the drivers let the runtime park (ms; Infinity if no deadline). */
  parkTimeout(): number {
    let timeout = Infinity;
    for (const driver of this.drivers) timeout = Math.min(timeout, driver.parkTimeout());
    return timeout;
  }

  /** Names of drivers with registrations that may still wake a task. */
  driversWithPendingWork(): string[] {
    const names: string[] = [];
    for (const driver of this.drivers) if (driver.hasPendingWork()) names.push(driver.name);
    return names;
  }

  /** Lets drivers make progress without waiting when the runtime is idle (a paused clock's auto-advance). */
  idleDrivers(): boolean {
    const busy = this.blockingBusy;
    for (const driver of this.drivers) if (driver.onIdle?.(busy) === true) return true;
    return false;
  }

  /** Parks the thread synchronously for up to `timeoutMs`. */
  park(timeoutMs: number): void {
    this.parkCount++;
    const start = performance.now();
    if (this.parker.park(timeoutMs)) this.unparkCount++;
    this.busyMs -= performance.now() - start;
  }

  /** Shuts down: tasks cancelled (finally blocks run), drivers shut, pool given `timeoutMs`. */
  shutdown(timeoutMs: number): void {
    if (this.isShutdown) return;
    this.inject.close(this);
    this.isShutdown = true;
    this.scheduler.shutdown();
    for (const driver of this.drivers) {
      try {
        driver.shutdown();
      } catch (error) {
        console.error('[tide] a driver failed to shut down', error);
      }
    }
    this.pool?.shutdown(timeoutMs);
    // Results of blocking tasks that finished within the timeout reach their handles.
    this.pool?.poll();
    this.inject.drain(this);
    this.inject.dispose();
  }

  /** A snapshot of the counters. */
  metrics(): RuntimeMetrics {
    const pool = this.pool;
    return {
      numWorkers: 1,
      numAliveTasks: this.scheduler.aliveTasks,
      globalQueueDepth: this.scheduler.queueDepth,
      spawnedTasksCount: this.scheduler.spawnedCount,
      numBlockingThreads: pool?.threads ?? 0,
      numIdleBlockingThreads: pool?.idleThreads ?? 0,
      blockingQueueDepth: pool?.queueDepth ?? 0,
      workers: [
        {
          parkCount: this.parkCount,
          unparkCount: this.unparkCount,
          busyMs: Math.max(0, this.busyMs),
          pollCount: this.scheduler.pollCount,
          stealCount: 0,
          localQueueDepth: this.scheduler.queueDepth,
        },
      ],
    };
  }
}
