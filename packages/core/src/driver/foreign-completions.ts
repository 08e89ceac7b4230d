import { setParkObserver, threadParker, type Parker, type ParkObserver } from './parker.js';

/**
 * Completions that another runtime delivers to this thread: the results of its tasks whose join
 * handles live here. The runtime that owns them registers itself with
 * {@link registerForeignCompletions} on the thread where it settles its join handles.
 *
 * When that thread is host-driven, the owning runtime collects them from the event loop on its
 * own. But a runtime whose synchronous `blockOn` holds the thread in `Atomics.wait` keeps the event
 * loop from running: then its loop collects them ({@link drainForeignCompletions} on every turn),
 * and every synchronous park on the thread asks the owning runtime to unpark it too, as a Tokio
 * `Waker` wakes the joining runtime's driver from whichever thread completes the task.
 *
 * Implemented by `@tide/multi-thread` (its tasks) and by core's `BlockingPool` (any runtime's
 * `spawnBlocking` tasks, delivered to the pool's owner thread); a flavor that parks with
 * {@link Parker.park} and loops with `blockOnLoop` gets this without doing anything.
 */
export interface ForeignCompletions {
  /**
   * True while a task on this thread waits for a completion this source will deliver (it polled
   * one of its join handles, which is not settled yet). A loop waiting only for that is not
   * deadlocked.
   */
  readonly awaited: boolean;
  /**
   * Collects what was delivered, without waiting: settles join handles, which wakes whoever
   * joins them. Returns how many events it handled.
   */
  drain(): number;
  /**
   * This thread is about to park synchronously on `parker` while {@link ForeignCompletions.awaited}: from now on a
   * delivery must also unpark `parker`. Called after the parker's word reads "parked", so an unpark
   * from now on makes the wait return at once. Returns true if the park must not wait because
   * something was already delivered; the source may collect it right here (waking the joiners),
   * since the loop that parks is not necessarily one that calls {@link drainForeignCompletions}.
   */
  watch(parker: Parker): boolean;
  /** The park {@link ForeignCompletions.watch} prepared is over; deliveries need not unpark `parker` any more. */
  unwatch(parker: Parker): void;
}

const sources: ForeignCompletions[] = [];
const watching: ForeignCompletions[] = [];

const observer: ParkObserver = {
  beforePark(parker: Parker): boolean {
    let arrived = false;
    for (const source of sources) {
      if (!source.awaited) continue;
      watching.push(source);
      if (source.watch(parker)) arrived = true;
    }
    return arrived;
  },
  afterPark(parker: Parker): void {
    for (const source of watching) source.unwatch(parker);
    watching.length = 0;
  },
};

/**
 * Registers a source of foreign completions on the calling thread. Returns the function that
 * unregisters it (call it when the runtime shuts down).
 */
export function registerForeignCompletions(source: ForeignCompletions): () => void {
  sources.push(source);
  setParkObserver(observer);
  return () => {
    const at = sources.indexOf(source);
    if (at < 0) return;
    sources.splice(at, 1);
    if (sources.length === 0) setParkObserver(null);
  };
}

/** Collects every foreign completion delivered to this thread, without waiting. Returns how many events. */
export function drainForeignCompletions(): number {
  if (sources.length === 0) return 0;
  let n = 0;
  // A copy: a drain may shut its runtime down and unregister it.
  for (const source of sources.slice()) n += source.drain();
  return n;
}

/** True while a task on this thread waits for a foreign completion (see {@link ForeignCompletions.awaited}). */
export function awaitingForeignCompletions(): boolean {
  for (const source of sources) if (source.awaited) return true;
  return false;
}

/**
 * Parks this thread until a foreign completion arrives (or any other unpark of its
 * {@link threadParker}). For a loop that has nothing else to wait for.
 */
export function parkForForeignCompletions(): void {
  threadParker().park();
}
