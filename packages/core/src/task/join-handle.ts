import { JoinError } from '../errors.js';
import { keepHiddenClass } from '../hidden-class.js';
import { FutureBase } from '../future/future-base.js';
import { NOOP_CONTEXT, PENDING, type Context, type Poll, type Waker } from '../future/poll.js';
import type { Suspend } from '../future/suspend.js';
import type { RuntimeCore } from '../runtime/runtime-core.js';
import { AbortHandle } from './abort-handle.js';

/** How a task ended: still running, returned, threw, or was cancelled. */
export const Outcome = { None: 0, Ok: 1, Panic: 2, Cancelled: 3 } as const;
/** One of the {@link Outcome} values. */
export type Outcome = (typeof Outcome)[keyof typeof Outcome];

/**
 * Who runs a task: the local scheduler, or a flavor that runs it elsewhere (a worker thread).
 * The join handle asks it to abort, and (for tasks polled here) to schedule on wake.
 */
export interface TaskOwner {
  /** Requests cancellation of `task` (idempotent). */
  abortTask(task: JoinHandle<unknown, string>): void;
  /** Schedules `task` to be polled; absent for tasks that run on another thread. */
  wakeTask?(task: JoinHandle<unknown, string>): void;
}

let nextTaskId = 1;

/** Allocates a process-unique task id (per thread; ids are for messages and metrics). */
export function allocateTaskId(): number {
  return nextTaskId++;
}

// Few tasks ask for their AbortSignal: keeping the controller off the task keeps every task smaller.
const abortControllers = new WeakMap<object, AbortController>();

// The iterator result of every join of a finished handle (see JoinHandle.next).
const FINISHED_RESULT: IteratorReturnResult<unknown> = { done: true, value: undefined };

// Bits of `state` owned by the handle; bits 0-7 belong to the scheduler.
const OUTCOME_SHIFT = 8;
const OUTCOME_MASK = 3 << OUTCOME_SHIFT;
const OBSERVED = 1 << 10;

/**
 * Joins a spawned task: `yield* handle` in a generator task or `await handle` in async code gives
 * the task's value, or throws {@link JoinError} (cancelled, or the task threw). Dropping the handle
 * detaches the task; it keeps running.
 *
 * The handle is also the task's cell inside the scheduler: one small object per task keeps
 * spawning cheap (a million live tasks are a million of these). Fields marked internal belong
 * to the scheduler.
 */
export class JoinHandle<T, R extends string = never> extends FutureBase<T, R> implements Waker, Context {
  /** The task's id, unique on this thread. */
  declare readonly id: number;
  /** @internal The runtime the task belongs to (the task is its own context frame). */
  declare readonly runtime: RuntimeCore;
  /** @internal Who runs the task. */
  declare readonly owner: TaskOwner;
  /** @internal Scheduler bits (0-7), outcome (8-9), observed (10). */
  declare state: number;
  /** @internal The task function until it starts, then the generator of a generator task. */
  declare body: ((...args: unknown[]) => unknown) | Generator<Suspend, unknown, unknown> | null;
  /** @internal The arguments until the task starts, then the value or what was thrown. */
  declare data: unknown;
  /** @internal The future a generator task is suspended on. */
  declare awaiting: Suspend | null;
  /** @internal The waker of whoever joins this task. */
  declare joinWaker: Waker | null;
  /** @internal Index in the owner's table of started, unfinished tasks (-1: not in it). */
  declare aliveSlot: number;

  /** @internal Created by runtimes; application code gets handles from `spawn`. */
  constructor(
    runtime: RuntimeCore,
    owner: TaskOwner,
    fn: ((...args: unknown[]) => unknown) | null,
    args: unknown,
    id: number = nextTaskId++,
  ) {
    super();
    // Plain assignments in one fixed order (not class fields): one hidden class, and the cheapest
    // construction V8 offers for the object every spawn allocates.
    this.id = id;
    this.runtime = runtime;
    this.owner = owner;
    this.state = 0;
    this.body = fn;
    this.data = args;
    this.awaiting = null;
    this.joinWaker = null;
    this.aliveSlot = -1;
  }

  /** @internal The task is its own waker (no allocation per task). */
  get waker(): Waker {
    return this;
  }

  /** @internal The task itself is `this` (for the context frame). */
  get task(): JoinHandle<unknown, string> {
    return this;
  }

  /** @internal How the task ended ({@link Outcome.None} while it runs). */
  get outcome(): Outcome {
    return ((this.state & OUTCOME_MASK) >> OUTCOME_SHIFT) as Outcome;
  }

  /** @internal The value (Ok), what was thrown (Panic), or undefined. */
  get result(): unknown {
    return this.outcome === Outcome.None ? undefined : this.data;
  }

  /** @internal Set once someone joined (polled) the handle: its failure is then not "unhandled". */
  get observed(): boolean {
    return (this.state & OBSERVED) !== 0;
  }
  set observed(value: boolean) {
    this.state = value ? this.state | OBSERVED : this.state & ~OBSERVED;
  }

  /** Wakes the task (it is its own waker). Harmless to call; the scheduler decides when it runs. */
  wake(): void {
    this.owner.wakeTask?.(this);
  }

