import type { Waker } from '@tide/core';

/**
 * A future waiting for events of a resource (data to read, a connection to accept). It carries
 * its own waker slot, so registering allocates nothing.
 *
 * @internal
 */
export interface Interest {
  /** The waker to call, or null while not registered. */
  waker: Waker | null;
}

/** Counts registered interests across a driver (its `hasPendingWork`). @internal */
export interface InterestCounter {
  /** Interests were registered (+) or released (-). */
  interestDelta(delta: number): void;
  /** Throws unless the calling code runs on the driver's own runtime (see `IoDriver.checkRuntime`). */
  checkRuntime(what: string): void;
}

/**
 * The futures waiting on one resource. Events wake all of them (each re-polls and re-registers
 * if it still has to wait); an aborted future leaves the set from its `[Symbol.dispose]`.
 *
 * @internal
 */
export class InterestSet {
  private readonly waiting = new Set<Interest>();
  private readonly wakers: Waker[] = [];

  /** @param counter - the driver, which counts interests. */
  constructor(private readonly counter: InterestCounter) {}

  /** Number of waiting futures. */
  get size(): number {
    return this.waiting.size;
  }

  /** Registers (or re-arms) `interest` with `waker`; `what` names the operation in the error for a foreign runtime. */
  register(interest: Interest, waker: Waker, what: string): void {
    if (interest.waker === null && !this.waiting.has(interest)) this.counter.checkRuntime(what);
    interest.waker = waker;
    if (this.waiting.has(interest)) return;
    this.waiting.add(interest);
    this.counter.interestDelta(1);
  }

  /** Removes `interest` (no-op if not registered). */
  unregister(interest: Interest): void {
    interest.waker = null;
    if (this.waiting.delete(interest)) this.counter.interestDelta(-1);
  }

  /** Wakes and removes every waiting future. */
  wakeAll(): void {
    const count = this.waiting.size;
    if (count === 0) return;
    const wakers = this.wakers;
    for (const interest of this.waiting) {
      if (interest.waker !== null) wakers.push(interest.waker);
      interest.waker = null;
    }
    this.waiting.clear();
    this.counter.interestDelta(-count);
    for (let i = 0; i < wakers.length; i++) wakers[i]!.wake();
    wakers.length = 0;
  }
}
