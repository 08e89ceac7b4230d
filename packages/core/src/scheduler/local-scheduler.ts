import { runInAsyncFrame, swapFrame } from '../context/frame.js';
import { InvalidArgumentError, InvalidTaskError, JoinError } from '../errors.js';
import { PENDING } from '../future/poll.js';
import type { Suspend } from '../future/suspend.js';
import type { RuntimeCore } from '../runtime/runtime-core.js';
import { JoinHandle, Outcome, type TaskOwner } from '../task/join-handle.js';
import { isTaskRef } from '../task/task-ref.js';

// Task state bits.
const SCHEDULED = 1; // in the run queue
const RUNNING = 2; // being polled right now
const NOTIFIED = 4; // woken while running: poll again
const CANCEL = 8; // abort requested
const CANCEL_DELIVERED = 16; // generator.return() was called; the finally blocks are running
const ASYNC = 32; // an async task: the host's microtasks drive it, the scheduler never polls it
const STARTED = 64;
const ROOT = 128; // the root of a blockOn: run by the caller's loop, not queued or counted
const ONE_ARG = 1 << 11; // `data` holds the single argument itself, not an array
const NO_ARGS = 1 << 12; // the task takes no arguments
const OUTCOME_BITS = 3 << 8; // the JoinHandle's outcome bits: non-zero once the task is settled
const INITIAL_QUEUE = 64;

/** Default per-task budget: futures a task may complete in one poll before it must yield. */
export const DEFAULT_BUDGET = 128;

/** Options of a {@link LocalScheduler}. */
export interface LocalSchedulerOptions {
  /** The runtime whose tasks these are (their context frame). */
  readonly runtime: RuntimeCore;
  /** Called with each failed task nobody joined (once per task). Default: `console.error`. */
  readonly onUnhandledError?: (error: JoinError) => void;
  /** Called when a task becomes runnable while the scheduler is not running tasks (to unpark the loop). */
  readonly onSchedule?: () => void;
  /** Futures a task may complete in one poll before it is made to yield. Default 128. */
  readonly budget?: number;
}

type AnyFn = (...args: unknown[]) => unknown;
type Cell = JoinHandle<unknown, string>;

const AsyncFunction = Object.getPrototypeOf(async function () {}) as object;
// `Object.getPrototypeOf` of a function is a call into the V8 runtime (not inlined), once per task;
// `@@toStringTag`, which AsyncFunction.prototype defines, is an inline-cached property load.
const ASYNC_TAG = (AsyncFunction as { [Symbol.toStringTag]: string })[Symbol.toStringTag];

/** True for an `async` function (its calls need the async context frame). */
function isAsyncFunction(fn: AnyFn): boolean {
  const tag = (fn as unknown as { [Symbol.toStringTag]?: unknown })[Symbol.toStringTag];
  return tag === ASYNC_TAG && Object.getPrototypeOf(fn) === AsyncFunction;
}

function isGenerator(value: unknown): value is Generator<Suspend, unknown, unknown> {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as Generator).next === 'function' &&
    typeof (value as Generator).throw === 'function' &&
    typeof (value as Generator).return === 'function'
  );
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    (typeof value === 'object' || typeof value === 'function') &&
    value !== null &&
    typeof (value as PromiseLike<unknown>).then === 'function'
  );
}

function isSuspend(value: unknown): value is Suspend {
  return typeof value === 'object' && value !== null && typeof (value as Suspend).poll === 'function';
}

/** Resolves a task argument (function or TaskRef) to the function to call. */
export function taskFunction(task: unknown): AnyFn {
  if (typeof task === 'function') return task as AnyFn;
  if (isTaskRef(task)) return task.fn;
  throw new InvalidTaskError(task, expectedTask(task));
}

/** What the message asks for; a called task (`main(arg)` instead of `main, arg`) gets told so. */
function expectedTask(task: unknown): string | undefined {
  if (!isThenable(task) && typeof (task as Partial<Generator> | null)?.next !== 'function') return undefined;
  return 'the task function and its arguments, as in spawn(work, arg) — not the result of calling it, work(arg)';
}

/**
 * The single-thread task engine shared by every flavor: a FIFO run queue of task cells, the
 * stepping of generator tasks (poll the awaited future, resume the generator), the start of async
 * and plain tasks, abort at suspension points, the cooperative budget, and shutdown. The flavor
 * owns the loop around it: when to run a batch, when to turn drivers, when and how to park.
 */
