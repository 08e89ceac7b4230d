import { receiveMessageOnPort, type MessagePort } from 'node:worker_threads';

// Core's parker protocol (`PARKER_PARKED`, `PARKER_NOTIFIED`), literal: the worker entry script
// loads this module before anything of tide, to wake the owner from its exit hook too.
const PARKER_PARKED = 1;
const PARKER_NOTIFIED = 2;

/** Where a worker finds the owner's watch words in the control block (`C.Watching`, `C.WatchEpoch`). */
export interface OwnerWatchWords {
  readonly watching: number;
  readonly epoch: number;
}

/**
 * A worker's side of the owner thread's watch. While the owner thread is parked synchronously by
 * another runtime (a current-thread `blockOn` joining one of this runtime's tasks), its host event
 * loop cannot collect completions, so every delivery to the owner must also unpark the parker of
 * that runtime — as a Tokio `Waker` wakes the joining runtime's driver from the completing thread.
 *
 * The owner posts that parker's buffer on `port`, then bumps the epoch word; a worker that sees a
 * new epoch reads the port (synchronously) before it unparks. The owner sets the watching word
 * before it last looks for deliveries and parks; a worker reads it after it delivered: one of the
 * two sees the other, so a delivery is never lost between the owner's check and its wait.
 *
 * @internal
 */
export class OwnerWatch {
  private seen = -1;
  private words: Int32Array | null = null;

  constructor(
    private readonly control: Int32Array,
    private readonly at: OwnerWatchWords,
    private readonly port: MessagePort,
  ) {}

  /** After a delivery to the owner: unparks the watching runtime's parker, if the owner is watched. */
  wake(): void {
    if (Atomics.load(this.control, this.at.watching) === 0) return;
    const epoch = Atomics.load(this.control, this.at.epoch);
    if (epoch !== this.seen) {
      this.seen = epoch;
      this.refresh();
    }
    const words = this.words;
    if (words !== null && Atomics.exchange(words, 0, PARKER_NOTIFIED) === PARKER_PARKED) Atomics.notify(words, 0);
  }

  /** Takes the last parker the owner posted (every one before the epoch it read is on the port). */
  private refresh(): void {
    for (;;) {
      const received = receiveMessageOnPort(this.port);
      if (received === undefined) return;
      this.words = new Int32Array(received.message as SharedArrayBuffer);
    }
  }
}
