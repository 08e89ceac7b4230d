import { availableParallelism } from 'node:os';
import type { ResourceLimits } from 'node:worker_threads';
import { InvalidArgumentError, NotSendableError, ArgumentRangeError, type TaskRef } from '@tide/core';
import { RuntimeBuilderBase, assertSendableArgs, positiveInteger, type DriverFactory } from '@tide/core/driver';
import { checkSendable } from './handle.js';
import { MultiThreadRuntime } from './runtime.js';
import type { HookRef } from './worker/protocol.js';

/** The limits `worker_threads` understands. */
const RESOURCE_LIMITS = ['maxYoungGenerationSizeMb', 'maxOldGenerationSizeMb', 'codeRangeSizeMb', 'stackSizeMb'] as const;

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
export class MultiThreadBuilder<Drivers extends string = never> extends RuntimeBuilderBase {
  private workers: number | undefined;
  private globalInterval = 61;
  private startHook: HookRef | undefined;
  private stopHook: HookRef | undefined;
  private argv: readonly string[] | undefined;
  private limits: ResourceLimits | undefined;

  constructor() {
    super('multi_thread');
  }

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
    this.addDriver(factory);
    return this;
  }

  /**
   * Every worker builds its own driver from the factory's options: they must survive structured
   * clone, or `enable` throws `NotSendableError` (a `TypeError`, code `E_NOT_SENDABLE`).
   */
  protected override checkDriver(factory: DriverFactory): void {
    try {
      structuredClone(factory.options);
    } catch (error) {
      throw new NotSendableError(`the '${factory.name}' driver's options cannot be sent to worker threads: pass plain data`, { cause: error });
    }
  }

  /** Every how many picks a worker looks at the global queue before its own (fairness; default 61). */
  globalQueueInterval(ticks: number): this {
    this.globalInterval = positiveInteger('globalQueueInterval', ticks);
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
    if (!Array.isArray(list) || list.some((a) => typeof a !== 'string')) throw new InvalidArgumentError('execArgv expects an array of strings');
    this.argv = (list as string[]).slice();
    return this;
  }

  /**
   * Heap limits of each worker thread (`worker_threads` `resourceLimits`); a worker that exceeds
   * them dies and is replaced. Not an object, or an unknown limit: `InvalidArgumentError` (a
   * `TypeError`); a limit that is not a positive number: `ArgumentRangeError` (a `RangeError`).
   */
  resourceLimits(limits: ResourceLimits): this {
    const given: unknown = limits;
    if (given === null || typeof given !== 'object' || Array.isArray(given)) {
      throw new InvalidArgumentError(`resourceLimits expects an object such as { maxOldGenerationSizeMb: 256 }, got ${given === null ? 'null' : typeof given}`);
    }
    for (const [key, value] of Object.entries(given)) {
      if (!(RESOURCE_LIMITS as readonly string[]).includes(key)) {
        throw new InvalidArgumentError(`resourceLimits: unknown limit '${key}' (expected ${RESOURCE_LIMITS.join(', ')})`);
      }
      if (typeof value !== 'number' || !(value > 0) || !Number.isFinite(value)) {
        throw new ArgumentRangeError(`resourceLimits: ${key} must be a positive number of megabytes, got ${typeof value === 'number' ? value : typeof value}`);
      }
    }
    this.limits = { ...limits };
    return this;
  }

  /** Builds the runtime and starts its worker threads. */
  build(): MultiThreadRuntime<Drivers> {
    return new MultiThreadRuntime<Drivers>({
      ...this.commonConfig(),
      workerThreads: this.workers ?? Math.max(1, availableParallelism()),
      globalQueueInterval: this.globalInterval,
      onThreadStart: this.startHook,
      onThreadStop: this.stopHook,
      execArgv: this.argv,
      resourceLimits: this.limits,
    });
  }
}
