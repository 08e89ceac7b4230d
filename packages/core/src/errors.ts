/**
 * Every error tide throws is one of these classes: each has a stable `code` to branch on and a
 * message that says what happened and what to do (in the style of Tokio's panic messages).
 *
 * @packageDocumentation
 */

/** The stable codes of {@link TideError} subclasses. */
export type TideErrorCode =
  | 'E_NO_RUNTIME'
  | 'E_NESTED_BLOCK_ON'
  | 'E_DRIVER_DISABLED'
  | 'E_DRIVER_NOT_DRIVEN'
  | 'E_RUNTIME_SHUTDOWN'
  | 'E_DEADLOCK'
  | 'E_ENTER_GUARD_ORDER'
  | 'E_JOIN'
  | 'E_ELAPSED'
  | 'E_WORKER_EXITED'
  | 'E_CHANNEL_CLOSED'
  | 'E_NOT_SENDABLE'
  | 'E_TASK_NOT_FOUND'
  | 'E_INVALID_TASK'
  | 'E_SEMAPHORE_CLOSED'
  | 'E_DRIVER_ALREADY_ENABLED'
  | 'E_INVALID_ARGUMENT'
  | 'E_ARGUMENT_OUT_OF_RANGE'
  | 'E_GUARD_RELEASED'
  // Drivers and plugins define their own codes.
  | (string & {});

/** Base class of every error tide throws. Branch on {@link TideError.code}, not on the message. */
export abstract class TideError extends Error {
  /** A stable, machine-readable code, for example `E_NO_RUNTIME`. */
  abstract readonly code: TideErrorCode;

  /** @param message - what happened and what to do. */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }
}

/**
 * Thrown by `Handle.current()` and the free functions (`spawn`, `blockOn`, …) when the calling code
 * is not inside a runtime context and no default runtime was installed.
 */
export class NoRuntimeError extends TideError {
  /** Always `E_NO_RUNTIME`. */
  readonly code = 'E_NO_RUNTIME' as const;
  /** @param what - the operation that needed a runtime. */
  constructor(what = 'this operation') {
    super(
      `there is no tide runtime running: ${what} must be called from the context of a tide runtime. ` +
        'Call it from inside a task, inside `runtime.blockOn(...)`, while holding `handle.enter()`, ' +
        'or install a default runtime once with `setDefaultRuntime(runtime.handle())`.',
    );
  }
}

/**
 * Thrown when a synchronous `blockOn` is called while this thread is already driving a runtime
 * (inside a task, inside another `blockOn`, or from an async task's continuation).
 */
export class NestedBlockOnError extends TideError {
  /** Always `E_NESTED_BLOCK_ON`. */
  readonly code = 'E_NESTED_BLOCK_ON' as const;
  constructor() {
    super(
      'Cannot start a runtime from within a runtime. This happens because a function (like `blockOn`) ' +
        'attempted to block the current thread while the thread is being used to drive asynchronous tasks. ' +
        'Inside a task, `yield*` (or `await`) the work instead, or use `spawnBlocking` to run blocking code on the blocking pool.',
    );
  }
}

/** Thrown when a future needs a driver that the runtime was built without. */
export class DriverDisabledError extends TideError {
  /** Always `E_DRIVER_DISABLED`. */
  readonly code = 'E_DRIVER_DISABLED' as const;
  /**
   * @param driver - the requirement name, for example `'time'`.
   * @param enableHint - how to enable it, for example `'.enable(timeDriver())'`.
   */
  constructor(
    readonly driver: string,
    enableHint = `.enable(...) with the '${driver}' driver's factory`,
  ) {
    super(
      `A tide runtime context was found, but the '${driver}' driver is disabled. ` +
        `Enable it on the runtime builder: ${enableHint}.`,
    );
  }
}

/**
 * Thrown by a current-thread `Handle.blockOn` (and a shared handle's `blockOn` on another thread)
 * when the future would have to wait for a driver: only `Runtime.blockOn` drives IO and timers.
 * Tokio hangs forever here; tide says so instead.
 */
export class DriverNotDrivenError extends TideError {
  /** Always `E_DRIVER_NOT_DRIVEN`. */
  readonly code = 'E_DRIVER_NOT_DRIVEN' as const;
  /**
   * @param drivers - the names of the drivers that would have to be turned.
   * @param where - why they are not turned here, and what to do instead; the default explains a
   *   current-thread `Handle.blockOn`.
   */
  constructor(
    readonly drivers: readonly string[],
    where?: string,
  ) {
    const names = drivers.map((d) => `'${d}'`).join(', ');
    super(
      where === undefined
        ? `The future passed to Handle.blockOn is waiting on the ${names} driver, ` +
            'but Handle.blockOn on a current-thread runtime cannot drive IO or timers. ' +
            'Use `runtime.blockOn(...)` (which turns the drivers), or spawn the work and join it from a task.'
        : `This code uses the ${names} driver, but ${where}`,
    );
  }
}

