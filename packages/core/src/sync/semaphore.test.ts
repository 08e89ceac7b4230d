import { describe, expect, it } from 'vitest';
import { ArgumentRangeError } from '../errors.js';
import { toPromise } from '../future/future-base.js';
import { Semaphore, SemaphoreClosedError, type SemaphorePermit } from './semaphore.js';
import { harness, thrown } from './test-helpers.js';
import { yieldNow } from './yield-now.js';

function acquirer(h: ReturnType<typeof harness>, sem: Semaphore, n: number, log: string[], name: string) {
  return h.spawn(function* () {
    const permit = yield* sem.acquire(n);
    log.push(name);
    return permit;
  });
}

describe('Semaphore', () => {
  it('validates permit counts', () => {
    expect(() => new Semaphore(-1)).toThrow(ArgumentRangeError);
    expect(() => new Semaphore(1.5)).toThrow(ArgumentRangeError);
    const sem = new Semaphore(1);
    expect(() => sem.acquire(-1)).toThrow(ArgumentRangeError);
    expect(() => sem.tryAcquire(Number.NaN)).toThrow(ArgumentRangeError);
    expect(() => sem.addPermits(Semaphore.MAX_PERMITS)).toThrow(ArgumentRangeError);
  });

  it('acquires, releases, and gives permits back at the end of a `using` scope', () => {
    const h = harness();
    const sem = new Semaphore(2);
    const t = h.spawn(function* () {
      {
        using permit = yield* sem.acquire(2);
        expect(permit.permits).toBe(2);
        expect(sem.availablePermits()).toBe(0);
      }
      return sem.availablePermits();
    });
    h.drive();
    expect(h.result(t)).toBe(2);
    const p = sem.tryAcquire()!;
    expect(sem.availablePermits()).toBe(1);
    p.release();
    p.release(); // idempotent
    expect(sem.availablePermits()).toBe(2);
  });

  it('limits concurrency across interleaved tasks', () => {
    const h = harness();
    const sem = new Semaphore(3);
    let active = 0;
    let peak = 0;
    for (let i = 0; i < 10; i++) {
      h.spawn(function* () {
        using _permit = yield* sem.acquire();
        active++;
        peak = Math.max(peak, active);
        yield* yieldNow();
        yield* yieldNow();
        active--;
      });
    }
    h.drive();
    expect(peak).toBe(3);
    expect(active).toBe(0);
    expect(sem.availablePermits()).toBe(3);
  });

  it('is fair: a large request at the head blocks later small ones', () => {
    const h = harness();
    const sem = new Semaphore(0);
    const log: string[] = [];
    acquirer(h, sem, 3, log, 'big');
    acquirer(h, sem, 1, log, 'small');
    h.drive();
    sem.addPermits(1);
    h.drive();
    expect(log).toEqual([]); // the permit went to `big`, which still needs 2
    expect(sem.availablePermits()).toBe(0);
    expect(sem.tryAcquire()).toBeUndefined();
    sem.addPermits(2);
    h.drive();
    expect(log).toEqual(['big']);
    sem.addPermits(1);
    h.drive();
    expect(log).toEqual(['big', 'small']);
  });

  it('serves waiters of equal size in order', () => {
    const h = harness();
    const sem = new Semaphore(0);
    const log: string[] = [];
    for (const name of ['a', 'b', 'c']) acquirer(h, sem, 1, log, name);
    h.drive();
    sem.addPermits(3);
    h.drive();
    expect(log).toEqual(['a', 'b', 'c']);
  });

  it('an aborted waiter at the head passes the permits it was given to the next waiter', () => {
    const h = harness();
    const sem = new Semaphore(0);
    const log: string[] = [];
    const big = acquirer(h, sem, 3, log, 'big');
    acquirer(h, sem, 2, log, 'next');
    h.drive();
    sem.addPermits(2); // all to `big`, which still waits for 1
    h.drive();
    big.abort();
    h.drive();
    expect(log).toEqual(['next']);
    expect(sem.availablePermits()).toBe(0);
  });

  it('a waiter that was handed its permits but aborted before running passes them on', () => {
    const h = harness();
    const sem = new Semaphore(0);
    const log: string[] = [];
    const a = acquirer(h, sem, 1, log, 'a');
    acquirer(h, sem, 1, log, 'b');
    h.drive();
    sem.addPermits(1); // assigned to a, which has not run yet
    a.abort();
    h.drive();
    expect(log).toEqual(['b']);
  });

  it('an aborted task that held a permit with `using` releases it', () => {
    const h = harness();
    const sem = new Semaphore(1);
    const log: string[] = [];
    const holder = h.spawn(function* () {
      using _p = yield* sem.acquire();
      yield* sem.acquire(); // never satisfied: waits forever while holding
    });
    acquirer(h, sem, 1, log, 'waiter');
    h.drive();
    expect(log).toEqual([]);
    holder.abort();
    h.drive();
    expect(log).toEqual(['waiter']);
  });

  it('close fails waiters and later acquires; held permits stay valid', () => {
    const h = harness();
    const sem = new Semaphore(1);
    const held = sem.tryAcquire()!;
    const waiting = h.spawn(function* () {
      try {
        yield* sem.acquire();
        return 'acquired';
      } catch (error) {
        return error;
      }
    });
    h.drive();
    sem.close();
    h.drive();
    const error = h.result(waiting);
    expect(error).toBeInstanceOf(SemaphoreClosedError);
    expect((error as SemaphoreClosedError).code).toBe('E_SEMAPHORE_CLOSED');
    expect(sem.isClosed()).toBe(true);
    expect(thrown(() => sem.tryAcquire())).toBeInstanceOf(SemaphoreClosedError);
    held.release();
    expect(sem.availablePermits()).toBe(1);
  });

  it('forget drops permits for good; acquire(0) is immediate', () => {
    const h = harness();
    const sem = new Semaphore(2);
    sem.tryAcquire(1)!.forget();
    expect(sem.availablePermits()).toBe(1);
    const t = h.spawn(function* () {
      const p: SemaphorePermit = yield* sem.acquire(0);
      return p.permits;
    });
    h.drive();
    expect(h.result(t)).toBe(0);
  });

  it('works with plain await', async () => {
    const sem = new Semaphore(0);
    queueMicrotask(() => sem.addPermits(1));
    const permit = await sem.acquire();
    expect(permit.permits).toBe(1);
    sem.close();
    await expect(toPromise(sem.acquire())).rejects.toBeInstanceOf(SemaphoreClosedError);
  });
});
