import { NoRuntimeError, type JoinHandle, type RequirementsOf, type TaskArgs, type TaskOutput } from '@tide/core';
import { currentFrame } from '@tide/core/driver';
import type { HandleBackend } from './handle.js';

/**
 * Runs a closure (generator, async or plain function) as a task on the current worker thread of
 * a multi-thread runtime, without sending it anywhere — for work that captures local state.
 * Throws `NoRuntimeError` outside a task running on a multi-thread worker.
 *
 * ```ts
 * export const fanOut = defineTask(import.meta.url, 'fanOut', function* (n: number) {
 *   const cache = new Map();
 *   const h = spawnLocal(function* () { cache.set('k', 1); });
 *   yield* h;
 * });
 * ```
 */
export function spawnLocal<F extends (...args: never[]) => unknown>(task: F, ...args: TaskArgs<F>): JoinHandle<TaskOutput<F>, RequirementsOf<F>> {
  const runtime = currentFrame()?.runtime as Partial<HandleBackend> | undefined;
  if (runtime?.spawnLocal === undefined) throw new NoRuntimeError('spawnLocal() (inside a task running on a multi-thread worker)');
  return runtime.spawnLocal(task, args) as unknown as JoinHandle<TaskOutput<F>, RequirementsOf<F>>;
}
