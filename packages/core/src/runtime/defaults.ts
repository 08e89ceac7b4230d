import { currentFrame } from '../context/frame.js';
import { NoRuntimeError } from '../errors.js';
import type { JoinHandle } from '../task/join-handle.js';
import type { TaskRef } from '../task/task-ref.js';
import type { NotAsync, RequirementsOf, Task, TaskArgs, TaskOutput } from '../task/task-types.js';
import type { RuntimeHandle } from './runtime-handle.js';

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
export function spawn<F extends Task>(task: F, ...args: TaskArgs<F>): JoinHandle<TaskOutput<F>, RequirementsOf<F>> {
  return (handle().spawn as (t: unknown, ...a: unknown[]) => JoinHandle<TaskOutput<F>, RequirementsOf<F>>)(task, ...(args as unknown[]));
}

/** Runs a synchronous TaskRef on the blocking pool of {@link handle}(). */
export function spawnBlocking<A extends unknown[], T>(task: TaskRef<A, T, never>, ...args: A): JoinHandle<Awaited<T>> {
  return handle().spawnBlocking(task, ...args);
}

/**
 * Blocks this thread on a task using {@link handle}() (outside a runtime context: the default
 * runtime). Throws `NestedBlockOnError` from inside a task.
 */
export function blockOn<F extends Task>(task: F & NotAsync<F>, ...args: TaskArgs<F>): TaskOutput<F> {
  return (handle().blockOn as (t: unknown, ...a: unknown[]) => TaskOutput<F>)(task, ...(args as unknown[]));
}
