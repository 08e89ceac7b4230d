// The driver conformance suite on @tide/time-driver (plugged into @tide/current-thread), plus the
// time driver's own semantics: the wheel forgets aborted sleeps, interval's missed-tick rules on a
// paused clock, duration checks, and the paused clock's errors.
import { ArgumentRangeError, Elapsed, Handle, InvalidArgumentError, InvalidTaskError, NoRuntimeError, ready, yieldNow, type JoinHandle } from '@tide/core';
import {
  ClockError,
  Instant,
  MAX_DURATION,
  advance,
  currentTimeDriver,
  interval,
  pause,
  resume,
  sleep,
  sleepUntil,
  timeDriver,
  timeout,
  type TimeDriver,
  type TimeDriverOptions,
} from '@tide/time-driver';
import { Parker } from '@tide/core/driver';
import { afterEach, describe, expect, it } from 'vitest';
import { currentThreadFactory } from './flavors/current-thread.js';
import { createProbe, read } from './probe.js';
import { installHangGuard } from './support/hang-guard.js';
import type { RuntimeBuildOptions, RuntimeUnderTest } from './runtime-factory.js';
import { describeDriver, intervalAfterStall, sleepForever, yieldThenSum } from './index.js';

const HOUR_MS = 60 * 60 * 1000;

describeDriver('@tide/time-driver', {
  name: 'time',
  driver: () => timeDriver(),
  runtime: currentThreadFactory,
  pending: () => sleep(HOUR_MS),
  soon: () => sleep(1),
});