export class LocalScheduler implements TaskOwner {
  private readonly runtime: RuntimeCore;
  private readonly onUnhandledError: (error: JoinError) => void;
  private readonly onSchedule: (() => void) | undefined;
  private readonly budget: number;
  // The run queue: a ring buffer (power-of-two size) of tasks.
  private queue: (Cell | undefined)[] = new Array<Cell | undefined>(INITIAL_QUEUE);
  private queueHead = 0;
  // Started, unfinished tasks (suspended, re-queued or async), for shutdown: swap-removed on finish.
  private readonly alive: Cell[] = [];
  private unobserved: Cell[] = [];
  private running = 0;
  private rootWake: ((task: Cell) => void) | null = null;

  /** Tasks in the run queue. */
  queueDepth = 0;
  /** Tasks spawned and not finished (roots excluded). */
  aliveTasks = 0;
  /** Tasks spawned since creation. */
  spawnedCount = 0;
  /** Task polls performed. */
  pollCount = 0;
  /** Async tasks that have started and not finished: a blocked root waiting on them is a deadlock. */
  asyncInFlight = 0;

  /** @param options - see {@link LocalSchedulerOptions}. */
  constructor(options: LocalSchedulerOptions) {
    this.runtime = options.runtime;
    this.onUnhandledError =
      options.onUnhandledError ??
      ((error) => {
        console.error(`[tide] ${error.message}`, error.cause);
      });
    this.onSchedule = options.onSchedule;
    this.budget = options.budget ?? DEFAULT_BUDGET;
  }

  /** Creates a task and queues it. `task` is a function or a TaskRef (called locally). */
  spawn(task: unknown, args: unknown[]): Cell {
    const fn = typeof task === 'function' ? (task as AnyFn) : taskFunction(task);
    // Keep no argument array alive while the task waits in the queue when there is 0 or 1 argument.
    const n = args.length;
    const cell = new JoinHandle<unknown, string>(this.runtime, this, fn, n === 1 ? args[0] : n === 0 ? undefined : args);
    // A new cell is neither settled nor queued: it goes straight to the back of the queue.
    cell.state = (n === 1 ? ONE_ARG : n === 0 ? NO_ARGS : 0) | SCHEDULED;
    this.spawnedCount++;
    this.aliveTasks++;
    this.enqueue(cell);
    return cell;
  }

  /** {@link spawn} with exactly one argument, without an argument array. */
  spawnOne(task: unknown, arg: unknown): Cell {
    const fn = typeof task === 'function' ? (task as AnyFn) : taskFunction(task);
    const cell = new JoinHandle<unknown, string>(this.runtime, this, fn, arg);
    cell.state = ONE_ARG | SCHEDULED;
    this.spawnedCount++;
    this.aliveTasks++;
    this.enqueue(cell);
    return cell;
  }

  /**
   * Creates the root task of a `blockOn`: polled by the caller's loop with {@link runTask} rather
   * than queued, and not counted as alive. `onWake` tells the loop it is runnable.
   */
  createRoot(task: unknown, args: unknown[], onWake: (task: Cell) => void): Cell {
    const fn = taskFunction(task);
    const cell = new JoinHandle<unknown, string>(this.runtime, this, fn, args);
    cell.state = ROOT;
    // One root at a time per scheduler: a second blockOn on this thread would be nested.
    this.rootWake = onWake;
    return cell;
  }

  /** The waker side of a task (TaskOwner): queue it, or tell the blockOn loop its root is runnable. */
  wakeTask(cell: Cell): void {
    if ((cell.state & ROOT) !== 0) this.rootWake?.(cell);
    else this.schedule(cell);
  }

  /** True if tasks are waiting to run. */
  hasRunnable(): boolean {
    return this.queueDepth !== 0;
  }

  /** Runs up to `max` queued tasks; returns how many ran. */
  runBatch(max: number): number {
    let ran = 0;
    this.running++;
    try {
      while (ran < max && this.queueDepth !== 0) {
        // Re-read the queue each time: a task run below may grow it (a new array).
        const queue = this.queue;
        const cell = queue[this.queueHead] as Cell;
        queue[this.queueHead] = undefined;
        this.queueHead = (this.queueHead + 1) & (queue.length - 1);
        this.queueDepth--;
        cell.state &= ~SCHEDULED;
        this.runTask(cell);
        ran++;
      }
    } finally {
      this.running--;
    }
    return ran;
  }