/** Thrown by driver-backed futures (timers, IO) of a runtime that has been shut down. */
export class RuntimeShutdownError extends TideError {
  /** Always `E_RUNTIME_SHUTDOWN`. */
  readonly code = 'E_RUNTIME_SHUTDOWN' as const;
  /** @param what - the resource that was used, for example `'timer'`. */
  constructor(what = 'this resource') {
    super(
      `A tide runtime context was found, but it is being shut down: ${what} can no longer be used. ` +
        'Build a new runtime, or finish this work before calling shutdown.',
    );
  }
}

/** Thrown by a synchronous `blockOn` whose future can never complete: nothing is left that could wake it. */
export class DeadlockError extends TideError {
  /** Always `E_DEADLOCK`. */
  readonly code = 'E_DEADLOCK' as const;
  /** @param hostPromise - true when an async task or host Promise is what the future waits on. */
  constructor(readonly hostPromise: boolean) {
    super(
      hostPromise
        ? 'blockOn cannot complete: the future waits on an async task or a host Promise, whose continuations ' +
            'only run after this synchronous call returns. Write the task as a generator function (`function*` and `yield*`), ' +
            'or drive the runtime from the host with `await runtime.run(...)`.'
        : 'blockOn cannot complete: the future is pending and nothing (no task, timer, IO operation or other thread) ' +
            'is left that could wake it. Check for a channel whose sender was never used or a Notify that is never notified.',
    );
  }
}

/** Thrown when `EnterGuard`s are disposed in a different order than they were acquired. */
export class EnterGuardOrderError extends TideError {
  /** Always `E_ENTER_GUARD_ORDER`. */
  readonly code = 'E_ENTER_GUARD_ORDER' as const;
  constructor() {
    super(
      '`EnterGuard` values disposed out of order. Guards returned by `handle.enter()` must be disposed ' +
        'in the reverse order as they were acquired; `using guard = handle.enter()` does this for you.',
    );
  }
}

/** Why a task did not produce a value. */
export type JoinErrorKind = 'cancelled' | 'panic';

/**
 * What a `JoinHandle` rejects with: the task was cancelled (aborted or shut down) or threw
 * (a "panic", with the thrown value as `cause`).
 */
export class JoinError extends TideError {
  /** Always `E_JOIN`. */
  readonly code = 'E_JOIN' as const;
  /** @internal */
  constructor(
    readonly kind: JoinErrorKind,
    /** The id of the task that failed. */
    readonly taskId: number,
    cause?: unknown,
  ) {
    super(
      kind === 'cancelled'
        ? `task ${taskId} was cancelled`
        : `task ${taskId} panicked with message ${JSON.stringify(describe(cause))}`,
      kind === 'panic' ? { cause } : undefined,
    );
  }
  /** True when the task was aborted or its runtime shut down before it finished. */
  isCancelled(): boolean {
    return this.kind === 'cancelled';
  }
  /** True when the task threw; `cause` holds what it threw. */
  isPanic(): boolean {
    return this.kind === 'panic';
  }
  /** The value the task threw; throws this error itself if the task was cancelled instead. */
  intoPanic(): unknown {
    if (this.kind !== 'panic') throw this;
    return this.cause;
  }
}

/** Rejects a `timeout(...)` whose deadline passed before the inner work completed. */
export class Elapsed extends TideError {
  /** Always `E_ELAPSED`. */
  readonly code = 'E_ELAPSED' as const;
  constructor() {
    super('deadline has elapsed');
  }
}

/** The cause of a task failure when the worker thread running it exited. */
export class WorkerExitedError extends TideError {
  /** Always `E_WORKER_EXITED`. */
  readonly code = 'E_WORKER_EXITED' as const;
  /** @param exitCode - the worker's exit code. */
  constructor(
    readonly exitCode: number,
    detail?: string,
  ) {
    super(
      `the worker thread running this task exited with code ${exitCode}${detail ? ` (${detail})` : ''}; ` +
        'the task was lost. The pool replaced the worker; retry the task if it is idempotent.',
    );
  }
}

