// The module's binding, not the global: Node defines `globalThis.performance` as an accessor, so
// each global `performance.now()` first calls a getter (about a fifth of a clock read).
import { performance } from 'node:perf_hooks';
import { ClockError } from './errors.js';

/**
 * The time source of one time driver: real monotonic time (`performance.now()`), which can be
 * paused and advanced by hand on a current-thread runtime (Tokio's `test-util` paused clock).
 */
export class Clock {
  private paused: boolean;
  private pausedAt = 0;
  // Real time + offset = clock time; grows by what advance() added while paused.
  private offset = 0;

  /** @param startPaused - start frozen at the current time. */
  constructor(startPaused: boolean) {
    this.paused = false;
    if (startPaused) this.pause();
  }

  /** Milliseconds on this clock (same origin as `performance.now()` until time is advanced). */
  now(): number {
    return this.paused ? this.pausedAt : performance.now() + this.offset;
  }

  /** True while time is frozen. */
  get isPaused(): boolean {
    return this.paused;
  }

  /** Freezes time. Throws if it is already frozen. */
  pause(): void {
    if (this.paused) throw new ClockError('already-frozen');
    this.pausedAt = this.now();
    this.paused = true;
  }

  /** Lets time run again from where it was frozen. Throws if it is not frozen. */
  resume(): void {
    if (!this.paused) throw new ClockError('not-frozen');
    this.offset = this.pausedAt - performance.now();
    this.paused = false;
  }

  /** Moves frozen time forward by `ms`. */
  advance(ms: number): void {
    if (!this.paused) throw new ClockError('not-frozen');
    this.pausedAt += ms;
  }

  /** Moves frozen time forward to `ms` if that is later (auto-advance). */
  advanceTo(ms: number): void {
    if (ms > this.pausedAt) this.pausedAt = ms;
  }
}
