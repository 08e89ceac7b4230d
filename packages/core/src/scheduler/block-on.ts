import { enterDriving, exitDriving, isDrivingOrInTask } from '../context/frame.js';
import { awaitingForeignCompletions, drainForeignCompletions, parkForForeignCompletions } from '../driver/foreign-completions.js';
import { DeadlockError, JoinError, NestedBlockOnError } from '../errors.js';
import { Outcome } from '../task/join-handle.js';
import type { LocalScheduler } from './local-scheduler.js';

/** What a flavor plugs into {@link blockOnLoop}: how to collect outside events and how to wait. */
export interface BlockOnHooks {
  /** Tasks to run between two calls of `turn` while tasks are runnable (Tokio's event interval). */
  readonly eventInterval: number;
  /**
   * Collects events without waiting: turn drivers, drain the inject queue, poll the blocking
   * pool. Returns how many it dispatched.
   */
  turn(): number;
  /**
   * Nothing is runnable and `turn` found nothing. Wait for something that can wake a task (park
   * the thread) and return true, or return false if nothing ever could. It may also throw its own
   * error (for example `DriverNotDrivenError`).
   */
  idle(): boolean;
}

const ROOT_FINALLY_POLLS = 10_000;

/**
 * The synchronous `blockOn` loop shared by the flavors: poll the root when woken, run up to
 * `eventInterval` tasks, `turn`, and when idle let the flavor park. Returns the root task's value
 * or throws what it threw. A root that can never complete becomes a {@link DeadlockError}, after
 * its `finally` blocks ran.
 *
 * Each turn also collects the completions other runtimes deliver to this thread (see
 * `ForeignCompletions` in `@tide/core/driver`): a multi-thread `JoinHandle`, or another runtime's
 * `spawnBlocking` handle, joined inside this loop completes with its value or `JoinError`, and
 * while the loop waits only for such a handle it parks instead of reporting a deadlock.
 */
export function blockOnLoop<T>(scheduler: LocalScheduler, task: unknown, args: unknown[], hooks: BlockOnHooks): T {
  if (isDrivingOrInTask()) throw new NestedBlockOnError();
  let rootWoken = true;
  const root = scheduler.createRoot(task, args, () => {
    rootWoken = true;
  });
  enterDriving();
  // Polls since the last turn: a root that keeps waking itself (yieldNow in a loop) must not keep
  // the drivers from being turned, or what it waits for would never arrive.
  let sinceTurn = 0;
  try {
    for (;;) {
      if (rootWoken) {
        rootWoken = false;
        scheduler.runTask(root);
        sinceTurn++;
        if (root.outcome !== Outcome.None) break;
      }
      const ran = scheduler.runBatch(hooks.eventInterval);
      sinceTurn += ran;
      if (sinceTurn >= hooks.eventInterval) {
        sinceTurn = 0;
        hooks.turn();
        drainForeignCompletions();
        continue;
      }
      if (rootWoken) continue;
      sinceTurn = 0;
      scheduler.reportUnhandled();
      // Other runtimes' completions (a multi-thread or blocking JoinHandle joined here): the host event loop
      // that would collect them cannot run while this loop holds the thread.
      if (hooks.turn() + drainForeignCompletions() > 0 || scheduler.hasRunnable() || rootWoken) continue;
      let waited: boolean;
      try {
        waited = hooks.idle();
      } catch (error) {
        cancelRoot(scheduler, root, () => rootWoken, (v) => (rootWoken = v));
        throw error;
      }
      if (!waited && !scheduler.hasRunnable() && !rootWoken) {
        // Nothing of this runtime can wake a task, but another runtime's task is joined here: wait
        // for it (its completion unparks this thread), as Tokio would — not a deadlock.
        if (awaitingForeignCompletions()) {
          parkForForeignCompletions();
          continue;
        }
        cancelRoot(scheduler, root, () => rootWoken, (v) => (rootWoken = v));
        throw new DeadlockError(scheduler.asyncInFlight > 0 || scheduler.isAsyncTask(root));
      }
    }
  } finally {
    exitDriving();
  }
  scheduler.reportUnhandled();
  if (root.outcome === Outcome.Ok) return root.result as T;
  if (root.outcome === Outcome.Panic) throw root.result;
  throw new JoinError('cancelled', root.id);
}

/** Aborts the root and polls it (and whatever it wakes) so its `finally` blocks run. */
function cancelRoot(
  scheduler: LocalScheduler,
  root: ReturnType<LocalScheduler['createRoot']>,
  woken: () => boolean,
  setWoken: (v: boolean) => void,
): void {
  root.abort();
  for (let i = 0; i < ROOT_FINALLY_POLLS && root.outcome === Outcome.None; i++) {
    if (woken()) {
      setWoken(false);
      scheduler.runTask(root);
    } else if (scheduler.runBatch(64) === 0) break;
  }
}
