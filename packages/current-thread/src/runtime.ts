import {
  DeadlockError,
  JoinError,
  NestedBlockOnError,
  ArgumentRangeError,
  type BlockOnFn,
  type EnterGuard,
  type RunFn,
  type RuntimeMetrics,
  type SharedHandle,
  type SpawnBlockingFn,
  type SpawnFn,
  type TaskRef,
} from '@tide/core';
import { awaitingForeignCompletions, blockOnLoop, describeArgument, enterDriving, exitDriving, isDrivingOrInTask, Outcome } from '@tide/core/driver';
import { CurrentThreadBuilder } from './builder.js';
import { CurrentThreadHandle } from './handle.js';
import { CurrentThreadCore, type CurrentThreadConfig } from './runtime-core.js';

// A ref'd host timer can wait at most this long (setTimeout's limit).
const MAX_HOST_TIMER_MS = 2 ** 31 - 1;
// While tasks stay runnable, run() lets microtasks (async tasks' continuations) run between two
// slices, and host macrotasks (IO callbacks, timers, setImmediate) at least this often.
const HOST_YIELD_MS = 1;

/**
 * A Tokio `current_thread` runtime: tasks run on the thread that drives it, either synchronously
 * with {@link CurrentThreadRuntime.blockOn} (which turns timers and IO itself and parks the thread
 * with `Atomics.wait` when idle) or from the host event loop with {@link CurrentThreadRuntime.run}.
 *
 * `Drivers` is the union of driver names it was built with; tasks needing others do not compile.
 */
export class CurrentThreadRuntime<Drivers extends string = never> implements Disposable {
  private readonly core: CurrentThreadCore;
  private readonly runtimeHandle: CurrentThreadHandle<Drivers>;

  /** Starts a builder: `CurrentThreadRuntime.builder().enable(timeDriver()).build()`. */
  static builder(): CurrentThreadBuilder<never> {
    return new CurrentThreadBuilder();
  }

  /** @internal Use {@link CurrentThreadRuntime.builder}. */
  constructor(config: CurrentThreadConfig) {
    this.core = new CurrentThreadCore(config);
    this.runtimeHandle = new CurrentThreadHandle<Drivers>(this.core);
    this.core.handle = this.runtimeHandle;
  }

  /** The runtime's id. */
  get id(): number {
    return this.core.id;
  }
  /** The runtime's name, if the builder gave one. */
  get name(): string | undefined {
    return this.core.config.name;
  }

  /** A handle to this runtime (a cheap view that does not keep it alive). */
  handle(): CurrentThreadHandle<Drivers> {
    return this.runtimeHandle;
  }

  /** Spawns a task; it runs when the runtime is driven. */
  readonly spawn: SpawnFn<Drivers> = ((task: unknown, ...args: unknown[]) => this.core.spawn(task, args)) as SpawnFn<Drivers>;

  /**
   * Runs a synchronous TaskRef on the blocking pool. Unlike a spawned task, it runs whether or not
   * the runtime is driven: host code can `await` its handle at any time (the process stays alive
   * until that await settles).
   */
  readonly spawnBlocking: SpawnBlockingFn = ((task: TaskRef<unknown[], unknown, string>, ...args: unknown[]) =>
    this.core.spawnBlocking(task, args)) as SpawnBlockingFn;

  /** Enters the runtime's context on this thread until the guard is disposed. */
  enter(): EnterGuard {
    return this.runtimeHandle.enter();
  }

  /** A snapshot of the runtime's counters. */
  metrics(): RuntimeMetrics {
    return this.core.metrics();
  }

  /** A transferable handle for a worker thread (see `CurrentThreadHandle.share`). */
  share(): SharedHandle {
    return this.core.share();
  }

  /**
   * Runs the task to completion on this thread and returns its value synchronously, running every
   * spawned task, turning the drivers and parking the thread (`Atomics.wait`) until the next timer
   * or event when idle. The task's error is thrown as is.
   *
   * Throws `NestedBlockOnError` if called from inside a task or while this thread drives a
   * runtime, and `DeadlockError` if the task can never complete.
   */
  readonly blockOn: BlockOnFn<Drivers> = ((task: unknown, ...args: unknown[]) => this.blockOnDriving(task, args));

  private blockOnDriving(task: unknown, args: unknown[]): unknown {
    const core = this.core;
    if (core.driving || isDrivingOrInTask()) throw new NestedBlockOnError();
    core.driving = true;
    core.inSlice = true;
    const start = performance.now();
    try {
      return blockOnLoop(core.scheduler, task, args, {
        eventInterval: core.config.eventInterval,
        turn: () => core.turn(true),
        idle: () => {
          if (core.idleDrivers()) return true;
          const timeout = core.parkTimeout();
          if (timeout === Infinity && core.driversWithPendingWork().length === 0 && !core.awaitingOtherThreads) return false;
          core.park(timeout);
          return true;
        },
      });
    } finally {
      core.busyMs += performance.now() - start;
      core.driving = false;
      core.inSlice = false;
    }
  }

