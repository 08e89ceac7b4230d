import { currentFrame } from '../context/frame.js';
import { NoRuntimeError } from '../errors.js';
import type { RuntimeHandle } from './runtime-handle.js';
import type { BlockOnFn, SpawnBlockingFn, SpawnFn } from './signatures.js';

let defaultRuntime: RuntimeHandle | undefined;

/**
 * Installs the runtime the free functions (`spawn`, `blockOn`, …) use when the calling code is
 * not inside a runtime context — the way a Tauri app installs its async runtime once, and
 * libraries just call `spawn`. Pass `undefined` to uninstall.
 */
export function setDefaultRuntime(handle: RuntimeHandle | undefined): void {
  defaultRuntime = handle;
}

/** The runtime of the calling code, else the default runtime; throws {@link NoRuntimeError} if neither. */
export function handle(): RuntimeHandle {
  const frame = currentFrame();
  if (frame !== null) return frame.runtime.handle;
  if (defaultRuntime !== undefined) return defaultRuntime;
  throw new NoRuntimeError('spawn / spawnBlocking / blockOn / handle()');
}

/** Spawns a task on {@link handle}(). Requirements are checked when the runtime runs the task. */
/* eslint-disable prefer-rest-params -- `arguments` read by index and length is never materialized: spawn allocates no argument array on its one-argument fast path */
export const spawn: SpawnFn<string> = function spawn(task: unknown): unknown {
  const count = arguments.length - 1;
  const frame = currentFrame();
  // The one-argument call is the hot path (`spawn(worker, item)`): no argument array.
  if (frame !== null && count === 1 && frame.runtime.spawnTask1 !== undefined) return frame.runtime.spawnTask1(task, arguments[1]);
  const args = new Array<unknown>(count < 0 ? 0 : count);
  for (let i = 0; i < count; i++) args[i] = arguments[i + 1];
  if (frame !== null) return frame.runtime.spawnTask(task, args);
  return (handle().spawn as (t: unknown, ...a: unknown[]) => unknown)(task, ...args);
} as SpawnFn<string>;
/* eslint-enable prefer-rest-params */

/** Runs a synchronous TaskRef on the blocking pool of {@link handle}(). */
export const spawnBlocking: SpawnBlockingFn = (task, ...args) => handle().spawnBlocking(task, ...args);

/**
 * Blocks this thread on a task using {@link handle}() (outside a runtime context: the default
 * runtime). Throws `NestedBlockOnError` from inside a task.
 */
export const blockOn: BlockOnFn<string> = ((task: unknown, ...args: unknown[]) =>
  (handle().blockOn as (t: unknown, ...a: unknown[]) => unknown)(task, ...args));