  /** Queues a task to be polled (its waker). */
  schedule(cell: Cell): void {
    const state = cell.state;
    if (cell.outcome !== Outcome.None || (state & (SCHEDULED | ASYNC)) !== 0) return;
    if ((state & RUNNING) !== 0) {
      cell.state = state | NOTIFIED;
      return;
    }
    cell.state = state | SCHEDULED;
    this.enqueue(cell);
  }

  /** Appends a cell (marked SCHEDULED) to the run queue. */
  private enqueue(cell: Cell): void {
    let queue = this.queue;
    const depth = this.queueDepth;
    if (depth === queue.length) queue = this.growQueue();
    queue[(this.queueHead + depth) & (queue.length - 1)] = cell;
    this.queueDepth = depth + 1;
    if (this.running === 0 && this.onSchedule !== undefined) this.onSchedule();
  }

  private growQueue(): (Cell | undefined)[] {
    const old = this.queue;
    const next = new Array<Cell | undefined>(old.length * 2);
    for (let i = 0; i < this.queueDepth; i++) next[i] = old[(this.queueHead + i) & (old.length - 1)];
    this.queue = next;
    this.queueHead = 0;
    return next;
  }

  /** True if `cell` is an async task (driven by host microtasks, not by this scheduler). */
  isAsyncTask(cell: Cell): boolean {
    return (cell.state & ASYNC) !== 0;
  }

  /** Requests cancellation (the TaskOwner side of `JoinHandle.abort`). */
  abortTask(cell: Cell): void {
    if (cell.outcome !== Outcome.None || (cell.state & CANCEL) !== 0) return;
    cell.state |= CANCEL;
    if ((cell.state & STARTED) === 0) {
      // Never polled: drop it without running any of its code.
      this.finish(cell, Outcome.Cancelled, undefined);
      return;
    }
    if ((cell.state & ASYNC) !== 0) {
      // An async function cannot be stopped from outside: its signal fires, the handle settles now.
      this.finish(cell, Outcome.Cancelled, undefined);
      return;
    }
    cell.wake();
  }

  /**
   * Polls one task: starts it, or resumes the generator with the awaited future's value, until it
   * is pending, done, or out of budget.
   */
  runTask(cell: Cell): void {
    const state = cell.state;
    if ((state & OUTCOME_BITS) !== 0) return;
    this.pollCount++;
    const prevFrame = swapFrame(cell);
    try {
      if ((state & STARTED) === 0) {
        cell.state = (state & ~NOTIFIED) | RUNNING | STARTED;
        if (this.start(cell)) this.step(cell, 0, undefined);
      } else {
        cell.state = (state & ~NOTIFIED) | RUNNING;
        this.step(cell, 0, undefined);
      }
    } finally {
      swapFrame(prevFrame);
      const after = (cell.state &= ~RUNNING);
      if ((after & OUTCOME_BITS) === 0) {
        if (cell.aliveSlot < 0 && (after & ROOT) === 0) {
          cell.aliveSlot = this.alive.length;
          this.alive.push(cell);
        }
        if ((after & NOTIFIED) !== 0) {
          cell.state = after & ~NOTIFIED;
          cell.wake();
        }
      }
    }
  }

  /**
   * Starts a task. Returns true if it is a generator (or future) that needs stepping. A generator
   * task is stepped to its first suspension here: a task that finishes without suspending (the
   * common small task) never enters {@link step}.
   */
  private start(cell: Cell): boolean {
    const fn = cell.body as AnyFn;
    const state = cell.state;
    const data = cell.data;
    cell.body = null;
    cell.data = undefined;
    let value: unknown;
    try {
      value = isAsyncFunction(fn) ? runInAsyncFrame(cell, fn, argsOf(state, data)) : invoke(fn, state, data);
    } catch (error) {
      this.finish(cell, Outcome.Panic, error);
      return false;
    }
    if (isGenerator(value)) {
      const gen = value;
      cell.body = gen;
      // An abort requested while the arguments were evaluated: let step deliver it.
      if ((cell.state & CANCEL) !== 0) return true;
      let result: IteratorResult<Suspend, unknown>;
      try {
        result = gen.next();
      } catch (error) {
        this.finish(cell, Outcome.Panic, error);
        return false;
      }
      if ((cell.state & OUTCOME_BITS) !== 0) {
        // Settled from outside while it ran (the runtime shut down): stop here, run its finally blocks.
        if (result.done !== true) safeReturn(gen);
        return false;
      }
      if (result.done === true) {
        this.finish(cell, Outcome.Ok, result.value);
        return false;
      }
      const next = result.value;
      if (isSuspend(next)) {
        cell.awaiting = next;
        return true;
      }
      this.step(cell, 1, bareYieldError(next));
      return false;
    }
    return this.startWith(cell, value);
  }

