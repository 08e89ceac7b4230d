import type { EnterGuard } from '../context/enter-guard.js';
import type { RuntimeMetrics } from './metrics.js';
import type { SharedHandle } from './shared-handle.js';
import type { BlockOnFn, SpawnBlockingFn, SpawnFn } from './signatures.js';

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
  readonly spawn: SpawnFn<Drivers>;

  /**
   * Runs a synchronous TaskRef on the blocking pool (worker threads), so CPU-heavy or blocking
   * code does not stall the runtime. Abort only cancels it while it has not started.
   */
  readonly spawnBlocking: SpawnBlockingFn;

  /**
   * Runs a task to completion on the calling thread and returns its value synchronously.
   * Throws `NestedBlockOnError` if this thread is already driving a runtime.
   */
  readonly blockOn: BlockOnFn<BlockOnDrivers>;

  /** Enters the runtime context on this thread until the guard is disposed. */
  enter(): EnterGuard;

  /** A snapshot of the runtime's counters. */
  metrics(): RuntimeMetrics;

  /** A transferable description of this handle, for `Handle.fromShared()` on another thread. */
  share(): SharedHandle;
}
