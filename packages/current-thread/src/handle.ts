import {
  DriverNotDrivenError,
  EnterGuard,
  NestedBlockOnError,
  type BlockOnFn,
  type RuntimeHandle,
  type RuntimeMetrics,
  type SharedHandle,
  type SpawnBlockingFn,
  type SpawnFn,
  type TaskRef,
} from '@tide/core';
import { blockOnLoop } from '@tide/core/driver';
import type { CurrentThreadCore } from './runtime-core.js';

/**
 * A handle to a current-thread runtime: spawn onto it, enter its context, share it with worker
 * threads. Its `blockOn` polls the future and runs ready tasks but never turns IO or timers, so
 * it only accepts tasks whose requirements are `never` — a compile error otherwise, and a
 * `DriverNotDrivenError` at run time (where Tokio would hang).
 */
export class CurrentThreadHandle<Drivers extends string> implements RuntimeHandle<Drivers, never> {
  /** @internal Use `runtime.handle()`. */
  constructor(private readonly core: CurrentThreadCore) {}

  /** The runtime's id. */
  get id(): number {
    return this.core.id;
  }
  /** Always `'current_thread'`. */
  get flavor(): 'current_thread' {
    return 'current_thread';
  }
  /** The runtime's name. */
  get name(): string | undefined {
    return this.core.config.name;
  }
  /** The drivers the runtime was built with. */
  get drivers(): readonly string[] {
    return this.core.driverNames;
  }

  /** Spawns a task; it runs when the runtime is driven (`blockOn` / `run`). */
  readonly spawn: SpawnFn<Drivers> = ((task: unknown, ...args: unknown[]) => this.core.spawn(task, args)) as SpawnFn<Drivers>;

  /**
   * Runs a synchronous TaskRef on the blocking pool. Unlike a spawned task, it runs whether or not
   * the runtime is driven: host code can `await` its handle at any time (the process stays alive
   * until that await settles).
   */
  readonly spawnBlocking: SpawnBlockingFn = ((task: TaskRef<unknown[], unknown, string>, ...args: unknown[]) =>
    this.core.spawnBlocking(task, args)) as SpawnBlockingFn;

  /**
   * Runs the task on this thread and returns its value, running ready tasks meanwhile — but
   * without turning the drivers: only tasks that need none are accepted.
   */
  readonly blockOn: BlockOnFn<never> = ((task: unknown, ...args: unknown[]) => this.blockOnWithoutDrivers(task, args));

  private blockOnWithoutDrivers(task: unknown, args: unknown[]): unknown {
    const core = this.core;
    // Between two slices of `run()` no task is on the stack, but the runtime is still being driven.
    if (core.driving) throw new NestedBlockOnError();
    return blockOnLoop(core.scheduler, task, args, {
      eventInterval: core.config.eventInterval,
      turn: () => core.turn(false),
      idle: () => {
        const waiting = core.driversWithPendingWork();
        if (waiting.length > 0) throw new DriverNotDrivenError(waiting);
        if (!core.awaitingOtherThreads) return false;
        core.park(Infinity);
        return true;
      },
    });
  }

  /** Enters the runtime's context on this thread until the guard is disposed. */
  enter(): EnterGuard {
    return new EnterGuard(this.core);
  }

  /** A snapshot of the runtime's counters. */
  metrics(): RuntimeMetrics {
    return this.core.metrics();
  }

  /**
   * A transferable handle for a worker thread: post it with its port in the transfer list
   * (`worker.postMessage(shared, [shared.port])`) and rebuild it there with `Handle.fromShared`.
   */
  share(): SharedHandle {
    return this.core.share();
  }
}
