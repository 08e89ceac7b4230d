import type { JoinError } from '@tide/core';
import type { DriverFactory } from '@tide/core/driver';
import { CurrentThreadRuntime } from './runtime.js';

function positiveInteger(what: string, value: number): number {
  if (!Number.isInteger(value) || value < 1) throw new RangeError(`${what} must be a positive integer, got ${value}`);
  return value;
}

/**
 * Configures a {@link CurrentThreadRuntime}. Each `enable(driverFactory)` adds the driver's name
 * to the runtime's type, so the compiler knows which tasks it can run.
 */
export class CurrentThreadBuilder<Drivers extends string = never> {
  private runtimeName: string | undefined;
  private interval = 61;
  private maxBlocking = 512;
  private keepAliveMs = 10_000;
  private unhandled: ((error: JoinError) => void) | undefined;
  private readonly factories: DriverFactory[] = [];

  /** Adds a driver (time, IO, or a plugin's own), built when the runtime is built. */
  enable<Name extends string>(factory: DriverFactory<Name>): CurrentThreadBuilder<Drivers | Name> {
    if (factory?.kind !== 'tide.driver-factory') {
      throw new TypeError('enable() expects a driver factory, for example enable(timeDriver()) — call the factory function');
    }
    if (this.factories.some((f) => f.name === factory.name)) {
      throw new Error(`the '${factory.name}' driver is already enabled on this builder`);
    }
    factory.validate?.('current_thread');
    this.factories.push(factory);
    return this;
  }

  /** Names the runtime (shown in metrics and thread names). */
  name(name: string): this {
    this.runtimeName = name;
    return this;
  }

  /** Tasks run between two driver polls under load (default 61, as in Tokio). */
  eventInterval(ticks: number): this {
    this.interval = positiveInteger('eventInterval', ticks);
    return this;
  }

  /** Upper bound of blocking-pool threads (default 512). */
  maxBlockingThreads(threads: number): this {
    this.maxBlocking = positiveInteger('maxBlockingThreads', threads);
    return this;
  }

  /** How long an idle blocking thread is kept, in milliseconds (default 10 000). */
  threadKeepAlive(ms: number): this {
    if (!(ms >= 0) || !Number.isFinite(ms)) throw new RangeError(`threadKeepAlive must be a finite, non-negative number of milliseconds, got ${ms}`);
    this.keepAliveMs = ms;
    return this;
  }

  /** Receives each failed task nobody joined (default: `console.error`). */
  onUnhandledError(hook: (error: JoinError) => void): this {
    this.unhandled = hook;
    return this;
  }

  /** Builds the runtime. */
  build(): CurrentThreadRuntime<Drivers> {
    return new CurrentThreadRuntime<Drivers>({
      name: this.runtimeName,
      eventInterval: this.interval,
      maxBlockingThreads: this.maxBlocking,
      threadKeepAliveMs: this.keepAliveMs,
      onUnhandledError: this.unhandled,
      drivers: [...this.factories],
    });
  }
}
