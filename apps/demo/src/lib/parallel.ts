/**
 * A "library" written only against `@tide/core`: it does not know which runtime the application
 * installed, and runs unchanged on both flavors. It splits a range into parts, runs a sendable
 * task on each part and sums the results, choosing where the parts run from the runtime it finds
 * with `Handle.current()`:
 *
 * - on a multi-thread runtime, free `spawn` puts the parts on the worker threads (work stealing
 *   spreads them);
 * - on a current-thread runtime, free `spawnBlocking` puts them on the blocking pool, so the
 *   thread that drives the runtime (and its IO) stays free.
 */
import { Handle, spawn, spawnBlocking, type JoinHandle, type RuntimeFlavor, type TaskRef } from '@tide/core';

/** The result of {@link sumAcross}, with the flavor it ran on. */
export interface PartsResult {
  /** The sum of every part's result. */
  readonly total: number;
  /** How many parts ran. */
  readonly parts: number;
  /** The flavor of the runtime that ran the parts. */
  readonly flavor: RuntimeFlavor;
}

/**
 * Runs `task(from_i, to_i)` on `parts` consecutive slices of `[from, to)` in parallel and returns
 * the sum of the results. `task` must be a synchronous TaskRef (it may run on another thread).
 */
export function* sumAcross(task: TaskRef<[number, number], number, never>, from: number, to: number, parts: number) {
  const flavor = Handle.current().flavor;
  const size = Math.ceil((to - from) / parts);
  const handles: JoinHandle<number, never>[] = [];
  for (let start = from; start < to; start += size) {
    const end = Math.min(to, start + size);
    handles.push(flavor === 'multi_thread' ? spawn(task, start, end) : spawnBlocking(task, start, end));
  }
  let total = 0;
  for (const handle of handles) total += yield* handle;
  return { total, parts: handles.length, flavor } satisfies PartsResult;
}
