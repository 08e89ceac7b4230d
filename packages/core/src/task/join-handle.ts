import { JoinError } from '../errors.js';
import { FutureBase } from '../future/future-base.js';
import { PENDING, type Context, type Poll, type Waker } from '../future/poll.js';
import type { Suspend } from '../future/suspend.js';
import type { RuntimeCore } from '../runtime/runtime-core.js';
import { AbortHandle } from './abort-handle.js';

/** How a task ended: still running, returned, threw, or was cancelled. */
export const Outcome = { None: 0, Ok: 1, Panic: 2, Cancelled: 3 } as const;
/** One of the {@link Outcome} values. */
export type Outcome = (typeof Outcome)[keyof typeof Outcome];

/**
 * Who runs a task: the local scheduler, or a flavor that runs it elsewhere (a worker thread).
 * The join handle asks it to abort.
 */
export interface TaskOwner {
  /** Requests cancellation of `task` (idempotent). */
  abortTask(task: JoinHandle<unknown, string>): void;
}

let nextTaskId = 1;

/** Allocates a process-unique task id (per thread; ids are for messages and metrics). */
export function allocateTaskId(): number {
  return nextTaskId++;
}

/**
 * Joins a spawned task: `yield* handle` in a generator task or `await handle` in async code gives
 * the task's value, or throws {@link JoinError} (cancelled, or the task threw). Dropping the handle
 * detaches the task; it keeps running.
 *
 * The handle is also the task's cell inside the scheduler: one object per task keeps spawning cheap.
 * Fields marked internal belong to the scheduler.
 */
export class JoinHandle<T, R extends string = never> extends FutureBase<T, R> implements Waker, Context {
  /** The task's id, unique on this thread. */
  readonly id: number;
  /** @internal The task as the scheduler sees it: runtime, and the task for `currentTask()`. */
  readonly runtime: RuntimeCore;
  /** @internal Scheduler state bits. */
  state = 0;
  /** @internal Function and arguments until the task starts. */
  fn: ((...args: unknown[]) => unknown) | null;
  /** @internal */
  args: unknown[] | null;
  /** @internal The generator of a generator task. */
  gen: Generator<Suspend, unknown, unknown> | null = null;
  /** @internal The future a generator task is suspended on. */
  awaiting: Suspend | null = null;
  /** @internal Next task in the run queue (intrusive list: no allocation per schedule). */
  nextQueued: JoinHandle<unknown, string> | null = null;
  /** @internal Neighbours in the owner's list of alive tasks (for shutdown). */
  prevAlive: JoinHandle<unknown, string> | null = null;
  /** @internal */
  nextAlive: JoinHandle<unknown, string> | null = null;
  /** @internal */
  outcome: Outcome = Outcome.None;
  /** @internal The value, or what was thrown. */
  result: unknown = undefined;
  /** @internal The waker of whoever joins this task. */
  joinWaker: Waker | null = null;
  /** @internal Set once someone joined (polled) the handle: its failure is then not "unhandled". */
  observed = false;
  /** @internal */
  abortController: AbortController | null = null;
  /** @internal */
  readonly owner: TaskOwner;
  /** @internal `this`, so the task is its own poll context with no extra allocation. */
  readonly waker: Waker = this;
  /** @internal Called by the owner's scheduler on wake. */
  private readonly onWake: ((task: JoinHandle<unknown, string>) => void) | null;

  /** @internal Created by runtimes; application code gets handles from `spawn`. */
  constructor(
    runtime: RuntimeCore,
    owner: TaskOwner,
    fn: ((...args: unknown[]) => unknown) | null,
    args: unknown[] | null,
    onWake: ((task: JoinHandle<unknown, string>) => void) | null,
    id: number = nextTaskId++,
  ) {
    super();
    this.runtime = runtime;
    this.owner = owner;
    this.fn = fn;
    this.args = args;
    this.onWake = onWake;
    this.id = id;
  }

  /** @internal The task itself is `this` (for the context frame). */
  get task(): JoinHandle<unknown, string> {
    return this;
  }

  /** Wakes the task (it is its own waker). Harmless to call; the scheduler decides when it runs. */
  wake(): void {
    this.onWake?.(this);
  }

  /** Polls for the task's outcome. See {@link Future.poll}. */
  poll(cx: Context): Poll<T> {
    this.observed = true;
    switch (this.outcome) {
      case Outcome.None:
        this.joinWaker = cx.waker;
        return PENDING;
      case Outcome.Ok:
        return this.result as T;
      case Outcome.Panic:
        throw new JoinError('panic', this.id, this.result);
      default:
        throw new JoinError('cancelled', this.id);
    }
  }

  /** Detaches from the task without waiting: disposing a join handle does not cancel it (as in Tokio). */
  override [Symbol.dispose](): void {
    if (this.joinWaker === this.waker) this.joinWaker = null;
  }

  /**
   * Cancels the task at its next suspension point: a generator task's `finally` blocks run (and
   * may themselves `yield*`); an async task's `currentTask().signal` aborts and the handle settles
   * as cancelled at once. Aborting twice, or a finished task, does nothing.
   */
  abort(): void {
    if (this.outcome === Outcome.None) this.owner.abortTask(this);
  }

  /** True once the task has finished (value, failure or cancellation). */
  isFinished(): boolean {
    return this.outcome !== Outcome.None;
  }

  /** A handle that can abort the task but not join it. */
  abortHandle(): AbortHandle {
    return new AbortHandle(this);
  }

  /** The task's AbortSignal: aborted when the task is cancelled. Async tasks watch it. */
  get signal(): AbortSignal {
    this.abortController ??= new AbortController();
    return this.abortController.signal;
  }

  /**
   * @internal Records the outcome and wakes the joiner. Returns false if it was already settled.
   * Flavors that run the task elsewhere call it when the result arrives.
   */
  settle(outcome: Outcome, result: unknown): boolean {
    if (this.outcome !== Outcome.None) return false;
    this.outcome = outcome;
    this.result = result;
    this.fn = null;
    this.args = null;
    this.gen = null;
    this.awaiting = null;
    if (outcome === Outcome.Cancelled) this.abortController?.abort(new JoinError('cancelled', this.id));
    const waker = this.joinWaker;
    if (waker !== null) {
      this.joinWaker = null;
      waker.wake();
    }
    return true;
  }
}
