/**
 * `@tide/core/driver`: what plugin authors (drivers) and flavor authors (schedulers) build on.
 * Application code imports `@tide/core` instead.
 *
 * @packageDocumentation
 */

// The driver contract.
export {
  defineDriver,
  toSendable,
  fromSendable,
  type Driver,
  type DriverContext,
  type DriverFactory,
  type SendableDriverFactory,
} from './driver/driver.js';
export { Parker, threadParker, unparkParker, PARKER_EMPTY, PARKER_PARKED, PARKER_NOTIFIED } from './driver/parker.js';
export { workerExecArgv } from './driver/worker-exec-argv.js';
export { HostPark } from './driver/host-park.js';
export {
  registerForeignCompletions,
  drainForeignCompletions,
  awaitingForeignCompletions,
  parkForForeignCompletions,
  type ForeignCompletions,
} from './driver/foreign-completions.js';
export { currentDriver } from './driver/current-driver.js';

// The scheduler engine and the pieces a flavor composes.
export { LocalScheduler, DEFAULT_BUDGET, disposeFuture, taskFunction, type LocalSchedulerOptions } from './scheduler/local-scheduler.js';
export { blockOnLoop, type BlockOnHooks } from './scheduler/block-on.js';
export { Outcome, allocateTaskId, type TaskOwner } from './task/join-handle.js';
export { CountedJoinHandle, type JoinCounter } from './task/counted-join-handle.js';
export type { RuntimeCore } from './runtime/runtime-core.js';
export { allocateRuntimeId } from './runtime/runtime-id.js';
export { RuntimeBuilderBase, positiveInteger, type CommonRuntimeConfig } from './runtime/builder-base.js';
export { InjectQueue, type InjectTarget, type InjectByNameTarget } from './runtime/inject-queue.js';
export type { InjectMessage, DoneMessage } from './runtime/inject-protocol.js';
export { RemoteHandle, assertSendableArgs } from './context/remote-handle.js';
export { currentFrame, swapFrame, enterDriving, exitDriving, isDrivingOrInTask, type ContextFrame } from './context/frame.js';
export { lookupTaskRef, resolveTaskRef } from './task/task-ref.js';
export { BlockingPool, type BlockingPoolOptions } from './blocking/pool.js';
export { encodeThrown, decodeThrown, type EncodedThrown, type EncodedError } from './blocking/error-codec.js';
export { describe as describeThrown, describeArgument } from './errors.js';
export { keepHiddenClass } from './hidden-class.js';
