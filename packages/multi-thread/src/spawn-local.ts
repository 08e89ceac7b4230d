import { NoRuntimeError, NotSendableError, type JoinHandle, type RequirementsOf, type TaskArgs, type TaskOutput } from '@tide/core';
import { currentFrame } from '@tide/core/driver';
import type { HandleBackend } from './handle.js';

/**
 * Runs a closure (generator, async or plain function) as a task on the current worker thread of
 * a multi-thread runtime, without sending it anywhere — for work that captures local state.
 * Throws `NoRuntimeError` outside any runtime, and `NotSendableError` in the context of another
 * runtime (a current-thread task, or the thread that built the multi-thread runtime): there the
 * closure cannot reach a worker (spawn a TaskRef, or use that runtime's own `spawn`).
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
  const frame = currentFrame();
  if (frame === null) throw new NoRuntimeError('spawnLocal() (inside a task running on a multi-thread worker)');
  const runtime = frame.runtime as Partial<HandleBackend>;
  if (runtime.spawnLocal === undefined) {
    throw new NotSendableError(
      'spawnLocal runs a closure on the current multi-thread worker, and this code does not run on one: ' +
        "use the current runtime's own spawn here (Handle.current().spawn), or spawn a TaskRef onto the multi-thread runtime",
    );
  }
  return runtime.spawnLocal(task, args) as unknown as JoinHandle<TaskOutput<F>, RequirementsOf<F>>;
}
