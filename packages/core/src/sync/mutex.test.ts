import { describe, expect, it } from 'vitest';
import { Mutex, MutexGuardReleasedError, type MutexGuard } from './mutex.js';
import { harness, thrown } from './test-helpers.js';
import { yieldNow } from './yield-now.js';

describe('Mutex', () => {
  it('excludes interleaved tasks across suspension points', () => {
    const h = harness();
    const counter = new Mutex(0);
    let inside = 0;
    let peak = 0;
    for (let i = 0; i < 8; i++) {
      h.spawn(function* () {
        for (let j = 0; j < 5; j++) {
          using guard = yield* counter.lock();
          inside++;
          peak = Math.max(peak, inside);
          const v = guard.value;
          yield* yieldNow(); // everyone else runs here
          guard.value = v + 1;
          inside--;
        }
      });
    }
    h.drive();
    expect(peak).toBe(1);
    const guard = counter.tryLock()!;
    expect(guard.value).toBe(40);
    guard.release();
  });

  it('tryLock fails while locked; the lock goes to waiters in order', () => {
    const h = harness();
    const m = new Mutex<string[]>([]);
    const held = m.tryLock()!;
    expect(m.isLocked()).toBe(true);
    expect(m.tryLock()).toBeUndefined();
    for (const name of ['a', 'b', 'c']) {
      h.spawn(function* () {
        using g = yield* m.lock();
        g.value.push(name);
      });
    }
    h.drive();
    held.release();
    h.drive();
    expect(m.isLocked()).toBe(false);
    expect(m.tryLock()!.value).toEqual(['a', 'b', 'c']);
  });

  it('an aborted task waiting for the lock leaves the line', () => {
    const h = harness();
    const m = new Mutex(0);
    const held = m.tryLock()!;
    const a = h.spawn(function* () {
      const g = yield* m.lock();
      g.value = 1;
      return g;
    });
    const b = h.spawn(function* () {
      const g: MutexGuard<number> = yield* m.lock();
      g.value = 2;
      g.release();
    });
    h.drive();
    a.abort();
    h.drive();
    held.release();
    h.drive();
    expect(b.isFinished()).toBe(true);
    expect(m.tryLock()!.value).toBe(2);
  });

  it('a lock handed to a task aborted before it ran passes to the next waiter', () => {
    const h = harness();
    const m = new Mutex('free');
    const held = m.tryLock()!;
    const a = h.spawn(function* () {
      using g = yield* m.lock();
      g.value = 'a';
    });
    const b = h.spawn(function* () {
      using g = yield* m.lock();
      g.value = 'b';
    });
    h.drive();
    held.release(); // hands the lock to a
    a.abort();
    h.drive();
    expect(b.isFinished()).toBe(true);
    expect(m.tryLock()!.value).toBe('b');
  });

  it('a task aborted while holding the lock with `using` unlocks it', () => {
    const h = harness();
    const m = new Mutex(0);
    const gate = new Mutex(0);
    const gateGuard = gate.tryLock()!;
    const holder = h.spawn(function* () {
      using _g = yield* m.lock();
      yield* gate.lock(); // waits while holding m
    });
    h.drive();
    expect(m.isLocked()).toBe(true);
    holder.abort();
    h.drive();
    expect(m.isLocked()).toBe(false);
    gateGuard.release();
  });

  it('a released guard cannot be used', () => {
    const m = new Mutex({ n: 1 });
    const g = m.tryLock()!;
    g.release();
    expect(g.isHeld()).toBe(false);
    expect(thrown(() => g.value)).toBeInstanceOf(MutexGuardReleasedError);
    expect(thrown(() => (g.value = { n: 2 }))).toMatchObject({ code: 'E_GUARD_RELEASED' });
    expect(() => g.value).toThrow(/lock the mutex again/);
  });

  it('works with plain await', async () => {
    const m = new Mutex(0);
    const work = async (n: number) => {
      const g = await m.lock();
      const v = g.value;
      await Promise.resolve();
      g.value = v + n;
      g.release();
    };
    await Promise.all([work(1), work(2), work(3)]);
    expect((await m.lock()).value).toBe(6);
  });
});
