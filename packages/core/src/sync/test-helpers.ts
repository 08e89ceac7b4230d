/**
 * Test support for the sync primitives: a {@link LocalScheduler} with no drivers, and helpers to
 * spawn generator tasks, drive them to quiescence and read their outcomes.
 *
 * @internal Used by `*.test.ts` only; not exported from `@tide/core`.
 */

import { PENDING, type Waker } from '../future/poll.js';
import type { RuntimeCore } from '../runtime/runtime-core.js';
import { LocalScheduler } from '../scheduler/local-scheduler.js';
import type { JoinHandle } from '../task/join-handle.js';

/** A scheduler plus helpers. */
export interface Harness {
  /** The scheduler under test. */
  readonly scheduler: LocalScheduler;
  /** Spawns a generator task. */
  spawn<A extends unknown[], T>(fn: (...args: A) => Generator<unknown, T, never>, ...args: A): JoinHandle<T>;
  /** Runs tasks until none is runnable (throws if that takes an absurd number of batches). */
  drive(): void;
  /** The value of a finished task; throws its failure; throws if it is still running. */
  result<T>(handle: JoinHandle<T>): T;
  /** Failures of unjoined tasks reported by the scheduler. */
  readonly unhandled: unknown[];
}

/** Creates a {@link Harness}. */
export function harness(): Harness {
  const runtime: RuntimeCore = {
    handle: {} as RuntimeCore['handle'],
    driver() {
      throw new Error('no drivers');
    },
    spawnTask: (task, args) => scheduler.spawn(task, args),
  };
  const unhandled: unknown[] = [];
  const scheduler = new LocalScheduler({ runtime, onUnhandledError: (error) => unhandled.push(error) });
  return {
    scheduler,
    unhandled,
    spawn(fn, ...args) {
      return scheduler.spawn(fn, args) as unknown as JoinHandle<never>;
    },
    drive() {
      for (let batches = 0; scheduler.hasRunnable(); batches++) {
        if (batches > 100_000) throw new Error('drive: tasks never went idle (livelock?)');
        scheduler.runBatch(100);
      }
      scheduler.reportUnhandled();
    },
    result<T>(handle: JoinHandle<T>): T {
      const value = handle.poll({ waker: { wake() {} } });
      if (value === PENDING) throw new Error(`task ${handle.id} is still running`);
      return value;
    },
  };
}

/** A waker that counts its wakes. */
export class CountingWaker implements Waker {
  /** How many times it was woken. */
  wakes = 0;
  /** Counts one wake. */
  wake(): void {
    this.wakes++;
  }
}

/** What a synchronous function threw (fails the test if it did not throw). */
export function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected the function to throw');
}
