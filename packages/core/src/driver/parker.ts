// This module imports nothing: it is also the `@tide/core/parker` entry, which threads that
// only wake a runtime (an IO reactor, a pool worker) load without the rest of core.

/** The parker word's value when no unpark is pending and nobody is parked. */
export const PARKER_EMPTY = 0;
/** The parker word's value while its thread is parked (waiting on the word). */
export const PARKER_PARKED = 1;
/** The parker word's value when an unpark is pending: the next park returns at once. */
export const PARKER_NOTIFIED = 2;

const EMPTY = PARKER_EMPTY;
const PARKED = PARKER_PARKED;
const NOTIFIED = PARKER_NOTIFIED;

/**
 * Unparks the thread that parks on `state` (an `Int32Array` over a {@link Parker}'s `buffer`; the
 * word at index 0), or makes its next park return at once. The same protocol as
 * {@link Parker.unpark}, for code that holds only the shared buffer. Callable from any thread.
 */
export function unparkParker(state: Int32Array): void {
  if (Atomics.exchange(state, 0, NOTIFIED) === PARKED) Atomics.notify(state, 0);
}

/**
 * Parks a thread until another thread (or an event source on this thread) unparks it, or a
 * timeout passes. Built on one Int32 in a SharedArrayBuffer: `Atomics.wait` to park synchronously
 * (inside a blocking `blockOn`), `Atomics.waitAsync` to park without blocking the event loop.
 *
 * An unpark that arrives before the park is remembered, so the next park returns at once: a
 * wake-up is never lost between "check the queues" and "go to sleep".
 */
export class Parker {
  /** The shared state; post it to another thread and wrap it with `Parker.fromShared`. */
  readonly buffer: SharedArrayBuffer;
  private readonly state: Int32Array;

  /** @param buffer - an existing parker's buffer, to unpark it from this thread. */
  constructor(buffer: SharedArrayBuffer = new SharedArrayBuffer(4)) {
    this.buffer = buffer;
    this.state = new Int32Array(buffer);
  }

  /** A parker that unparks the thread which owns `buffer`. */
  static fromShared(buffer: SharedArrayBuffer): Parker {
    return new Parker(buffer);
  }

  /**
   * Blocks the calling thread until unparked or `timeoutMs` passes (`Infinity` = no timeout).
   * Returns true if it was unparked (or an unpark was already pending), false on timeout.
   */
  park(timeoutMs: number = Infinity): boolean {
    if (Atomics.compareExchange(this.state, 0, EMPTY, PARKED) === NOTIFIED) {
      Atomics.store(this.state, 0, EMPTY);
      return true;
    }
    const observer = parkObserver;
    if (observer === null) {
      if (timeoutMs > 0) Atomics.wait(this.state, 0, PARKED, timeoutMs);
      return Atomics.exchange(this.state, 0, EMPTY) === NOTIFIED;
    }
    // Already PARKED: an unpark from here on is remembered, so what the observer arranges (other
    // runtimes unparking this parker too) cannot be lost between its check and the wait.
    const arrived = observer.beforePark(this);
    if (!arrived && timeoutMs > 0) Atomics.wait(this.state, 0, PARKED, timeoutMs);
    observer.afterPark(this);
    return Atomics.exchange(this.state, 0, EMPTY) === NOTIFIED || arrived;
  }

  /**
   * Waits without blocking the thread until unparked or `timeoutMs` passes. Resolves true if
   * unparked. Aborting `signal` resolves it (false) at once.
   */
  async parkAsync(timeoutMs: number = Infinity, signal?: AbortSignal): Promise<boolean> {
    if (Atomics.compareExchange(this.state, 0, EMPTY, PARKED) === NOTIFIED) {
      Atomics.store(this.state, 0, EMPTY);
      return true;
    }
    if (timeoutMs > 0 && !signal?.aborted) {
      const result = Atomics.waitAsync(this.state, 0, PARKED, timeoutMs);
      if (result.async) {
        // Aborting releases the wait with a notify, so no waiter is left registered.
        const onAbort = (): void => void Atomics.notify(this.state, 0);
        signal?.addEventListener('abort', onAbort, { once: true });
        await result.value;
        signal?.removeEventListener('abort', onAbort);
      }
    }
    return Atomics.exchange(this.state, 0, EMPTY) === NOTIFIED;
  }

  /** Wakes the parked thread, or makes its next park return at once. Callable from any thread. */
  unpark(): void {
    unparkParker(this.state);
  }

  /** True if an unpark is pending (the next park would return at once). */
  get notified(): boolean {
    return Atomics.load(this.state, 0) === NOTIFIED;
  }
}

/**
 * Watches this thread's synchronous parks (core's foreign-completions registry installs it while
 * another runtime delivers to this thread).
 *
 * @internal
 */
export interface ParkObserver {
  /**
   * `parker` is about to block this thread (its word is already PARKED). Returns true if the park
   * must not wait: something the thread should collect has already arrived.
   */
  beforePark(parker: Parker): boolean;
  /** The park that {@link ParkObserver.beforePark} saw is over. */
  afterPark(parker: Parker): void;
}

let parkObserver: ParkObserver | null = null;

/**
 * Installs (or with null removes) this thread's {@link ParkObserver}.
 *
 * @internal
 */
export function setParkObserver(observer: ParkObserver | null): void {
  parkObserver = observer;
}

let threadParkerInstance: Parker | undefined;

/**
 * This thread's parker, created on first use. Code on this thread that waits synchronously parks
 * on it; other threads that owe it an answer unpark it.
 */
export function threadParker(): Parker {
  return (threadParkerInstance ??= new Parker());
}
