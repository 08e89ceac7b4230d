import { PENDING, RuntimeShutdownError, isFuture } from '@tide/core';
import { fromSendable, toSendable } from '@tide/core/driver';
import { describe, expect, it } from 'vitest';
import type { DriverSuiteFactory } from '../driver-factory.js';
import { runFixtureWorker } from '../support/fixture-worker.js';
import { StandaloneDriver, countingContext, pollOnce } from './standalone-driver.js';

/** Blocks this thread for `ms` without touching any driver. */
function blockFor(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/**
 * The driver contract of `@tide/core/driver`, checked on a driver built from its factory outside
 * any runtime (the suite plays the runtime): the factory is sendable; `turn` without events
 * returns 0; `parkTimeout` and `hasPendingWork` follow registrations; `turn` and `park` dispatch
 * due events; shutdown wakes pending registrations, which then fail with `RuntimeShutdownError`;
 * `unpark` from another thread wakes a `park`.
 */
export function driverContractCases<Name extends string>(suite: DriverSuiteFactory<Name>): void {
  const standalone = (): StandaloneDriver<Name> => new StandaloneDriver(suite.driver());

  describe('contract (standalone driver)', () => {
    it('the factory is branded, named and sendable (rebuilt from its URL and export name)', async () => {
      const factory = suite.driver();
      expect(factory.kind).toBe('tide.driver-factory');
      expect(factory.name).toBe(suite.name);
      const sendable = structuredClone(toSendable(factory));
      const rebuilt = await fromSendable(sendable);
      expect(rebuilt.kind).toBe('tide.driver-factory');
      expect(rebuilt.name).toBe(suite.name);
      expect(rebuilt.options).toEqual(factory.options);
    });

    it('the driver carries the requirement name', () => {
      expect(standalone().driver.name).toBe(suite.name);
    });

    it('turn() without events returns 0; nothing pending: parkTimeout() is Infinity', () => {
      const { driver } = standalone();
      expect(driver.turn()).toBe(0);
      expect(driver.turn()).toBe(0);
      expect(driver.hasPendingWork()).toBe(false);
      expect(driver.parkTimeout()).toBe(Infinity);
    });

    it('a pending registration: hasPendingWork() is true, parkTimeout() is positive, turn() dispatches nothing', () => {
      const harness = standalone();
      const { driver } = harness;
      const cx = countingContext();
      const future = harness.within(() => suite.pending());
      expect(isFuture(future)).toBe(true);
      expect(harness.within(() => pollOnce(future, cx))).toBe(PENDING);
      expect(driver.hasPendingWork()).toBe(true);
      expect(driver.parkTimeout()).toBeGreaterThan(0);
      expect(driver.turn()).toBe(0);
      expect(cx.wakes).toBe(0);
    });

    it('releasing the registration ([Symbol.dispose]) leaves the driver with nothing pending', () => {
      const harness = standalone();
      const future = harness.within(() => suite.pending());
      expect(harness.within(() => pollOnce(future, countingContext()))).toBe(PENDING);
      (future as Partial<Disposable>)[Symbol.dispose]?.();
      expect(harness.driver.hasPendingWork()).toBe(false);
      expect(harness.driver.parkTimeout()).toBe(Infinity);
    });

    it('shutdown() wakes pending registrations, which then fail with RuntimeShutdownError', () => {
      const harness = standalone();
      const { driver } = harness;
      const contexts = [countingContext(), countingContext()];
      const futures = contexts.map(() => harness.within(() => suite.pending()));
      futures.forEach((future, i) => expect(harness.within(() => pollOnce(future, contexts[i]!))).toBe(PENDING));
      driver.shutdown();
      for (const cx of contexts) expect(cx.wakes).toBeGreaterThanOrEqual(1);
      for (const [i, future] of futures.entries()) {
        const result = harness.within(() => pollOnce(future, contexts[i]!));
        expect(result).toMatchObject({ thrown: expect.any(RuntimeShutdownError) as unknown });
        expect((result as { thrown: RuntimeShutdownError }).thrown.code).toBe('E_RUNTIME_SHUTDOWN');
      }
      expect(driver.hasPendingWork()).toBe(false);
      expect(driver.turn()).toBe(0);
      driver.shutdown();
    });

    it.runIf(suite.soon !== undefined)('turn() dispatches a registration that became due and returns how many it dispatched', () => {
      const harness = standalone();
      const cx = countingContext();
      const future = harness.within(() => suite.soon!());
      expect(harness.within(() => pollOnce(future, cx))).toBe(PENDING);
      const wait = harness.driver.parkTimeout();
      expect(wait).toBeLessThan(Infinity);
      blockFor(Math.ceil(wait) + 2);
      expect(harness.driver.turn()).toBeGreaterThanOrEqual(1);
      expect(cx.wakes).toBe(1);
      expect(harness.within(() => pollOnce(future, cx))).not.toBe(PENDING);
      expect(harness.driver.hasPendingWork()).toBe(false);
    });

    it.runIf(suite.soon !== undefined)('park() waits for the next event (not for its whole timeout) and dispatches it', () => {
      const harness = standalone();
      const cx = countingContext();
      const future = harness.within(() => suite.soon!());
      expect(harness.within(() => pollOnce(future, cx))).toBe(PENDING);
      // A driver that parked for the whole timeout would exceed the case's time limit.
      for (let i = 0; i < 100 && cx.wakes === 0; i++) harness.driver.park(60_000);
      expect(cx.wakes).toBe(1);
    });

    it('park(0) returns at once; an unpark before a park makes it return at once', () => {
      const { driver } = standalone();
      driver.park(0);
      driver.unpark();
      driver.park(60_000);
    });

    it('unpark() from another thread wakes a park()', async () => {
      const harness = standalone();
      const go = new Int32Array(new SharedArrayBuffer(4));
      const answered = runFixtureWorker<string>('unparker.js', { parker: harness.parker.buffer, go: go.buffer });
      Atomics.store(go, 0, 1);
      Atomics.notify(go, 0);
      harness.driver.park(60_000);
      await expect(answered).resolves.toBe('unparked');
      expect(harness.parker.notified).toBe(false);
    });

    it('parkAsync() resolves when another thread unparks, and when its signal aborts', async () => {
      const harness = standalone();
      const go = new Int32Array(new SharedArrayBuffer(4));
      const answered = runFixtureWorker<string>('unparker.js', { parker: harness.parker.buffer, go: go.buffer });
      Atomics.store(go, 0, 1);
      Atomics.notify(go, 0);
      await harness.driver.parkAsync(60_000);
      await expect(answered).resolves.toBe('unparked');
      const controller = new AbortController();
      const parked = harness.driver.parkAsync(60_000, controller.signal);
      controller.abort();
      await parked;
    });
  });
}