describe('@tide/time-driver on @tide/current-thread', () => {
  installHangGuard();
  const built: RuntimeUnderTest[] = [];
  afterEach(() => {
    for (const rt of built.splice(0)) rt.shutdown(0);
  });
  const build = (options: RuntimeBuildOptions = { time: { startPaused: true } }): RuntimeUnderTest => {
    const rt = currentThreadFactory.build(options);
    built.push(rt);
    return rt;
  };
  /** The runtime's time driver (read under its context). */
  const driverOf = (rt: RuntimeUnderTest): TimeDriver => {
    const guard = rt.handle.enter();
    try {
      return currentTimeDriver();
    } finally {
      guard.exit();
    }
  };
  /** Calls `fn`; returns what it threw (fails the case if it returned). */
  const thrownBy = (fn: () => unknown): unknown => {
    try {
      fn();
    } catch (error) {
      return error;
    }
    throw new Error('expected an error, but the call returned');
  };

  describe('the timing wheel', () => {
    it('aborting 1000 sleeping tasks takes their timers out of the wheel at once', () => {
      const rt = build();
      const probe = createProbe();
      const tasks: JoinHandle<void, 'time'>[] = [];
      for (let i = 0; i < 1000; i++) tasks.push(rt.handle.spawn(sleepForever, probe, 0, 1));
      // Each blockOn of a yielding root runs a batch of queued tasks.
      for (let i = 0; i < 1000 && read(probe, 0) < 1000; i++) rt.blockOn(yieldThenSum, [0]);
      expect(read(probe, 0)).toBe(1000);
      const driver = driverOf(rt);
      expect(driver.timerCount).toBe(1000);
      for (const task of tasks) task.abort();
      for (let i = 0; i < 1000 && read(probe, 1) < 1000; i++) rt.blockOn(yieldThenSum, [0]);
      expect(read(probe, 1)).toBe(1000);
      expect(driver.timerCount).toBe(0);
      expect(driver.hasPendingWork()).toBe(false);
    });

    it('a fired timer leaves the wheel; so does the timer of a timeout whose work won', () => {
      const rt = build();
      const driver = driverOf(rt);
      rt.blockOn(function* () {
        yield* sleep(5);
        expect(driver.timerCount).toBe(0);
        expect(yield* timeout(HOUR_MS, ready(7))).toBe(7);
        const sleeper = Handle.current().spawn(function* () {
          yield* sleep(10);
          return 'slept';
        });
        expect(yield* timeout(HOUR_MS, sleeper)).toBe('slept');
        expect(driver.timerCount).toBe(0);
      });
    });

    it('timers with the same deadline fire in the order they were created', () => {
      const rt = build();
      const order = rt.blockOn(function* () {
        const fired: number[] = [];
        const handle = Handle.current();
        const tasks = [0, 1, 2, 3, 4].map((i) =>
          handle.spawn(function* () {
            yield* sleep(25);
            fired.push(i);
          }),
        );
        for (const task of tasks) yield* task;
        return fired;
      });
      expect(order).toEqual([0, 1, 2, 3, 4]);
    });

    it('durations beyond the wheel’s range are accepted (clamped), not refused', () => {
      const rt = build();
      const driver = driverOf(rt);
      const task = rt.handle.spawn(function* () {
        yield* sleep(MAX_DURATION * 4);
      });
      rt.blockOn(yieldThenSum, [0]);
      expect(driver.timerCount).toBe(1);
      expect(driver.hasPendingWork()).toBe(true);
      task.abort();
      rt.blockOn(yieldThenSum, [0]);
      expect(driver.timerCount).toBe(0);
    });
  });

  describe('sleep and timeout', () => {
    it('a sub-millisecond sleep rounds up to the next millisecond (never early, never more); a past deadline is ready at once', () => {
      const rt = build();
      const [subMs, zero, past] = rt.blockOn(function* () {
        let start = Instant.now();
        yield* sleep(0.25);
        const a = Instant.now().since(start);
        start = Instant.now();
        yield* sleep(0);
        const b = Instant.now().since(start);
        start = Instant.now();
        yield* sleepUntil(new Instant(start.ms - 1000));
        return [a, b, Instant.now().since(start)];
      });
      expect(subMs).toBeGreaterThanOrEqual(0.25);
      expect(subMs).toBeLessThanOrEqual(1 + 1e-6);
      expect(zero).toBeGreaterThanOrEqual(0);
      expect(zero).toBeLessThanOrEqual(1 + 1e-6);
      expect(past).toBe(0);
    });

    it('timeout polls the work first: timeout(0, ready work) succeeds', () => {
      const rt = build();
      expect(rt.blockOn(function* () {
        return yield* timeout(0, ready('first'));
      })).toBe('first');
    });

    it('Elapsed has its code and Tokio’s message', () => {
      const rt = build();
      const error = rt.blockOn(function* () {
        try {
          yield* timeout(5, sleep(HOUR_MS));
          return undefined;
        } catch (caught) {
          return caught;
        }
      });
      expect(error).toBeInstanceOf(Elapsed);
      expect(error).toMatchObject({ code: 'E_ELAPSED', message: 'deadline has elapsed' });
    });

    it('host-driven run() waits for a real-clock timer without blocking the thread', async () => {
      const rt = build({ time: { startPaused: false } });
      let hostTicks = 0;
      const ticker = setInterval(() => hostTicks++, 1);
      try {
        const slept = await rt.run!(async () => {
          const start = Instant.now();
          await sleep(30);
          return Instant.now().since(start);
        });
        expect(slept).toBeGreaterThanOrEqual(30 - 1e-6);
      } finally {
        clearInterval(ticker);
      }
      expect(hostTicks).toBeGreaterThan(0);
    });
  });

  describe('interval', () => {
    it('missed ticks with burst: the missed ticks fire back to back, then the schedule goes on', () => {
      const rt = build();
      expect(rt.blockOn(intervalAfterStall, 10, 'burst', 35, 4)).toEqual({ ticks: [0, 10, 20, 30, 40], seenAt: [0, 35, 35, 35, 40] });
    });

    it('missed ticks with delay: the next tick is one period after the late one', () => {
      const rt = build();
      expect(rt.blockOn(intervalAfterStall, 10, 'delay', 35, 3)).toEqual({ ticks: [0, 10, 45, 55], seenAt: [0, 35, 45, 55] });
    });

    it('missed ticks with skip: the schedule skips to the next multiple of the period', () => {
      const rt = build();
      expect(rt.blockOn(intervalAfterStall, 10, 'skip', 35, 3)).toEqual({ ticks: [0, 10, 40, 50], seenAt: [0, 35, 40, 50] });
    });

    it('a tick less than 5 ms late is not missed', () => {
      const rt = build();
      expect(rt.blockOn(intervalAfterStall, 10, 'delay', 14, 3)).toEqual({ ticks: [0, 10, 20, 30], seenAt: [0, 14, 20, 30] });
    });
  });

  describe('bad input', () => {
    it('negative, NaN and infinite durations are ArgumentRangeErrors (RangeErrors with a code), never a silent 0', () => {
      const rt = build();
      const guard = rt.handle.enter();
      try {
        for (const bad of [-1, Number.NaN, Infinity, -Infinity]) {
          expect(() => sleep(bad)).toThrow(ArgumentRangeError);
          expect(() => timeout(bad, ready(1))).toThrow(ArgumentRangeError);
          expect(() => interval(bad)).toThrow(ArgumentRangeError);
          expect(() => advance(bad)).toThrow(ArgumentRangeError);
          expect(() => Instant.now().add(bad)).toThrow(ArgumentRangeError);
        }
        expect(() => interval(0)).toThrow(ArgumentRangeError);
        expect(() => interval(10, { missedTickBehavior: 'never' as 'burst' })).toThrow(ArgumentRangeError);
        expect(() => sleepUntil(5 as unknown as Instant)).toThrow(ArgumentRangeError);
        expect(() => sleep('10' as unknown as number)).toThrow('got "10" (a string)');
        // Not a future nor a generator call: refused at the call, naming what to pass instead.
        for (const target of [5, Promise.resolve(1), function* work() {}]) {
          expect(() => timeout(10, target as never)).toThrow(InvalidTaskError);
        }
        expect(() => timeout(10, Promise.resolve(1) as never)).toThrow(/run it as a task/);
      } finally {
        guard.exit();
      }
    });
  });

  it('timeDriver() refuses options it does not know: a misspelt option would be ignored', () => {
    expect(() => timeDriver({ startPaused: 'yes' } as unknown as TimeDriverOptions)).toThrow(/startPaused must be true or false/);
    expect(() => timeDriver({ startPasued: true } as unknown as TimeDriverOptions)).toThrow("unknown option 'startPasued'");
    expect(() => timeDriver(null as unknown as TimeDriverOptions)).toThrow(InvalidArgumentError);
  });

  describe('paused clock', () => {
    it('pause() twice: ClockError "already frozen"', () => {
      const rt = build({ time: { startPaused: false } });
      const error = rt.blockOn(function* () {
        pause();
        try {
          pause();
          return undefined;
        } catch (caught) {
          return caught;
        } finally {
          resume();
        }
      });
      expect(error).toBeInstanceOf(ClockError);
      expect(error).toMatchObject({ kind: 'already-frozen', code: 'E_TIME_FROZEN' });
    });

    it('resume() or advance() when time is not frozen: ClockError "not frozen"', () => {
      const rt = build({ time: { startPaused: false } });
      const [resumed, advanced] = rt.blockOn(function* () {
        const first = thrownBy(() => resume());
        let second: unknown;
        try {
          yield* advance(10);
        } catch (caught) {
          second = caught;
        }
        return [first, second];
      });
      expect(resumed).toMatchObject({ kind: 'not-frozen', code: 'E_TIME_NOT_FROZEN' });
      expect(advanced).toMatchObject({ kind: 'not-frozen', code: 'E_TIME_NOT_FROZEN' });
    });

    it('each misuse has its own message', () => {
      const messages = new Set(['already-frozen', 'not-frozen', 'unsupported-flavor'].map((kind) => new ClockError(kind as 'not-frozen').message));
      expect(messages.size).toBe(3);
    });

    it('pause() outside a runtime: NoRuntimeError', () => {
      expect(() => pause()).toThrow(NoRuntimeError);
      expect(() => resume()).toThrow(NoRuntimeError);
    });

    it('pause() / resume() on a real-clock runtime: frozen time does not move, and resumes from where it stopped', () => {
      const rt = build({ time: { startPaused: false } });
      const [frozenFor, jump] = rt.blockOn(function* () {
        pause();
        const frozen = Instant.now();
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20);
        yield* yieldNow();
        const stillFrozen = Instant.now().since(frozen);
        yield* advance(1000);
        const advanced = Instant.now();
        resume();
        return [stillFrozen, Instant.now().since(advanced)];
      });
      expect(frozenFor).toBe(0);
      expect(jump).toBeLessThan(1000);
    });

    it('startPaused is refused on a flavor other than current-thread, when the builder validates and when a worker builds it', () => {
      const factory = timeDriver({ startPaused: true });
      const refused = thrownBy(() => factory.validate?.('multi_thread'));
      expect(refused).toBeInstanceOf(ClockError);
      expect(refused).toMatchObject({ kind: 'unsupported-flavor', code: 'E_PAUSE_UNSUPPORTED' });
      const created = thrownBy(() =>
        factory.create({ parker: new Parker(), flavor: 'multi_thread', runtimeId: -1, requestTurn: () => undefined }),
      );
      expect(created).toBeInstanceOf(ClockError);
      expect(() => factory.validate?.('current_thread')).not.toThrow();
      expect(() => timeDriver().validate?.('multi_thread')).not.toThrow();
    });
  });
});
