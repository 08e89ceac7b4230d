import { JoinError, type JoinHandle } from '@tide/core';
import { afterEach, expect, it as vitestIt, type TestFunction } from 'vitest';
import { read, waitAtLeast, type Probe } from '../probe.js';
import type { RuntimeBuildOptions, RuntimeFactory, RuntimeUnderTest } from '../runtime-factory.js';
import { yieldThenSum } from '../tasks.js';

/** How many rounds {@link SuiteContext.join} drives a caller-driven runtime before it gives up. */
const MAX_DRIVE_ROUNDS = 200;

/**
 * Registers a case like vitest's `it`, except that a case whose title contains one of the
 * factory's {@link RuntimeFactory.knownBugs} ids runs as `it.fails`.
 */
export interface CaseRegistrar {
  /** Registers a case. */
  (title: string, fn: TestFunction): void;
  /** Registers a case that runs only if `condition` holds (skipped otherwise). */
  runIf(condition: boolean): (title: string, fn: TestFunction) => void;
}

/**
 * What every topic of the runtime suite gets: the factory under test and helpers that build
 * runtimes (shut down after each case) and drive them the same way on every flavor.
 */
export interface SuiteContext {
  /** The factory under test. */
  readonly factory: RuntimeFactory;
  /** Registers a case (`it`, aware of the factory's known bugs). */
  readonly it: CaseRegistrar;
  /** Builds a runtime with `options`; it is shut down after the case. */
  build(options?: RuntimeBuildOptions): RuntimeUnderTest;
  /** The default runtime of a case: time driver on, paused clock where the flavor supports it. */
  runtime(options?: Omit<RuntimeBuildOptions, 'time'>): RuntimeUnderTest;
  /** A runtime whose time driver follows the real clock (for cases that need real time to pass). */
  realClockRuntime(options?: Omit<RuntimeBuildOptions, 'time'>): RuntimeUnderTest;
  /**
   * Gives spawned tasks a chance to run: on a caller-driven flavor, one `blockOn` of a root that
   * yields a few times; on a flavor with its own threads, nothing.
   */
  drive(runtime: RuntimeUnderTest): void;
  /**
   * Joins `handle` from the test's own code: drives a caller-driven runtime until the task has
   * finished (bounded), then settles with the task's value or rejects with its `JoinError`.
   */
  join<T>(runtime: RuntimeUnderTest, handle: JoinHandle<T, string>): Promise<T>;
  /** Like {@link join}, for a task expected to fail: resolves with its `JoinError` (fails the case if it succeeds). */
  joinFailure(runtime: RuntimeUnderTest, handle: JoinHandle<unknown, string>): Promise<JoinError>;
  /**
   * Waits until counter `slot` of `probe` reached `count` (bounded): drives a caller-driven
   * runtime, else waits on the probe for the runtime's own threads.
   */
  waitForCount(runtime: RuntimeUnderTest, probe: Probe, slot: number, count?: number): void;
  /** Drops `runtime` as Tokio's `drop(rt)` does: returns once every task's `finally` blocks ran. */
  drop(runtime: RuntimeUnderTest): void;
}

/** Creates the context of one `describeRuntime` block and registers its clean-up (call inside `describe`). */
export function createSuiteContext(factory: RuntimeFactory): SuiteContext {
  const built: RuntimeUnderTest[] = [];
  afterEach(() => {
    for (const runtime of built.splice(0)) runtime.shutdown(0);
  });
  const build = (options: RuntimeBuildOptions = {}): RuntimeUnderTest => {
    const runtime = factory.build(options);
    built.push(runtime);
    return runtime;
  };
  const drive = (runtime: RuntimeUnderTest): void => {
    if (factory.drivenByCaller) runtime.blockOn(yieldThenSum, [0, 0, 0, 0]);
  };
  const knownBugs = factory.knownBugs ?? [];
  const register = (title: string, fn: TestFunction): void => {
    if (knownBugs.some((id) => title.includes(id))) vitestIt.fails(title, fn);
    else vitestIt(title, fn);
  };
  const it: CaseRegistrar = Object.assign(register, {
    runIf: (condition: boolean) => (condition ? register : (title: string, fn: TestFunction) => vitestIt.skip(title, fn)),
  });
  const join = async <T>(runtime: RuntimeUnderTest, handle: JoinHandle<T, string>): Promise<T> => {
    // Poll the handle now (`then` polls synchronously): the task is then joined, so its
    // failure is not reported as unhandled while the loop below drives it.
    const joined = new Promise<T>((resolve, reject) => void handle.then(resolve, reject));
    for (let round = 0; factory.drivenByCaller && !handle.isFinished() && round < MAX_DRIVE_ROUNDS; round++) {
      drive(runtime);
      if (!handle.isFinished()) await new Promise<void>((resolve) => setImmediate(resolve));
    }
    return await joined;
  };
  return {
    factory,
    it,
    build,
    runtime: (options = {}) => build({ ...options, time: { startPaused: factory.pausedClock } }),
    realClockRuntime: (options = {}) => build({ ...options, time: { startPaused: false } }),
    drive,
    join,
    drop: (runtime) => (runtime.drop !== undefined ? runtime.drop() : runtime.shutdown(Infinity)),
    joinFailure: async (runtime, handle) => {
      try {
        await join(runtime, handle);
      } catch (error) {
        expect(error).toBeInstanceOf(JoinError);
        return error as JoinError;
      }
      throw new Error('expected the join to fail');
    },
    waitForCount: (runtime, probe, slot, count = 1) => {
      if (factory.drivenByCaller) {
        for (let i = 0; i < 1_000 && read(probe, slot) < count; i++) drive(runtime);
      } else {
        waitAtLeast(probe, slot, count);
      }
      expect(read(probe, slot)).toBeGreaterThanOrEqual(count);
    },
  };
}
