import type { EnterGuard } from '../context/enter-guard.js';
import type { JoinHandle } from '../task/join-handle.js';
import type { TaskRef } from '../task/task-ref.js';
import type { NotAsync, RequirementsOf, Task, TaskArgs, TaskOutput, WithinDrivers } from '../task/task-types.js';
import type { RuntimeMetrics } from './metrics.js';
import type { SharedHandle } from './shared-handle.js';

/** Which scheduler a runtime uses. Third-party flavors may name their own. */
export type RuntimeFlavor = 'current_thread' | 'multi_thread' | (string & {});

/**
 * The contract every tide runtime implements, and what libraries code against.
 *
 * `Drivers` is the union of driver names the runtime was built with; `BlockOnDrivers` the ones its
 * synchronous `blockOn` can turn (`never` for a current-thread `Handle`: it cannot drive IO or
 * timers, and the compiler enforces it).
 */
export interface RuntimeHandle<Drivers extends string = string, BlockOnDrivers extends string = Drivers> {
  /** A process-unique id of the runtime; two handles of one runtime have the same id. */
  readonly id: number;
  /** The scheduler flavor. */
  readonly flavor: RuntimeFlavor;
  /** The name given on the builder, if any. */
  readonly name: string | undefined;
  /** The names of the drivers the runtime was built with. */
  readonly drivers: readonly string[];

  /**
   * Spawns a task. It starts as soon as the runtime is driven; the returned handle joins it.
   * A task whose requirements the runtime does not cover is a compile error.
   */
  spawn<F extends Task>(task: F & WithinDrivers<F, Drivers>, ...args: TaskArgs<F>): JoinHandle<TaskOutput<F>, RequirementsOf<F>>;

  /**
   * Runs a synchronous TaskRef on the blocking pool (worker threads), so CPU-heavy or blocking
   * code does not stall the runtime. Abort only cancels it while it has not started.
   */
  spawnBlocking<A extends unknown[], T>(task: TaskRef<A, T, never>, ...args: A): JoinHandle<Awaited<T>>;

  /**
   * Runs a task to completion on the calling thread and returns its value synchronously.
   * Throws `NestedBlockOnError` if this thread is already driving a runtime.
   */
  blockOn<F extends Task>(task: F & WithinDrivers<F, BlockOnDrivers> & NotAsync<F>, ...args: TaskArgs<F>): TaskOutput<F>;

  /** Enters the runtime context on this thread until the guard is disposed. */
  enter(): EnterGuard;

  /** A snapshot of the runtime's counters. */
  metrics(): RuntimeMetrics;

  /** A transferable description of this handle, for `Handle.fromShared()` on another thread. */
  share(): SharedHandle;
}
