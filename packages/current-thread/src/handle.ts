import {
  DriverNotDrivenError,
  NestedBlockOnError,
  EnterGuard,
  type JoinHandle,
  type NotAsync,
  type RequirementsOf,
  type RuntimeHandle,
  type RuntimeMetrics,
  type SharedHandle,
  type Task,
  type TaskArgs,
  type TaskOutput,
  type TaskRef,
  type WithinDrivers,
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
  spawn<F extends Task>(task: F & WithinDrivers<F, Drivers>, ...args: TaskArgs<F>): JoinHandle<TaskOutput<F>, RequirementsOf<F>> {
    return this.core.spawn(task, args) as unknown as JoinHandle<TaskOutput<F>, RequirementsOf<F>>;
  }

  /** Runs a synchronous TaskRef on the blocking pool. */
  spawnBlocking<A extends unknown[], T>(task: TaskRef<A, T, never>, ...args: A): JoinHandle<Awaited<T>> {
    return this.core.spawnBlocking(task as unknown as TaskRef<unknown[], unknown, string>, args) as unknown as JoinHandle<Awaited<T>>;
  }

  /**
   * Runs the task on this thread and returns its value, running ready tasks meanwhile — but
   * without turning the drivers: only tasks that need none are accepted.
   */
  blockOn<F extends Task>(task: F & WithinDrivers<F, never> & NotAsync<F>, ...args: TaskArgs<F>): TaskOutput<F> {
    const core = this.core;
    // Between two slices of `run()` no task is on the stack, but the runtime is still being driven.
    if (core.driving) throw new NestedBlockOnError();
    return blockOnLoop<TaskOutput<F>>(core.scheduler, task, args, {
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
