import { ArgumentRangeError, type EnterGuard, type JoinHandle, type RuntimeMetrics, type SharedHandle, type TaskRef } from '@tide/core';
import { describeArgument } from '@tide/core/driver';
import { MultiThreadBuilder } from './builder.js';
import { MultiThreadHandle, checkSendable } from './handle.js';
import { MultiThreadCore, type MultiThreadConfig } from './runtime-core.js';

/**
 * A Tokio `multi_thread` runtime: worker threads, each running a scheduler on its own event loop
 * with its own drivers, fed through lock-light queues in SharedArrayBuffers (a global inject
 * queue, a bounded local queue and a LIFO slot per worker, work stealing between them).
 *
 * Tasks are TaskRefs (`defineTask(import.meta.url, name, fn)`): only their module URL, name and
 * arguments cross threads. `Drivers` is the union of driver names it was built with; tasks that
 * need others do not compile.
 *
 * ```ts
 * const rt = MultiThreadRuntime.builder().workerThreads(4).enable(timeDriver()).build();
 * const total = rt.blockOn(sumTask, bytes); // synchronous, from the main thread
 * rt.shutdownTimeout(1000);
 * ```
 */
export class MultiThreadRuntime<Drivers extends string = never> implements Disposable {
  private readonly core: MultiThreadCore;
  private readonly runtimeHandle: MultiThreadHandle<Drivers>;

  /** Starts a builder: `MultiThreadRuntime.builder().workerThreads(2).enable(timeDriver()).build()`. */
  static builder(): MultiThreadBuilder<never> {
    return new MultiThreadBuilder();
  }

  /** @internal Use {@link MultiThreadRuntime.builder}. */
  constructor(config: MultiThreadConfig) {
    this.core = new MultiThreadCore(config);
    this.runtimeHandle = new MultiThreadHandle<Drivers>(this.core);
    this.core.handle = this.runtimeHandle;
  }

  /** The runtime's id. */
  get id(): number {
    return this.core.id;
  }
  /** The runtime's name, if the builder gave one. */
  get name(): string | undefined {
    return this.core.config.name;
  }
  /** True once the runtime was shut down. */
  get isShutdown(): boolean {
    return this.core.isShutdown;
  }

  /** A handle to this runtime (a cheap view that does not keep it alive). */
  handle(): MultiThreadHandle<Drivers> {
    return this.runtimeHandle;
  }

  /**
   * Spawns a TaskRef onto the pool; it starts as soon as a worker is free. Only TaskRefs are
   * accepted (a closure is a compile error: it cannot cross threads), with structured-clone
   * arguments (one that cannot be cloned is a `NotSendableError` here, naming it).
   *
   * The handle can be joined from anywhere on this thread: `await` it, or `yield*` it in a task
   * of another runtime — also inside a current-thread runtime's synchronous `blockOn`, where the
   * host event loop does not run: the task's completion then wakes that runtime's parked thread
   * and its loop collects the value or `JoinError` (as a Tokio `JoinHandle` can be awaited inside
   * another runtime's `block_on`). `abort()` works there too.
   *
   * @example
   * ```ts
   * const total = currentThread.blockOn(function* () {
   *   return yield* multiThread.spawn(countPrimes, 0, 100_000);
   * });
   * ```
   */
  spawn<A extends unknown[], T, R extends Drivers>(task: TaskRef<A, T, R>, ...args: A): JoinHandle<T, R> {
    checkSendable(task, 'spawn');
    return this.core.spawnRef(task, args) as unknown as JoinHandle<T, R>;
  }

  /** Runs a synchronous TaskRef on the blocking pool. */
  spawnBlocking<A extends unknown[], T>(task: TaskRef<A, T, never>, ...args: A): JoinHandle<Awaited<T>> {
    return this.runtimeHandle.spawnBlocking(task, ...args);
  }

  /**
   * Runs the TaskRef on a worker and blocks this thread with `Atomics.wait` until it finishes;
   * returns its value or throws what it threw (class and `code` preserved). Throws
   * `NestedBlockOnError` on a worker thread or inside another runtime's task.
   */
  blockOn<A extends unknown[], T, R extends Drivers>(task: TaskRef<A, T, R>, ...args: A): T {
    checkSendable(task, 'blockOn');
    return this.core.blockOnRef(task, args) as T;
  }

  /** Enters the runtime's context on this thread until the guard is disposed. */
  enter(): EnterGuard {
    return this.runtimeHandle.enter();
  }

  /** A snapshot of the runtime's counters. */
  metrics(): RuntimeMetrics {
    return this.core.metrics();
  }

  /** A transferable handle for another thread (see `MultiThreadHandle.share`). */
  share(): SharedHandle {
    return this.core.share();
  }

  /**
   * Shuts the runtime down, returning within `timeoutMs` (as Tokio's `shutdown_timeout`): queued
   * tasks are cancelled, every worker cancels its tasks at their suspension points (their
   * `finally` blocks run), runs its `onThreadStop` hook and stops, and running blocking tasks get
   * the timeout. Every JoinHandle not yet settled settles as cancelled when this returns. A worker
   * still stopping when the timeout ends finishes in the background; one busy two seconds later
   * (a task that never yields) is terminated. To wait until every `finally` block ran, drop the
   * runtime instead (`using rt = …`, or `rt[Symbol.dispose]()`). Afterwards `spawn` returns
   * cancelled handles, `blockOn` runs tasks on the calling thread (timers fail with
   * `RuntimeShutdownError`), and nothing keeps Node alive.
   */
  shutdownTimeout(timeoutMs: number): void {
    if (!(timeoutMs >= 0)) throw new ArgumentRangeError(`shutdownTimeout: timeout must be a non-negative number of milliseconds, got ${describeArgument(timeoutMs)}`);
    this.core.shutdown(timeoutMs);
  }

  /**
   * Shuts down without waiting: the workers cancel their tasks and stop on their own (one still
   * busy after a grace period is terminated). Safe inside async code; it never blocks.
   */
  shutdownBackground(): void {
    this.core.shutdown(0, true);
  }

  /**
   * Shuts down and waits for the workers to stop, every task's `finally` blocks having run, and for
   * blocking tasks to finish (like dropping a Tokio runtime: a task that never yields keeps it waiting).
   */
  [Symbol.dispose](): void {
    this.core.shutdown(Infinity);
  }
}
