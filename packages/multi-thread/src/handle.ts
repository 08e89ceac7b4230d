import {
  InvalidTaskError,
  isTaskRef,
  NotSendableError,
  type EnterGuard,
  type Future,
  type JoinHandle,
  type PlainValue,
  type RequirementsOf,
  type RuntimeHandle,
  type RuntimeMetrics,
  type SharedHandle,
  type SpawnBlockingFn,
  type Suspend,
  type TaskArgs,
  type TaskOutput,
  type TaskRef,
} from '@tide/core';
import { assertSendableArgs, describeThrown as describe, type RuntimeCore } from '@tide/core/driver';

/**
 * `spawn` on a multi-thread runtime with drivers `D`: a TaskRef, whose requirements must be in
 * `D`. The other task forms of core's `SpawnFn` (closures) are listed only so that the handle is a
 * `RuntimeHandle`: they are deprecated, typed `never`, and throw `NotSendableError` at run time.
 */
export interface MultiThreadSpawnFn<D extends string> {
  /** A sendable task and its arguments (structured-clone data). */
  <A extends unknown[], T, R extends D>(task: TaskRef<A, T, R>, ...args: A): JoinHandle<T, R>;
  /** @deprecated A closure cannot cross threads (throws `NotSendableError`): declare it with `defineTask(import.meta.url, name, fn)`, or use `spawnLocal` inside a worker. */
  <A extends unknown[], Y extends Suspend<D>, T>(task: (...args: A) => Generator<Y, T, unknown>, ...args: A): never;
  /** @deprecated A closure cannot cross threads (throws `NotSendableError`). */
  <A extends unknown[], T, R extends D = never>(task: (...args: A) => Future<T, R>, ...args: A): never;
  /** @deprecated A closure cannot cross threads (throws `NotSendableError`). */
  <A extends unknown[], T>(task: (...args: A) => PromiseLike<T>, ...args: A): never;
  /** @deprecated A closure cannot cross threads (throws `NotSendableError`). */
  <A extends unknown[], T extends PlainValue>(task: (...args: A) => T, ...args: A): never;
}

/**
 * `blockOn` on a multi-thread runtime with drivers `D`: a TaskRef (workers turn the drivers, so
 * every requirement in `D` is allowed, async tasks included). Closures: see {@link MultiThreadSpawnFn}.
 */
export interface MultiThreadBlockOnFn<D extends string> {
  /** A sendable task and its arguments. */
  <A extends unknown[], T, R extends D>(task: TaskRef<A, T, R>, ...args: A): T;
  /** @deprecated A closure cannot cross threads (throws `NotSendableError`). */
  <A extends unknown[], Y extends Suspend<D>, T>(task: (...args: A) => Generator<Y, T, unknown>, ...args: A): never;
  /** @deprecated A closure cannot cross threads (throws `NotSendableError`). */
  <A extends unknown[], T, R extends D = never>(task: (...args: A) => Future<T, R>, ...args: A): never;
  /** @deprecated A closure cannot cross threads (throws `NotSendableError`). */
  <A extends unknown[], T extends PlainValue>(task: (...args: A) => T, ...args: A): never;
}

/**
 * What a {@link MultiThreadHandle} is a view of: the runtime's state on the owner thread, or on a
 * worker thread (where `Handle.current()` returns a handle too).
 *
 * @internal
 */
export interface HandleBackend extends RuntimeCore {
  readonly id: number;
  readonly name: string | undefined;
  readonly driverNames: readonly string[];
  spawnRef(ref: TaskRef<unknown[], unknown, string>, args: unknown[]): JoinHandle<unknown, string>;
  spawnBlockingRef(ref: TaskRef<unknown[], unknown, string>, args: unknown[]): JoinHandle<unknown, string>;
  blockOnRef(ref: TaskRef<unknown[], unknown, string>, args: unknown[]): unknown;
  spawnLocal(fn: unknown, args: unknown[]): JoinHandle<unknown, string>;
  spawnTask(task: unknown, args: unknown[]): JoinHandle<unknown, string>;
  enter(): EnterGuard;
  metrics(): RuntimeMetrics;
  share(): SharedHandle;
}

/**
 * Checks that `task` can be sent to a worker thread: a TaskRef (a closure cannot cross threads).
 *
 * @internal
 */