  /** Starts a task from what its function returned (not a generator). */
  private startWith(cell: Cell, value: unknown): boolean {
    if (isSuspend(value)) {
      cell.awaiting = value;
      return true;
    }
    if (isThenable(value)) {
      this.adoptPromise(cell, value);
      return false;
    }
    this.finish(cell, Outcome.Ok, value);
    return false;
  }

  private adoptPromise(cell: Cell, promise: PromiseLike<unknown>): void {
    cell.state |= ASYNC;
    this.asyncInFlight++;
    promise.then(
      (value) => {
        this.asyncInFlight--;
        this.finish(cell, Outcome.Ok, value);
      },
      (error: unknown) => {
        this.asyncInFlight--;
        this.finish(cell, Outcome.Panic, error);
      },
    );
  }

  /** Steps a started task; `mode` / `input` resume its generator first (0 next, 1 throw, 2 return). */
  private step(cell: Cell, mode: number, input: unknown): void {
    let budget = this.budget;
    for (;;) {
      const awaiting = cell.awaiting;
      if (awaiting !== null) {
        if ((cell.state & (CANCEL | CANCEL_DELIVERED)) === CANCEL) {
          cell.awaiting = null;
          cell.state |= CANCEL_DELIVERED;
          disposeFuture(awaiting);
          mode = 2;
        } else {
          if (budget-- === 0) {
            // Out of budget: go to the back of the queue; the future is polled on the next run.
            cell.state |= NOTIFIED;
            return;
          }
          let value: unknown;
          try {
            value = awaiting.poll(cell);
          } catch (error) {
            cell.awaiting = null;
            mode = 1;
            input = error;
            value = undefined;
          }
          if (mode !== 1) {
            if (value === PENDING) return;
            cell.awaiting = null;
            mode = 0;
            input = value;
          }
        }
      } else if ((cell.state & (CANCEL | CANCEL_DELIVERED)) === CANCEL && cell.body !== null) {
        // Abort requested while the task was running its synchronous part: stop at this yield.
        cell.state |= CANCEL_DELIVERED;
        mode = 2;
      }
      const gen = cell.body as Generator<Suspend, unknown, unknown> | null;
      if (gen === null) {
        // A task that returned a future: its value is the task's value.
        if (mode === 0) this.finish(cell, Outcome.Ok, input);
        else if (mode === 1) this.finish(cell, Outcome.Panic, input);
        else this.finish(cell, Outcome.Cancelled, undefined);
        return;
      }
      let result: IteratorResult<Suspend, unknown>;
      try {
        result = mode === 0 ? gen.next(input) : mode === 1 ? gen.throw(input) : gen.return(undefined);
      } catch (error) {
        this.finish(cell, Outcome.Panic, error);
        return;
      }
      if (cell.outcome !== Outcome.None) {
        // Settled from outside while it ran (the runtime shut down): stop here, run its finally blocks.
        if (result.done !== true) safeReturn(gen);
        return;
      }
      if (result.done === true) {
        // A task that was finishing when the abort came completes normally (as in Tokio).
        this.finish(cell, (cell.state & CANCEL_DELIVERED) !== 0 ? Outcome.Cancelled : Outcome.Ok, result.value);
        return;
      }
      const next = result.value;
      if (!isSuspend(next)) {
        // A bare `yield x`: tell the author at the exact line.
        mode = 1;
        input = bareYieldError(next);
        continue;
      }
      cell.awaiting = next;
      mode = 0;
      input = undefined;
    }
  }

