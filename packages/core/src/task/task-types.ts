import type { Future } from '../future/future.js';
import type { RequirementsOfYield } from '../future/suspend.js';
import type { TaskRef } from './task-ref.js';

/**
 * A task: a generator function (the native form, runs inside a synchronous `blockOn` and is
 * cancelled precisely), an async function (runs while the runtime is host-driven), a plain
 * function, or a {@link TaskRef} (the sendable form, required by the multi-thread flavor).
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Task = ((...args: any[]) => unknown) | TaskRef<any, any, any>;

/** The arguments a task takes. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type TaskArgs<F> = F extends TaskRef<infer A, any, any> ? A : F extends (...args: infer A) => any ? A : never;

/** The value a task produces: a generator's return value, an async function's awaited value, or a plain function's result. */
export type TaskOutput<F> =
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  F extends TaskRef<any, infer T, any>
    ? T
    : // eslint-disable-next-line @typescript-eslint/no-explicit-any
      F extends (...args: any[]) => Generator<any, infer T, any>
      ? T
      : // eslint-disable-next-line @typescript-eslint/no-explicit-any
        F extends (...args: any[]) => Future<infer T, any>
        ? T
        : // eslint-disable-next-line @typescript-eslint/no-explicit-any
          F extends (...args: any[]) => PromiseLike<infer T>
          ? T
          : // eslint-disable-next-line @typescript-eslint/no-explicit-any
            F extends (...args: any[]) => infer T
            ? T
            : never;

/**
 * The driver names a task needs, inferred from what a generator function `yield*`s (or what a
 * returned future needs, or what a TaskRef carries). Async functions cannot be inspected by the
 * type system: their requirements are `never`, and a missing driver is reported at run time.
 */
export type RequirementsOf<F> =
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  F extends TaskRef<any, any, infer R>
    ? R
    : // eslint-disable-next-line @typescript-eslint/no-explicit-any
      F extends (...args: any[]) => Generator<infer Y, any, any>
      ? RequirementsOfYield<Y>
      : // eslint-disable-next-line @typescript-eslint/no-explicit-any
        F extends (...args: any[]) => Future<any, infer R>
        ? R
        : never;

/**
 * Compile-time check that a task's requirements are covered by `Drivers`. Intersected with the
 * task parameter: when drivers are missing, the error names them under `missingDrivers`.
 */
export type WithinDrivers<F, Drivers extends string> = [RequirementsOf<F>] extends [Drivers]
  ? unknown
  : { readonly missingDrivers: Exclude<RequirementsOf<F>, Drivers> };

/**
 * Compile-time check for the synchronous `blockOn`: a Promise-returning root task could never
 * make progress on a blocked thread, so it is refused (write it as a generator function).
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type NotAsync<F> = F extends (...args: any[]) => PromiseLike<any>
  ? { readonly asyncTaskCannotBlock: 'a synchronous blockOn cannot run an async function: use a generator function, or await runtime.run(...)' }
  : unknown;
