import type { Context } from './poll.js';

/**
 * What a generator task yields while it waits: the future it is suspended on. `R` is a phantom
 * union of the driver names that future needs ('time', 'io', …). It is covariant, so TypeScript
 * infers the union of everything a generator function `yield*`s, with no annotations.
 */
export interface Suspend<R extends string = string> {
  /** Polls the awaited future; the scheduler calls it. */
  poll(cx: Context): unknown;
  /** Phantom: never present at run time. Its function type makes `R` covariant. */
  readonly __requires?: (_: never) => R;
}

/** The driver names a generator's yields require: `Suspend<'a'> | Suspend<'b'>` → `'a' | 'b'`. */
export type RequirementsOfYield<Y> = Y extends Suspend<infer R> ? R : never;
