import { defineDriver, type Driver, type DriverContext, type DriverFactory, type Parker } from '@tide/core/driver';
import { TASKS_URL } from './tasks.js';

/** Options of {@link turnCounterDriver}: where to count (shared memory, so any thread can count). */
export interface TurnCounterOptions {
  /** Slot 0 counts `turn()` calls, slot 1 counts `shutdown()` calls. */
  readonly counters: Int32Array;
}

/** A driver with no events that counts how often the runtime turns it and shuts it down. */
class TurnCounter implements Driver<'turn-counter'> {
  readonly name = 'turn-counter' as const;
  private readonly parker: Parker;

  constructor(
    private readonly counters: Int32Array,
    cx: DriverContext,
  ) {
    this.parker = cx.parker;
  }

  turn(): number {
    Atomics.add(this.counters, 0, 1);
    return 0;
  }
  parkTimeout(): number {
    return Infinity;
  }
  hasPendingWork(): boolean {
    return false;
  }
  park(timeoutMs: number): void {
    this.parker.park(timeoutMs);
    this.turn();
  }
  async parkAsync(timeoutMs: number, signal?: AbortSignal): Promise<void> {
    await this.parker.parkAsync(timeoutMs, signal);
    this.turn();
  }
  unpark(): void {
    this.parker.unpark();
  }
  shutdown(): void {
    Atomics.add(this.counters, 1, 1);
  }
}

const factory = defineDriver<'turn-counter', TurnCounterOptions>(
  TASKS_URL,
  'turnCounterDriver',
  'turn-counter',
  (options, cx) => new TurnCounter(options.counters, cx),
);

/**
 * A probe driver for the runtime suite: it has no events and counts how often the runtime turns
 * it (slot 0 of `counters`) and shuts it down (slot 1). Sendable like any driver factory: its
 * module is the testkit's built `dist/index.js`.
 */
export function turnCounterDriver(options: TurnCounterOptions): DriverFactory<'turn-counter', TurnCounterOptions> {
  return factory(options);
}
