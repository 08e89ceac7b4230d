/**
 * `@tide/core`: the contract every tide runtime implements, and everything an application or
 * library author uses: handles and context, tasks and join handles, sendable tasks, the
 * runtime-independent sync primitives, the free functions, and the errors.
 *
 * Plugin and flavor authors find the driver contract and the scheduler engine in
 * `@tide/core/driver`.
 *
 * @packageDocumentation
 */

// The poll protocol and futures.
export { PENDING, NOOP_WAKER, NOOP_CONTEXT, type Poll, type Waker, type Context } from './future/poll.js';
export type { Suspend, RequirementsOfYield } from './future/suspend.js';
export { isFuture, type Future, type TideFuture, type FutureOutput, type FutureRequirements } from './future/future.js';
export { FutureBase, Ready, ready, pollFn, toPromise, suspendOn } from './future/future-base.js';
export { GeneratorFuture } from './future/generator-future.js';

// Tasks.
export type { Task, TaskArgs, TaskOutput, RequirementsOf, WithinDrivers, NotAsync } from './task/task-types.js';
export { defineTask, isTaskRef, type TaskRef } from './task/task-ref.js';
export { JoinHandle } from './task/join-handle.js';
export { AbortHandle } from './task/abort-handle.js';
export { JoinSet, type JoinedTask } from './task/join-set.js';
export { currentTask, tryCurrentTask, type CurrentTask } from './task/current-task.js';

// Handles and context.
export type { RuntimeHandle, RuntimeFlavor } from './runtime/runtime-handle.js';
export type { RuntimeMetrics, WorkerMetrics } from './runtime/metrics.js';
export type { SpawnFn, BlockOnFn, RunFn, SpawnBlockingFn, PlainValue } from './runtime/signatures.js';
export type { SharedHandle } from './runtime/shared-handle.js';
export { Handle, TryCurrentError, type TryCurrentResult } from './context/handle.js';
export { EnterGuard } from './context/enter-guard.js';
export { setDefaultRuntime, handle, spawn, spawnBlocking, blockOn } from './runtime/defaults.js';

// Runtime-independent sync primitives.
export * from './sync/index.js';

// Errors.
export {
  TideError,
  NoRuntimeError,
  NestedBlockOnError,
  DriverDisabledError,
  DriverNotDrivenError,
  RuntimeShutdownError,
  DeadlockError,
  EnterGuardOrderError,
  JoinError,
  Elapsed,
  WorkerExitedError,
  ChannelClosedError,
  NotSendableError,
  TaskNotFoundError,
  InvalidTaskError,
  DriverAlreadyEnabledError,
  InvalidArgumentError,
  ArgumentRangeError,
  type TideErrorCode,
  type JoinErrorKind,
} from './errors.js';
