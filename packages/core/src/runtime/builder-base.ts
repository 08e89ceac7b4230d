import type { DriverFactory } from '../driver/driver.js';
import { DriverAlreadyEnabledError, InvalidArgumentError, ArgumentRangeError, describeArgument, type JoinError } from '../errors.js';
import type { RuntimeFlavor } from './runtime-handle.js';

/** The settings every flavor's builder gathers (a flavor adds its own). */
export interface CommonRuntimeConfig {
  /** The runtime's name (metrics, thread names). */
  readonly name: string | undefined;
  /** Tasks run between two driver turns under load. */
  readonly eventInterval: number;
  /** Upper bound of blocking-pool threads. */
  readonly maxBlockingThreads: number;
  /** How long an idle blocking thread is kept (ms). */
  readonly threadKeepAliveMs: number;
  /** Receives each failed task nobody joined. */
  readonly onUnhandledError: ((error: JoinError) => void) | undefined;
  /** The enabled drivers, in the order they were enabled. */
  readonly drivers: readonly DriverFactory[];
}

/** Checks a count option: a positive integer, or an {@link ArgumentRangeError} naming the option. */
export function positiveInteger(what: string, value: number): number {
  if (!Number.isInteger(value) || value < 1) throw new ArgumentRangeError(`${what} must be a positive integer, got ${describeArgument(value)}`);
  return value;
}

/**
 * The options and checks every flavor's builder shares (Tokio's `Builder` defaults: event
 * interval 61, 512 blocking threads kept 10 s). A flavor's builder extends it, adds its own
 * options, and declares `enable` with its own return type (which accumulates driver names) on
 * top of {@link RuntimeBuilderBase.addDriver}.
 */
export abstract class RuntimeBuilderBase {
  private runtimeName: string | undefined;
  private interval = 61;
  private maxBlocking = 512;
  private keepAliveMs = 10_000;
  private unhandled: ((error: JoinError) => void) | undefined;
  private readonly factories: DriverFactory[] = [];

  /** @param flavor - the flavor drivers are validated against (`factory.validate`). */
  protected constructor(private readonly flavor: RuntimeFlavor) {}

  /** Names the runtime (shown in metrics and thread names). */
  name(name: string): this {
    if (typeof name !== 'string') throw new InvalidArgumentError(`name() expects a string, got ${describeArgument(name)}`);
    this.runtimeName = name;
    return this;
  }

  /** Tasks run between two driver turns under load (default 61, as in Tokio). */
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
    if (!(ms >= 0) || !Number.isFinite(ms)) throw new ArgumentRangeError(`threadKeepAlive must be a finite, non-negative number of milliseconds, got ${describeArgument(ms)}`);
    this.keepAliveMs = ms;
    return this;
  }

  /** Receives each failed task nobody joined (default: `console.error`). */
  onUnhandledError(hook: (error: JoinError) => void): this {
    if (typeof hook !== 'function') {
      throw new InvalidArgumentError(`onUnhandledError() expects a function receiving the JoinError, got ${describeArgument(hook)}`);
    }
    this.unhandled = hook;
    return this;
  }

  /**
   * Checks and records a driver factory: not a factory → {@link InvalidArgumentError}, a second driver of the same
   * name → {@link DriverAlreadyEnabledError}, a driver that refuses this flavor → its own error.
   */
  protected addDriver(factory: DriverFactory): void {
    if ((factory as Partial<DriverFactory> | undefined)?.kind !== 'tide.driver-factory') {
      throw new InvalidArgumentError('enable() expects a driver factory, for example enable(timeDriver()) — call the factory function');
    }
    if (this.factories.some((f) => f.name === factory.name)) throw new DriverAlreadyEnabledError(factory.name);
    factory.validate?.(this.flavor);
    this.checkDriver(factory);
    this.factories.push(factory);
  }

  /** A flavor's own check of a driver factory before it is recorded (default: none). */
  protected checkDriver(_factory: DriverFactory): void {}

  /** The shared settings, as gathered so far. */
  protected commonConfig(): CommonRuntimeConfig {
    return {
      name: this.runtimeName,
      eventInterval: this.interval,
      maxBlockingThreads: this.maxBlocking,
      threadKeepAliveMs: this.keepAliveMs,
      onUnhandledError: this.unhandled,
      drivers: [...this.factories],
    };
  }
}