export function checkSendable(task: unknown, what: string): asserts task is TaskRef<unknown[], unknown, string> {
  if (isTaskRef(task)) return;
  if (typeof task === 'function') {
    throw new NotSendableError(
      `${what} on a multi-thread runtime needs a TaskRef, got ${describe(task)}: a closure cannot be sent to a worker thread. ` +
        "Declare the task at the top level of a module with `export const task = defineTask(import.meta.url, 'name', fn)` and pass that " +
        '(inside a worker, `spawnLocal(fn)` runs a closure on that worker).',
    );
  }
  throw new InvalidTaskError(task, `a TaskRef for ${what} (declare it with \`defineTask(import.meta.url, name, fn)\`)`);
}

/**
 * A handle to a multi-thread runtime: spawn TaskRefs onto its workers, block on one from a thread
 * that is not a worker, enter its context, share it with other threads. Inside a task running on
 * a worker, `Handle.current()` is such a handle too; there `spawn` distributes work to the pool,
 * {@link MultiThreadHandle.spawnLocal} runs a closure on that worker, and `blockOn` throws
 * `NestedBlockOnError`.
 *
 * Only TaskRefs cross threads (Rust's `Send + 'static`): passing a closure is a compile error, and
 * at run time a `NotSendableError`, as is an argument that cannot be structured-cloned.
 *
 * `blockOn` accepts every task the runtime's drivers cover: worker threads turn the drivers.
 */
export class MultiThreadHandle<Drivers extends string = never> implements RuntimeHandle<Drivers, Drivers> {
  /** @internal Use `runtime.handle()` or `Handle.current()`. */
  constructor(private readonly backend: HandleBackend) {}

  /** The runtime's id (the same on every thread of the runtime). */
  get id(): number {
    return this.backend.id;
  }
  /** Always `'multi_thread'`. */
  get flavor(): 'multi_thread' {
    return 'multi_thread';
  }
  /** The runtime's name, if the builder gave one. */
  get name(): string | undefined {
    return this.backend.name;
  }
  /** The drivers the runtime was built with (each worker has its own instances). */
  get drivers(): readonly string[] {
    return this.backend.driverNames;
  }

  /**
   * Spawns a TaskRef onto the pool; it starts as soon as a worker is free. Arguments are copied
   * (structured-clone semantics); one that cannot be is a `NotSendableError` here, naming it.
   */
  readonly spawn: MultiThreadSpawnFn<Drivers> = ((task: unknown, ...args: unknown[]) => {
    checkSendable(task, 'spawn');
    return this.backend.spawnRef(task, args);
  }) as MultiThreadSpawnFn<Drivers>;

  /** Runs a synchronous TaskRef on the blocking pool of this thread. */
  readonly spawnBlocking: SpawnBlockingFn = ((task: unknown, ...args: unknown[]) => {
    checkSendable(task, 'spawnBlocking');
    assertSendableArgs(args, `spawnBlocking(${task.name})`);
    return this.backend.spawnBlockingRef(task, args);
  }) as SpawnBlockingFn;

  /**
   * Runs the TaskRef on a worker and blocks this thread (`Atomics.wait`, no busy loop) until its
   * value arrives; returns it, or throws what the task threw (its class and `code` preserved).
   * Throws `NestedBlockOnError` on a worker thread or inside another runtime's task.
   */
  readonly blockOn: MultiThreadBlockOnFn<Drivers> = ((task: unknown, ...args: unknown[]) => {
    checkSendable(task, 'blockOn');
    return this.backend.blockOnRef(task, args);
  }) as MultiThreadBlockOnFn<Drivers>;

  /**
   * Runs a closure (generator, async or plain function) as a task on the current worker thread,
   * without sending it anywhere. Only inside a task running on one of this runtime's workers.
   */
  spawnLocal<F extends (...args: never[]) => unknown>(task: F, ...args: TaskArgs<F>): JoinHandle<TaskOutput<F>, RequirementsOf<F>> {
    return this.backend.spawnLocal(task, args) as unknown as JoinHandle<TaskOutput<F>, RequirementsOf<F>>;
  }

  /** Enters the runtime's context on this thread until the guard is disposed. */
  enter(): EnterGuard {
    return this.backend.enter();
  }

  /** A snapshot of the runtime's counters (the same from any thread of the runtime). */
  metrics(): RuntimeMetrics {
    return this.backend.metrics();
  }

  /**
   * A transferable handle for another thread: post it with its port in the transfer list
   * (`worker.postMessage(shared, [shared.port])`) and rebuild it there with `Handle.fromShared`.
   */
  share(): SharedHandle {
    return this.backend.share();
  }
}