/** A channel operation on a channel whose other side is gone. */
export class ChannelClosedError extends TideError {
  /** Always `E_CHANNEL_CLOSED`. */
  readonly code = 'E_CHANNEL_CLOSED' as const;
  /** @param detail - which side closed. */
  constructor(detail: string) {
    super(detail);
  }
}

/**
 * A task or argument could not be sent to another thread (not a `TaskRef`, or not
 * structured-cloneable). A `TypeError`, as JavaScript reports other unsendable values, with a
 * stable `code` like every tide error.
 */
export class NotSendableError extends TypeError {
  /** Always `E_NOT_SENDABLE`. */
  readonly code = 'E_NOT_SENDABLE' as const;
  /** @param message - what could not be sent and how to fix it. */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'NotSendableError';
  }
}

/**
 * An argument or option of the wrong kind: a string where a number goes, an unknown option, a
 * value that is not a driver factory. A `TypeError`, as JavaScript reports such mistakes, with a
 * stable `code` like every tide error.
 */
export class InvalidArgumentError extends TypeError {
  /** Always `E_INVALID_ARGUMENT`. */
  readonly code = 'E_INVALID_ARGUMENT' as const;
  /** @param message - which argument was wrong, what it was, and what is expected. */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'InvalidArgumentError';
  }
}

/**
 * A number outside what its argument or option allows: a negative duration, zero threads, a
 * fractional count. A `RangeError`, as JavaScript reports such values, with a stable `code` like
 * every tide error.
 */
export class ArgumentRangeError extends RangeError {
  /** Always `E_ARGUMENT_OUT_OF_RANGE`. */
  readonly code = 'E_ARGUMENT_OUT_OF_RANGE' as const;
  /** @param message - which argument was out of range, its value, and the allowed range. */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'ArgumentRangeError';
  }
}

/** A worker could not find the task a `TaskRef` names. */
export class TaskNotFoundError extends TideError {
  /** Always `E_TASK_NOT_FOUND`. */
  readonly code = 'E_TASK_NOT_FOUND' as const;
  /** @param url - the module URL; @param name - the task name. */
  constructor(url: string, name: string, detail?: string) {
    super(
      `task '${name}' was not found in module ${url}${detail ? `: ${detail}` : ''}. ` +
        'Define it at the top level of that module with `defineTask(import.meta.url, name, fn)` and export it.',
    );
  }
}

/** Something that is not a task function or a `TaskRef` was passed where a task was expected. */
export class InvalidTaskError extends TideError {
  /** Always `E_INVALID_TASK`. */
  readonly code = 'E_INVALID_TASK' as const;
  /** @param got - what was passed. */
  constructor(got: unknown, expected = 'a generator function, an async function, a plain function or a TaskRef') {
    super(`expected ${expected}, got ${describeArgument(got)}`);
  }
}

/**
 * Thrown by a runtime builder's `enable(factory)` when a driver of the same name is already
 * enabled: each runtime has at most one driver per requirement name.
 */
export class DriverAlreadyEnabledError extends TideError {
  /** Always `E_DRIVER_ALREADY_ENABLED`. */
  readonly code = 'E_DRIVER_ALREADY_ENABLED' as const;
  /** @param driver - the driver's requirement name. */
  constructor(readonly driver: string) {
    super(`the '${driver}' driver is already enabled on this builder; enable each driver once (pass its options to that one call)`);
  }
}

/**
 * A short description of a bad argument for error messages: strings are quoted (`"10"` is not
 * `10`), other values say what they are (`undefined`, `null`, `function f`, `an object`).
 */
export function describeArgument(value: unknown): string {
  if (typeof value === 'string') return `${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)} (a string)`;
  if (typeof value === 'function') return `function ${value.name || '(anonymous)'}`;
  if (typeof value === 'bigint') return `${value}n (a bigint)`;
  if (value !== null && typeof value === 'object') {
    if (typeof (value as Partial<Generator>).next === 'function' && typeof (value as Partial<Generator>).throw === 'function') {
      return 'a generator object';
    }
    const name = (value as { constructor?: { name?: unknown } }).constructor?.name;
    return typeof name === 'string' && name !== '' && name !== 'Object' ? `a ${name}` : 'an object';
  }
  return String(value);
}

/** A short, safe description of any thrown value for messages. */
export function describe(value: unknown): string {
  if (value instanceof Error) return value.message;
  if (typeof value === 'string') return value;
  if (typeof value === 'function') return `function ${value.name || '(anonymous)'}`;
  try {
    return String(value);
  } catch {
    return Object.prototype.toString.call(value);
  }
}