  /** Settles a task, unlinks it, and remembers unjoined failures for {@link reportUnhandled}. */
  private finish(cell: Cell, outcome: Outcome, result: unknown): void {
    const wasRoot = (cell.state & ROOT) !== 0;
    if (!cell.settle(outcome, outcome === Outcome.Cancelled ? undefined : result)) return;
    if (!wasRoot) {
      this.removeAlive(cell);
      this.aliveTasks--;
    }
    if (outcome === Outcome.Panic && !cell.observed && !wasRoot) this.unobserved.push(cell);
    // The loop that blocks on a root must learn it finished, even from a host callback (async root).
    if (wasRoot) cell.wake();
  }

  /**
   * Reports every failed task that nobody has joined yet to `onUnhandledError`, once. Flavors
   * call it when the run queue drains, so a join that follows right after the failure is not
   * reported.
   */
  reportUnhandled(): void {
    if (this.unobserved.length === 0) return;
    const failed = this.unobserved;
    this.unobserved = [];
    for (const cell of failed) {
      if (cell.observed) continue;
      cell.observed = true;
      try {
        this.onUnhandledError(new JoinError('panic', cell.id, cell.result));
      } catch {
        // A failing hook must not take the runtime down.
      }
    }
  }

  /**
   * Cancels every alive task at its suspension point and runs their `finally` blocks (for up to
   * `maxPolls` polls, so a task that never stops cannot hang shutdown). Tasks still alive after
   * that are settled as cancelled without further polling.
   */
  shutdown(maxPolls = 10_000): void {
    // Queued tasks that never started are dropped; started ones are cancelled at their suspension point.
    for (let i = 0; i < this.queueDepth; i++) {
      const cell = this.queue[(this.queueHead + i) & (this.queue.length - 1)];
      if (cell !== undefined) this.abortTask(cell);
    }
    for (const cell of [...this.alive]) this.abortTask(cell);
    let polls = 0;
    while (this.queueDepth !== 0 && polls < maxPolls) polls += this.runBatch(maxPolls - polls);
    for (let cell = this.alive[0]; cell !== undefined; cell = this.alive[0]) {
      const awaiting = cell.awaiting;
      if (awaiting !== null) disposeFuture(awaiting);
      this.finish(cell, Outcome.Cancelled, undefined);
      this.removeAlive(cell);
    }
    this.queue.fill(undefined);
    this.queueHead = 0;
    this.queueDepth = 0;
    // Failures nobody joined are still reported, even when the loop never ran dry before shutdown.
    this.reportUnhandled();
  }

  private removeAlive(cell: Cell): void {
    const slot = cell.aliveSlot;
    if (slot < 0) return;
    const last = this.alive.pop() as Cell;
    if (last !== cell) {
      this.alive[slot] = last;
      last.aliveSlot = slot;
    }
    cell.aliveSlot = -1;
  }
}

/** The error a generator task gets for a bare `yield x`, at the exact line. */
function bareYieldError(value: Suspend): InvalidArgumentError {
  return new InvalidArgumentError(
    `a generator task yielded ${typeof value === 'object' ? 'a non-future object' : String(value)}: use \`yield*\` with a future (for example \`yield* sleep(10)\` or \`yield* handle\`), not a bare \`yield\``,
  );
}

/** Releases a future's driver registration, if it holds one. */
export function disposeFuture(future: Suspend): void {
  const dispose = (future as Partial<Disposable>)[Symbol.dispose];
  if (typeof dispose === 'function') {
    try {
      dispose.call(future);
    } catch {
      // Releasing must not fail the task's cancellation.
    }
  }
}

function safeReturn(gen: Generator<Suspend, unknown, unknown>): void {
  try {
    gen.return(undefined);
  } catch {
    // The task was already settled as cancelled; what its finally throws has nowhere to go.
  }
}

/** The argument list stored in a task cell (see `ONE_ARG` / `NO_ARGS`). */
function argsOf(state: number, data: unknown): unknown[] {
  return (state & ONE_ARG) !== 0 ? [data] : (state & NO_ARGS) !== 0 ? [] : (data as unknown[]);
}

/** Calls a task function with the arguments stored in its cell, without spreading short lists. */
function invoke(fn: AnyFn, state: number, data: unknown): unknown {
  if ((state & ONE_ARG) !== 0) return fn(data);
  if ((state & NO_ARGS) !== 0) return fn();
  const args = data as unknown[];
  switch (args.length) {
    case 2:
      return fn(args[0], args[1]);
    case 3:
      return fn(args[0], args[1], args[2]);
    default:
      return fn(...args);
  }
}
