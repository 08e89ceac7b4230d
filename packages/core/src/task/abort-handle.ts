import type { JoinHandle } from './join-handle.js';

/** Aborts a task without being able to join it (safe to hand to other code). */
export class AbortHandle {
  /** @internal Use `joinHandle.abortHandle()`. */
  constructor(private readonly task: JoinHandle<unknown, string>) {}
  /** The task's id. */
  get id(): number {
    return this.task.id;
  }
  /** Cancels the task at its next suspension point; see `JoinHandle.abort`. */
  abort(): void {
    this.task.abort();
  }
  /** True once the task has finished. */
  isFinished(): boolean {
    return this.task.isFinished();
  }
}
