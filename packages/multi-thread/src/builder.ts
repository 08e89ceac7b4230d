import { availableParallelism } from 'node:os';
import type { ResourceLimits } from 'node:worker_threads';
import type { JoinError, TaskRef } from '@tide/core';
import { assertSendableArgs, type DriverFactory } from '@tide/core/driver';
import { checkSendable } from './handle.js';
import { MultiThreadRuntime } from './runtime.js';
import type { HookRef } from './worker/protocol.js';

function positiveInteger(what: string, value: number): number {
  if (!Number.isInteger(value) || value < 1) throw new RangeError(`${what} must be a positive integer, got ${String(value)}`);
  return value;
}

function hookRef(what: string, task: unknown, args: unknown[]): HookRef {
  checkSendable(task, what);
  assertSendableArgs(args, `${what}(${task.name})`);
  return { url: task.url, name: task.name, args };
}

/**
 * Configures a {@link MultiThreadRuntime}. Each `enable(driverFactory)` adds the driver's name to
 * the runtime's type, so the compiler knows which tasks it can run; every worker thread builds its
 * own instance of each driver from the factory's sendable form.
 */
export class MultiThreadBuilder<Drivers extends string = never> {
  private runtimeName: string | undefined;
  private workers: number | undefined;
  private interval = 61;
  private globalInterval = 61;
  private maxBlocking = 512;
  private keepAliveMs = 10_000;
  private unhandled: ((error: JoinError) => void) | undefined;
  private startHook: HookRef | undefined;
  private stopHook: HookRef | undefined;
  private argv: readonly string[] | undefined;
  private limits: ResourceLimits | undefined;
  private readonly factories: DriverFactory[] = [];

  /** Number of worker threads (default: `os.availableParallelism()`). Zero is a `RangeError`. */
  workerThreads(count: number): this {
    this.workers = positiveInteger('workerThreads', count);
    return this;
  }

  /**
   * Adds a driver (time, IO, or a plugin's own). Drivers that do not support this flavor say so
   * here: the time driver's paused clock is refused (Tokio allows it on `current_thread` only).
   */
  enable<Name extends string>(factory: DriverFactory<Name>): MultiThreadBuilder<Drivers | Name> {
    if (factory?.kind !== 'tide.driver-factory') {
      throw new TypeError('enable() expects a driver factory, for example enable(timeDriver()) — call the factory function');
    }
    if (this.factories.some((f) => f.name === factory.name)) {
      throw new Error(`the '${factory.name}' driver is already enabled on this builder`);
    }
    factory.validate?.('multi_thread');
    try {
      structuredClone(factory.options);
    } catch (error) {
      throw new TypeError(`the '${factory.name}' driver's options cannot be sent to worker threads: pass plain data`, { cause: error });
    }
    this.factories.push(factory);
    return this;
  }

  /** Names the runtime (shown in metrics and thread names). */
  name(name: string): this {
    this.runtimeName = name;
    return this;
  }

  /** Tasks a worker runs between two driver turns under load (default 61, as in Tokio). */
  eventInterval(ticks: number): this {
    this.interval = positiveInteger('eventInterval', ticks);
    return this;
  }

  /** Every how many picks a worker looks at the global queue before its own (fairness; default 61). */
  globalQueueInterval(ticks: number): this {
    this.globalInterval = positiveInteger('globalQueueInterval', ticks);
    return this;
  }

  /** Upper bound of blocking-pool threads, per thread that owns a pool (default 512). */
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

  /**
   * A TaskRef each worker thread runs (with `args`) before it takes tasks: set up per-thread
   * state there. Generator and plain hooks run synchronously; an async hook is awaited.
   */
  onThreadStart<A extends unknown[]>(task: TaskRef<A, unknown, string>, ...args: A): this {
    this.startHook = hookRef('onThreadStart', task, args);
    return this;
  }

  /** A TaskRef each worker thread runs (with `args`) when the runtime shuts down, after its tasks were cancelled and its drivers shut down. */
  onThreadStop<A extends unknown[]>(task: TaskRef<A, unknown, string>, ...args: A): this {
    this.stopHook = hookRef('onThreadStop', task, args);
    return this;
  }

  /** Node options for the worker threads (default: the process's `execArgv`). */
  execArgv(argv: readonly string[]): this {
    const list: unknown = argv;
    if (!Array.isArray(list) || list.some((a) => typeof a !== 'string')) throw new TypeError('execArgv expects an array of strings');
    this.argv = (list as string[]).slice();
    return this;
  }

  /** Heap limits of each worker thread (`worker_threads` `resourceLimits`); a worker that exceeds them dies and is replaced. */
  resourceLimits(limits: ResourceLimits): this {
    this.limits = { ...limits };
    return this;
  }

  /** Receives each failed task spawned from the owner thread that nobody joined (default: `console.error`). */
  onUnhandledError(hook: (error: JoinError) => void): this {
    this.unhandled = hook;
    return this;
  }

  /** Builds the runtime and starts its worker threads. */
  build(): MultiThreadRuntime<Drivers> {
    return new MultiThreadRuntime<Drivers>({
      name: this.runtimeName,
      workerThreads: this.workers ?? Math.max(1, availableParallelism()),
      eventInterval: this.interval,
      globalQueueInterval: this.globalInterval,
      maxBlockingThreads: this.maxBlocking,
      threadKeepAliveMs: this.keepAliveMs,
      onUnhandledError: this.unhandled,
      drivers: [...this.factories],
      onThreadStart: this.startHook,
      onThreadStop: this.stopHook,
      execArgv: this.argv,
      resourceLimits: this.limits,
    });
  }
}
