import type { ForeignCompletions, Parker } from '@tide/core/driver';
import { C } from './shared/layout.js';
import type { TaskOrigin } from './shared/origin.js';

/** What {@link OwnerForeignWake} needs from the runtime on the owner thread. */
export interface ForeignWakeHost {
  readonly origin: TaskOrigin;
  /** The owner's own parker (what workers unpark after a delivery). */
  readonly parker: Parker;
  readonly control: Int32Array;
  /** Collects what was delivered to the owner, without waiting. Returns how much. */
  collect(): number;
  /** True if something was delivered to the owner that {@link ForeignWakeHost.collect} has not collected yet. */
  delivered(): boolean;
  /** Posts `buffer` (a parker's) to every worker as the one to wake; a new epoch follows. */
  announce(buffer: SharedArrayBuffer): void;
}

/**
 * The multi-thread runtime's {@link ForeignCompletions} on its owner thread: how a task of another
 * runtime on that thread (a current-thread `blockOn`) joins one of its tasks. Normally the owner
 * collects completions from the host event loop; while another runtime holds the thread in
 * `Atomics.wait`, that runtime's loop collects them through {@link OwnerForeignWake.drain}, and
 * its park announces its parker to the workers, which then unpark it after every delivery — as
 * Tokio's `Waker` wakes the joining runtime from the thread that completed the task.
 *
 * @internal
 */
export class OwnerForeignWake implements ForeignCompletions {
  private watcher: Parker | undefined;

  constructor(private readonly host: ForeignWakeHost) {}

  /** True while a task on the owner thread joins one of this runtime's tasks. */
  get awaited(): boolean {
    return this.host.origin.joins > 0;
  }

  /** Collects completions, posted results, dead workers: settles the handles, waking their joiners. */
  drain(): number {
    return this.host.delivered() ? this.host.collect() : 0;
  }

  /** Makes the next delivery unpark `parker` too; collects what already arrived and returns true if anything did. */
  watch(parker: Parker): boolean {
    // The runtime's own blocking wait (blockOn) parks on the parker workers wake anyway.
    if (parker === this.host.parker) return false;
    if (parker !== this.watcher) {
      this.watcher = parker;
      this.host.announce(parker.buffer);
    }
    // Dekker-style with the workers (see OwnerWatch): publish the watch, then look.
    Atomics.store(this.host.control, C.Watching, 1);
    // Collect what already arrived here (settling wakes the joiners): whatever loop parks now
    // need not drain us itself, and a stale delivery cannot make it spin.
    return this.drain() > 0;
  }

  /** The park is over: deliveries need not wake it any more. */
  unwatch(): void {
    Atomics.store(this.host.control, C.Watching, 0);
  }
}
