import { currentFrame } from '../context/frame.js';
import { NoRuntimeError } from '../errors.js';

/** What a running task can learn about itself. */
export interface CurrentTask {
  /** The task's id. */
  readonly id: number;
  /** Aborted when the task is cancelled: async tasks pass it to their own IO (fetch, streams, …). */
  readonly signal: AbortSignal;
}

/** The task that is running, or undefined outside tasks. */
export function tryCurrentTask(): CurrentTask | undefined {
  return currentFrame()?.task ?? undefined;
}

/** The task that is running. Throws {@link NoRuntimeError} outside a task. */
export function currentTask(): CurrentTask {
  const task = currentFrame()?.task;
  if (!task) throw new NoRuntimeError('currentTask()');
  return task;
}
