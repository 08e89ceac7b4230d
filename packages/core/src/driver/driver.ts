import type { RuntimeFlavor } from '../runtime/runtime-handle.js';
import { InvalidArgumentError } from '../errors.js';
import type { Parker } from './parker.js';

/** What a runtime gives a driver when it builds one on a thread. */
export interface DriverContext {
  /**
   * The runtime thread's parker. The runtime parks on it when idle; a driver whose events come
   * from another thread (a reactor) unparks it when it posts one.
   */
  readonly parker: Parker;
  /** The flavor of the runtime building the driver (some features, like a paused clock, are current-thread only). */
  readonly flavor: RuntimeFlavor;
  /** The runtime's id. */
  readonly runtimeId: number;
  /**
   * Tells the runtime that a registration changed outside a turn (from host code, such as an
   * async task's continuation): a runtime waiting for the host event loop re-reads the drivers'
   * park timeouts. Cheap; call it whenever a registration is added.
   */
  requestTurn(): void;
}

/**
 * An event source a runtime turns: timers, IO, or a plugin's own. One instance per runtime
 * thread. All methods are called on that thread, except `unpark`, which may come from any code.
 */
export interface Driver<Name extends string = string> {
  /** The requirement name futures of this driver carry in their type (`'time'`, `'io'`, …). */
  readonly name: Name;
  /** Dispatches ready events and wakes their wakers, without waiting. Returns how many it dispatched. */
  turn(): number;
  /**
   * How long the runtime may park before this driver needs a turn: `0` if events are ready now,
   * a number of milliseconds until its next deadline, or `Infinity` if it has none.
   */
  parkTimeout(): number;
  /** True while registrations exist that may later wake a task (a timer, an IO interest). */
  hasPendingWork(): boolean;
  /**
   * Called when the runtime is idle: nothing is runnable and it is about to park. Return true if
   * the driver made progress without waiting (a paused clock jumping to its next deadline).
   * Optional.
   *
   * @param blockingBusy - true while blocking-pool tasks are running (a paused clock must not jump then).
   */
  onIdle?(blockingBusy: boolean): boolean;
  /** Blocks this thread until the driver has events or `timeoutMs` passes, then turns it. */
  park(timeoutMs: number): void;
  /** Waits without blocking the thread until the driver has events, `timeoutMs` passes or `signal` aborts; then turns it. */
  parkAsync(timeoutMs: number, signal?: AbortSignal): Promise<void>;
  /** Wakes a thread parked in this driver. Callable from any thread. */
  unpark(): void;
  /**
   * Shuts the driver down: pending registrations are woken and then fail with
   * `RuntimeShutdownError`; resources (threads, handles) are released so nothing keeps Node alive.
   */
  shutdown(): void;
}

/**
 * Builds a driver on any thread. Sendable: the multi-thread flavor posts `{ url, exportName,
 * options }` to each worker, which imports `url` and calls `module[exportName](options)` to get
 * the factory back. Create one with {@link defineDriver}.
 */
export interface DriverFactory<Name extends string = string, Options = unknown> {
  /** Brand for run-time checks. */
  readonly kind: 'tide.driver-factory';
  /** The requirement name the driver serves. */
  readonly name: Name;
  /** URL of the module exporting the factory function. */
  readonly url: string;
  /** The export name of the factory function in that module. */
  readonly exportName: string;
  /** Structured-clone options the factory function was called with. */
  readonly options: Options;
  /** Builds the driver for a runtime thread. */
  create(cx: DriverContext): Driver<Name>;
  /** Checks that the driver supports this flavor; throws a clear error if not (called by builders). */
  validate?(flavor: RuntimeFlavor): void;
}

/** Where a driver factory comes from, as posted to another thread. */
export interface SendableDriverFactory {
  /** URL of the module exporting the factory function. */
  readonly url: string;
  /** The export name of the factory function. */
  readonly exportName: string;
  /** Its options. */
  readonly options: unknown;
}

/**
 * Defines a driver for plugin authors. Export the returned function from a module:
 *
 * ```ts
 * export const signalDriver = defineDriver(import.meta.url, 'signalDriver', 'signal',
 *   (options: { signals: string[] }, cx) => new SignalDriver(options, cx));
 * ```
 *
 * @param url - `import.meta.url` of the module that exports the result.
 * @param exportName - the name it is exported under.
 * @param name - the requirement name.
 * @param create - builds the driver instance on a runtime thread.
 * @param validate - optional flavor check.
 */
export function defineDriver<Name extends string, Options>(
  url: string,
  exportName: string,
  name: Name,
  create: (options: Options, cx: DriverContext) => Driver<Name>,
  validate?: (options: Options, flavor: RuntimeFlavor) => void,
): (options: Options) => DriverFactory<Name, Options> {
  return (options: Options) =>
    Object.freeze({
      kind: 'tide.driver-factory' as const,
      name,
      url,
      exportName,
      options,
      create: (cx: DriverContext) => create(options, cx),
      ...(validate ? { validate: (flavor: RuntimeFlavor) => validate(options, flavor) } : {}),
    });
}

/** The sendable part of a factory, to post to another thread. */
export function toSendable(factory: DriverFactory): SendableDriverFactory {
  return { url: factory.url, exportName: factory.exportName, options: factory.options };
}

/** Rebuilds a factory on this thread from its sendable form. */
export async function fromSendable(sendable: SendableDriverFactory): Promise<DriverFactory> {
  const mod = (await import(sendable.url)) as Record<string, unknown>;
  const fn = mod[sendable.exportName];
  if (typeof fn !== 'function') {
    throw new InvalidArgumentError(`driver factory '${sendable.exportName}' is not exported by ${sendable.url}`);
  }
  return (fn as (options: unknown) => DriverFactory)(sendable.options);
}