  /**
   * `yield* handle`. A finished task needs no suspension: the handle then serves as its own
   * (stateless) iterator, which saves an allocation and a scheduler round trip per join.
   */
  override [Symbol.iterator](): Iterator<Suspend<R>, T, unknown> {
    return (this.state & OUTCOME_MASK) === 0 ? super[Symbol.iterator]() : (this);
  }

  /** @internal Iterator side of a finished handle: ends at once with the value, or throws the JoinError. */
  next(): IteratorResult<Suspend<R>, T> {
    const value = this.poll(NOOP_CONTEXT) as T;
    // `yield*` reads the result at once and drops it: one shared result object saves an
    // allocation per join (it keeps the last joined value reachable until the next join).
    const result = FINISHED_RESULT as IteratorReturnResult<T>;
    result.value = value;
    return result;
  }

  /** Polls for the task's outcome. See {@link Future.poll}. */
  poll(cx: Context): Poll<T> {
    const state = (this.state |= OBSERVED);
    switch ((state & OUTCOME_MASK) >> OUTCOME_SHIFT) {
      case Outcome.None: {
        const waiting = this.joinWaker;
        // A promise from `then` keeps its place: the task's waker rides along with it.
        if (waiting instanceof JoinPromise) waiting.alsoWake = cx.waker;
        else this.joinWaker = cx.waker;
        return PENDING;
      }
      case Outcome.Ok:
        return this.data as T;
      case Outcome.Panic:
        throw new JoinError('panic', this.id, this.data);
      default:
        throw new JoinError('cancelled', this.id);
    }
  }

  /**
   * `await handle`: a finished task gives an already settled promise, a running one a promise that
   * `settle` resolves directly (no polling from microtasks, no driver object per await).
   */
  override then<A = T, B = never>(
    onfulfilled?: ((value: T) => A | PromiseLike<A>) | null,
    onrejected?: ((reason: unknown) => B | PromiseLike<B>) | null,
  ): Promise<A | B> {
    const state = (this.state |= OBSERVED);
    let promise: Promise<T>;
    switch ((state & OUTCOME_MASK) >> OUTCOME_SHIFT) {
      case Outcome.None: {
        const waiting = this.joinWaker;
        // Every `then` on a pending handle shares one promise (`Promise.all([h, h])`, two awaits);
        // a task already joining with `yield*` is still woken.
        if (waiting instanceof JoinPromise) {
          promise = waiting.promise as Promise<T>;
        } else {
          const joiner = new JoinPromise<T>(this, waiting);
          this.joinWaker = joiner;
          promise = joiner.promise;
        }
        break;
      }
      case Outcome.Ok:
        promise = Promise.resolve(this.data as T);
        break;
      case Outcome.Panic:
        promise = Promise.reject(new JoinError('panic', this.id, this.data));
        break;
      default:
        promise = Promise.reject(new JoinError('cancelled', this.id));
    }
    return promise.then(onfulfilled, onrejected);
  }

  /** Detaches from the task without waiting: disposing a join handle does not cancel it (as in Tokio). */
  override [Symbol.dispose](): void {
    if (this.joinWaker === this) this.joinWaker = null;
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
    let controller = abortControllers.get(this);
    if (controller === undefined) {
      controller = new AbortController();
      if (this.outcome === Outcome.Cancelled) controller.abort(new JoinError('cancelled', this.id));
      abortControllers.set(this, controller);
    }
    return controller.signal;
  }

  /**
   * @internal Records the outcome and wakes the joiner. Returns false if it was already settled.
   * Flavors that run the task elsewhere call it when the result arrives.
   */
  settle(outcome: Outcome, result: unknown): boolean {
    if ((this.state & OUTCOME_MASK) !== 0) return false;
    this.state |= outcome << OUTCOME_SHIFT;
    this.data = result;
    this.body = null;
    this.awaiting = null;
    if (outcome === Outcome.Cancelled) abortControllers.get(this)?.abort(new JoinError('cancelled', this.id));
    const waker = this.joinWaker;
    if (waker !== null) {
      this.joinWaker = null;
      waker.wake();
    }
    return true;
  }
}

// A cell that never finishes or dies, for its hidden class (see keepHiddenClass).
keepHiddenClass(new JoinHandle(null as unknown as RuntimeCore, { abortTask() {} }, null, undefined, 0));

/**
 * The join waker of an awaited handle: settles the promise `then` returned when the task ends,
 * and wakes a task that joins the same handle with `yield*` (`alsoWake`).
 */
class JoinPromise<T> implements Waker {
  readonly promise: Promise<T>;
  private resolve!: (value: T) => void;
  private reject!: (reason: unknown) => void;

  constructor(
    private readonly handle: JoinHandle<T, string>,
    /** A task joining with `yield*` as well, woken with the promise. */
    public alsoWake: Waker | null,
  ) {
    this.promise = new Promise<T>((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
  }

  wake(): void {
    const handle = this.handle;
    const also = this.alsoWake;
    switch (handle.outcome) {
      case Outcome.None:
        // Woken before the task ended: keep waiting.
        handle.joinWaker = this;
        return;
      case Outcome.Ok:
        this.resolve(handle.data as T);
        break;
      case Outcome.Panic:
        this.reject(new JoinError('panic', handle.id, handle.data));
        break;
      default:
        this.reject(new JoinError('cancelled', handle.id));
    }
    also?.wake();
  }
}
