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
export const spawn: SpawnFn<string> = ((task: unknown, ...args: unknown[]) => {
  const frame = currentFrame();
  if (frame !== null) return frame.runtime.spawnTask(task, args);
  return (handle().spawn as (t: unknown, ...a: unknown[]) => unknown)(task, ...args);
}) as SpawnFn<string>;

/** Runs a synchronous TaskRef on the blocking pool of {@link handle}(). */
export const spawnBlocking: SpawnBlockingFn = (task, ...args) => handle().spawnBlocking(task, ...args);

/**
 * Blocks this thread on a task using {@link handle}() (outside a runtime context: the default
 * runtime). Throws `NestedBlockOnError` from inside a task.
 */
export const blockOn: BlockOnFn<string> = ((task: unknown, ...args: unknown[]) =>
  (handle().blockOn as (t: unknown, ...a: unknown[]) => unknown)(task, ...args));
