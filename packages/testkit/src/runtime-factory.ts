import type { JoinError, RuntimeFlavor, RuntimeHandle, Task, TaskArgs, TaskOutput } from '@tide/core';
import type { DriverFactory } from '@tide/core/driver';

/**
 * How the suite asks for a runtime. Every field is optional; a factory maps each onto its
 * flavor's builder (`CurrentThreadRuntime.builder()`, `MultiThreadRuntime.builder()`, …).
 */
export interface RuntimeBuildOptions {
  /**
   * The time driver (`@tide/time-driver`): `false` builds the runtime without it; an object
   * enables it, with a paused clock if `startPaused` (only asked for when the factory declares
   * {@link RuntimeCapabilities.pausedClock}). Default: enabled, real clock.
   */
  readonly time?: false | { readonly startPaused?: boolean };
  /** More driver factories to enable, after the time driver (the driver suite's driver, probes). */
  readonly drivers?: readonly DriverFactory[];
  /** The runtime's name (`builder.name`). */
  readonly name?: string;
  /** Tasks run between two driver polls under load (`builder.eventInterval`). */
  readonly eventInterval?: number;
  /** Upper bound of blocking-pool threads (`builder.maxBlockingThreads`). */
  readonly maxBlockingThreads?: number;
  /** Idle blocking threads are kept this many milliseconds (`builder.threadKeepAlive`). */
  readonly threadKeepAliveMs?: number;
  /** Receives each failed task nobody joined (`builder.onUnhandledError`). */
  readonly onUnhandledError?: (error: JoinError) => void;
}

/**
 * A runtime as the conformance suite drives it: the flavor's public `RuntimeHandle` plus the
 * runtime-only operations (the synchronous `blockOn` that turns the drivers, `run`, shutdown).
 *
 * Tasks are typed loosely here (`Task` in, `TaskOutput` out): the suite checks run-time
 * behaviour, including errors that the flavor's own types would reject at compile time.
 */
export interface RuntimeUnderTest {
  /** The runtime's flavor, as its handle reports it. */
  readonly flavor: RuntimeFlavor;
  /** The runtime's handle (`runtime.handle()`): spawn, spawnBlocking, blockOn without drivers, enter, metrics, share. */
  readonly handle: RuntimeHandle;
  /**
   * The runtime's synchronous `blockOn`: runs `task(...args)` to completion on the calling thread
   * (or blocks it until a worker did), turning the drivers, and returns its value or throws its error.
   */
  blockOn<F extends Task>(task: F, ...args: TaskArgs<F>): TaskOutput<F>;
  /** The runtime's host-driven `run`, if the flavor has one (cases that need it are skipped otherwise). */
  readonly run?: <F extends Task>(task: F, ...args: TaskArgs<F>) => Promise<TaskOutput<F>>;
  /**
   * Shuts the runtime down, giving running blocking tasks `timeoutMs` to finish
   * (`shutdownTimeout`). Must be idempotent: the suite also shuts every runtime down after each case.
   */
  shutdown(timeoutMs: number): void;
  /**
   * Drops the runtime (`[Symbol.dispose]()`, Tokio's `drop(rt)`): shuts it down and waits until
   * every task was cancelled (their `finally` blocks ran), however long that takes. Optional: the
   * suite uses `shutdown(Infinity)` where a flavor does not say.
   */
  drop?(): void;
}

/** What a flavor can do, so the suite runs the cases that apply to it and skips the others. */
export interface RuntimeCapabilities {
  /**
   * Tasks run on the heap of the thread that spawned them, so closures and arguments that cannot
   * be structured-cloned (channels, join handles) are accepted. False for the multi-thread flavor,
   * which takes only TaskRefs with cloneable arguments.
   */
  readonly acceptsClosures: boolean;
  /** `timeDriver({ startPaused: true })`, `pause()`, `advance()` are supported (current-thread only, as in Tokio). */
  readonly pausedClock: boolean;
  /**
   * Tasks run only while a caller drives the runtime (`blockOn` / `run`), on that caller's thread
   * (current-thread). False when the runtime has its own threads (multi-thread).
   */
  readonly drivenByCaller: boolean;
  /**
   * `handle.blockOn` turns the runtime's drivers (multi-thread). False when it cannot and throws
   * `DriverNotDrivenError` instead (current-thread).
   */
  readonly handleBlockOnDrivesDrivers: boolean;
  /**
   * Async tasks (and an async root) make progress while a synchronous `blockOn` waits, because
   * threads other than the blocked one run them (multi-thread). False when the blocked thread runs
   * them itself, where their host-Promise continuations cannot run until it returns
   * (current-thread): there a root that waits on one throws `DeadlockError` with the host-Promise
   * hint, and the suite checks that; with true it checks that such a root completes. Default false.
   */
  readonly asyncTasksInBlockOn?: boolean;
}

/** What {@link describeRuntime} needs to test a runtime flavor. */
export interface RuntimeFactory extends RuntimeCapabilities {
  /** The flavor the runtimes report (`handle.flavor`). */
  readonly flavor: RuntimeFlavor;
  /** Builds a fresh runtime. Called once or more per case; the suite shuts each down afterwards. */
  build(options?: RuntimeBuildOptions): RuntimeUnderTest;
  /**
   * URL of a plain JavaScript ES module that exports the same `build` function, importable by a
   * bare `node` process or a worker thread (no TypeScript transform): cases that start a runtime
   * in another process or thread load it from there. Cases that need it are skipped without it.
   */
  readonly moduleUrl?: string;
  /**
   * Cases this flavor is known to fail: each entry is matched against case titles (use the id in
   * parentheses at the end of a title, such as `'spawn_many_from_task'`). Those cases run as
   * `it.fails`, so the suite turns red as soon as the bug is fixed and the entry must go. Keep a
   * `// BUG:` comment with each entry.
   */
  readonly knownBugs?: readonly string[];
}
