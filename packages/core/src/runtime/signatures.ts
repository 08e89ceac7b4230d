import type { Future } from '../future/future.js';
import type { RequirementsOfYield, Suspend } from '../future/suspend.js';
import type { JoinHandle } from '../task/join-handle.js';
import type { TaskRef } from '../task/task-ref.js';

/**
 * What a plain (non-generator, non-async) task function may return: anything but a generator,
 * a promise or a future — those have their own overloads, which check their requirements.
 */
export type PlainValue =
  | string
  | number
  | boolean
  | bigint
  | symbol
  | null
  | undefined
  | void
  | { readonly next?: never; readonly then?: never; readonly poll?: never };

/**
 * The signature of `spawn` on a runtime whose drivers are `D`. Each overload infers the task's
 * requirements and refuses, at compile time, a task that needs a driver outside `D` (the error
 * reads "Type '"io"' is not assignable to type '"time"'").
 */
export interface SpawnFn<D extends string> {
  /** A generator function (the native task form) and its arguments. */
  <A extends unknown[], Y extends Suspend<D>, T>(task: (...args: A) => Generator<Y, T, unknown>, ...args: A): JoinHandle<T, RequirementsOfYield<Y>>;
  /** A sendable task. */
  <A extends unknown[], T, R extends D>(task: TaskRef<A, T, R>, ...args: A): JoinHandle<T, R>;
  /** A function that returns a future (its value is the task's value). */
  <A extends unknown[], T, R extends D = never>(task: (...args: A) => Future<T, R>, ...args: A): JoinHandle<T, R>;
  /** An async function: runs while the runtime is host-driven; its requirements are not tracked. */
  <A extends unknown[], T>(task: (...args: A) => PromiseLike<T>, ...args: A): JoinHandle<T, never>;
  /** A plain function. */
  <A extends unknown[], T extends PlainValue>(task: (...args: A) => T, ...args: A): JoinHandle<T, never>;
}

/**
 * The signature of a synchronous `blockOn` that can turn the drivers `D` (`never` for a
 * current-thread `Handle.blockOn`). There is no async-function overload: an async task cannot
 * make progress while its thread is blocked, so passing one is a compile error.
 */
export interface BlockOnFn<D extends string> {
  /** A generator function and its arguments. */
  <A extends unknown[], Y extends Suspend<D>, T>(task: (...args: A) => Generator<Y, T, unknown>, ...args: A): T;
  /** A sendable task. */
  <A extends unknown[], T, R extends D>(task: TaskRef<A, T, R>, ...args: A): T;
  /** A function that returns a future. */
  <A extends unknown[], T, R extends D = never>(task: (...args: A) => Future<T, R>, ...args: A): T;
  /** A plain function. */
  <A extends unknown[], T extends PlainValue>(task: (...args: A) => T, ...args: A): T;
}

/** The signature of a host-driven `run`: like `blockOn`, async functions included, resolving with the value. */
export interface RunFn<D extends string> {
  /** A generator function and its arguments. */
  <A extends unknown[], Y extends Suspend<D>, T>(task: (...args: A) => Generator<Y, T, unknown>, ...args: A): Promise<T>;
  /** A sendable task. */
  <A extends unknown[], T, R extends D>(task: TaskRef<A, T, R>, ...args: A): Promise<T>;
  /** A function that returns a future. */
  <A extends unknown[], T, R extends D = never>(task: (...args: A) => Future<T, R>, ...args: A): Promise<T>;
  /** An async function. */
  <A extends unknown[], T>(task: (...args: A) => PromiseLike<T>, ...args: A): Promise<T>;
  /** A plain function. */
  <A extends unknown[], T extends PlainValue>(task: (...args: A) => T, ...args: A): Promise<T>;
}

/** The signature of `spawnBlocking`: a sendable task that needs no driver. */
export type SpawnBlockingFn = <A extends unknown[], T>(task: TaskRef<A, T, never>, ...args: A) => JoinHandle<Awaited<T>>;
