import { Handle } from '../context/handle.js';
import { FutureBase, pollFn } from '../future/future-base.js';
import type { TideFuture } from '../future/future.js';
import { NOOP_CONTEXT, PENDING, type Context, type Poll, type Waker } from '../future/poll.js';
import type { RuntimeHandle } from '../runtime/runtime-handle.js';
import { Outcome, type JoinHandle } from './join-handle.js';
import type { Future } from '../future/future.js';
import type { Suspend } from '../future/suspend.js';
import type { TaskRef } from './task-ref.js';

/** A task of a {@link JoinSet} that finished: its id and value. */
export interface JoinedTask<T> {
  /** The finished task's id. */
  readonly id: number;
  /** Its value. */
  readonly value: T;
}

/** Moves a finished member to the set's ready queue and wakes whoever waits in `joinNext`. */
class MemberWaker<T> implements Waker {
  constructor(
    private readonly set: JoinSet<T>,
    private readonly task: JoinHandle<T, string>,
  ) {}
  wake(): void {
    this.set.memberFinished(this.task);
  }
}

/** The future `joinSet.joinNext()` returns. */
class JoinNext<T> extends FutureBase<JoinedTask<T> | undefined> {
  constructor(private readonly set: JoinSet<T>) {
    super();
  }
  poll(cx: Context): Poll<JoinedTask<T> | undefined> {
    return this.set.pollJoinNext(cx);
  }
}

/**
 * A collection of tasks, joined in the order they finish (Tokio's `JoinSet`). Disposing the set
 * aborts every task still in it.
 *
 * ```ts
 * const set = new JoinSet<number>();
 * for (const n of inputs) set.spawn(work, n);
 * for (let r; (r = yield* set.joinNext()); ) total += r.value;
 * ```
 */
export class JoinSet<T> implements Disposable {
  private readonly members = new Set<JoinHandle<T, string>>();
  private readonly finished: JoinHandle<T, string>[] = [];
  private waiter: Waker | null = null;

  /** @param runtime - where `spawn` starts tasks; default: the current runtime at each spawn. */
  constructor(private readonly runtime?: RuntimeHandle) {}

  /** Tasks in the set (running or finished and not yet joined). */
  get size(): number {
    return this.members.size;
  }

  /** True if the set holds no task. */
  isEmpty(): boolean {
    return this.members.size === 0;
  }

  /** Spawns a generator task into the set. */
  spawn<A extends unknown[]>(task: (...args: A) => Generator<Suspend, T, unknown>, ...args: A): JoinHandle<T, string>;
  /** Spawns a sendable task into the set. */
  spawn<A extends unknown[]>(task: TaskRef<A, T, string>, ...args: A): JoinHandle<T, string>;
  /** Spawns a function returning a future or a promise (an async function) into the set. */
  spawn<A extends unknown[]>(task: (...args: A) => Future<T, string> | PromiseLike<T>, ...args: A): JoinHandle<T, string>;
  /** Spawns a plain function into the set. */
  spawn<A extends unknown[]>(task: (...args: A) => T, ...args: A): JoinHandle<T, string>;
  spawn(task: unknown, ...args: unknown[]): JoinHandle<T, string> {
    const runtime = this.runtime ?? Handle.current();
    const handle = (runtime.spawn as (t: unknown, ...a: unknown[]) => JoinHandle<T, string>)(task, ...args);
    this.add(handle);
    return handle;
  }

  /** Adds an already spawned task; the set now owns joining it. */
  add(handle: JoinHandle<T, string>): void {
    this.members.add(handle);
    handle.observed = true;
    handle.joinWaker = new MemberWaker(this, handle);
    if (handle.outcome !== Outcome.None) this.memberFinished(handle);
  }

  /**
   * Waits for the next task to finish and gives its id and value, or `undefined` when the set is
   * empty. A task that failed makes it throw that task's `JoinError`.
   */
  joinNext(): FutureBase<JoinedTask<T> | undefined> {
    return new JoinNext(this);
  }

  /** Like {@link joinNext} without waiting: `undefined` if no task has finished yet. */
  tryJoinNext(): JoinedTask<T> | undefined {
    const task = this.finished.shift();
    return task === undefined ? undefined : this.take(task);
  }

  /** Aborts every task in the set; they stay in it until joined. */
  abortAll(): void {
    for (const task of this.members) task.abort();
  }

  /** Removes every task from the set without aborting it: they keep running, detached. */
  detachAll(): void {
    for (const task of this.members) task.joinWaker = null;
    this.members.clear();
    this.finished.length = 0;
  }

  /** Aborts every task and resolves once all have finished (their `finally` blocks ran). */
  shutdown(): TideFuture<void> {
    this.abortAll();
    return pollFn((cx) => {
      for (;;) {
        let next: Poll<JoinedTask<T> | undefined>;
        try {
          next = this.pollJoinNext(cx);
        } catch {
          continue; // cancelled or failed: either way that task is gone
        }
        if (next === PENDING) return PENDING;
        if (next === undefined) return undefined;
      }
    });
  }

  /** Aborts every task still in the set. */
  [Symbol.dispose](): void {
    this.abortAll();
  }

  /** @internal */
  memberFinished(task: JoinHandle<T, string>): void {
    if (!this.members.has(task)) return;
    this.finished.push(task);
    const waiter = this.waiter;
    if (waiter !== null) {
      this.waiter = null;
      waiter.wake();
    }
  }

  /** @internal */
  pollJoinNext(cx: Context): Poll<JoinedTask<T> | undefined> {
    const task = this.finished.shift();
    if (task !== undefined) return this.take(task);
    if (this.members.size === 0) return undefined;
    this.waiter = cx.waker;
    return PENDING;
  }

  private take(task: JoinHandle<T, string>): JoinedTask<T> {
    this.members.delete(task);
    // Polling a finished handle returns its value or throws its JoinError.
    const value = task.poll(NOOP_CONTEXT) as T;
    return { id: task.id, value };
  }
}