  /**
   * Drives the runtime from the host event loop until the task completes: tasks run in host
   * macrotasks, async tasks' continuations run between them, and when idle the runtime waits for
   * the next timer or event without blocking the thread. Use it when the program also has host
   * work (Node streams, other libraries' promises).
   */
  readonly run: RunFn<Drivers> = ((task: unknown, ...args: unknown[]) => this.runHostDriven(task, args));

  private async runHostDriven(task: unknown, args: unknown[]): Promise<unknown> {
    const core = this.core;
    if (core.driving || isDrivingOrInTask()) throw new NestedBlockOnError();
    core.driving = true;
    let rootWoken = true;
    const root = core.scheduler.createRoot(task, args, () => {
      rootWoken = true;
      core.parker.unpark();
    });
    let lastHostYield = performance.now();
    try {
      for (;;) {
        // One synchronous slice: run what is ready, like blockOn, but never block the thread.
        const start = performance.now();
        enterDriving();
        core.inSlice = true;
        let ran = 0;
        try {
          core.turn(true);
          if (rootWoken) {
            rootWoken = false;
            core.scheduler.runTask(root);
          }
          ran = core.scheduler.runBatch(core.config.eventInterval);
          if (ran < core.config.eventInterval) core.scheduler.reportUnhandled();
        } finally {
          core.inSlice = false;
          exitDriving();
          core.busyMs += performance.now() - start;
        }
        if (root.outcome !== Outcome.None) break;
        if (ran > 0 || rootWoken || core.scheduler.hasRunnable()) {
          // Let async tasks' microtasks run between slices, and host IO callbacks every HOST_YIELD_MS.
          const now = performance.now();
          if (now - lastHostYield < HOST_YIELD_MS) {
            await Promise.resolve();
          } else {
            await new Promise<void>((resolve) => setImmediate(resolve));
            lastHostYield = performance.now();
          }
          continue;
        }
        if (core.idleDrivers()) continue;
        const timeout = core.parkTimeout();
        // A joined multi-thread JoinHandle settles from the host event loop: wait for it.
        const pending =
          timeout !== Infinity ||
          core.driversWithPendingWork().length > 0 ||
          core.awaitingOtherThreads ||
          core.scheduler.asyncInFlight > 0 ||
          awaitingForeignCompletions();
        if (!pending) {
          root.abort();
          core.scheduler.runTask(root);
          throw new DeadlockError(false);
        }
        await this.parkAsync(timeout);
      }
    } finally {
      core.driving = false;
    }
    if (root.outcome === Outcome.Ok) return root.result;
    if (root.outcome === Outcome.Panic) throw root.result;
    throw new JoinError('cancelled', root.id);
  }

  /** Waits without blocking the thread; a ref'd timer keeps Node alive while the runtime waits. */
  private async parkAsync(timeoutMs: number): Promise<void> {
    const core = this.core;
    core.parkCount++;
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), Math.min(Math.max(0, Math.ceil(timeoutMs)), MAX_HOST_TIMER_MS));
    core.parkedAsync = true;
    try {
      if (await core.parker.parkAsync(Infinity, controller.signal)) core.unparkCount++;
    } finally {
      core.parkedAsync = false;
      clearTimeout(timer);
    }
  }

  /**
   * Shuts the runtime down: every task is cancelled at its suspension point (its `finally` blocks
   * run), drivers shut down, and running blocking tasks get `timeoutMs` to finish. Afterwards
   * `spawn` returns cancelled handles and driver-backed futures fail with `RuntimeShutdownError`;
   * runtime-independent futures still work in `handle().blockOn`.
   */
  shutdownTimeout(timeoutMs: number): void {
    if (!(timeoutMs >= 0)) throw new ArgumentRangeError(`shutdownTimeout: timeout must be a non-negative number of milliseconds, got ${describeArgument(timeoutMs)}`);
    this.core.shutdown(timeoutMs);
  }

  /** Shuts down without waiting for blocking tasks (`shutdownTimeout(0)`). */
  shutdownBackground(): void {
    this.core.shutdown(0);
  }

  /** True once the runtime was shut down. */
  get isShutdown(): boolean {
    return this.core.isShutdown;
  }

  /** Shuts down, waiting for running blocking tasks (like dropping a Tokio runtime). */
  [Symbol.dispose](): void {
    this.core.shutdown(Infinity);
  }
}
