import { describe, expect, it } from 'vitest';
import { PENDING } from '../future/poll.js';
import { CountingWaker, harness } from './test-helpers.js';
import { yieldNow } from './yield-now.js';

describe('yieldNow', () => {
  it('lets every runnable task run before the yielding task resumes', () => {
    const h = harness();
    const log: string[] = [];
    h.spawn(function* () {
      log.push('a1');
      yield* yieldNow();
      log.push('a2');
    });
    h.spawn(function* () {
      log.push('b1');
      yield* yieldNow();
      log.push('b2');
    });
    h.spawn(function* () {
      log.push('c');
    });
    h.drive();
    expect(log).toEqual(['a1', 'b1', 'c', 'a2', 'b2']);
  });

  it('is pending once, waking itself, then ready', () => {
    const fut = yieldNow();
    const waker = new CountingWaker();
    expect(fut.poll({ waker })).toBe(PENDING);
    expect(waker.wakes).toBe(1);
    expect(fut.poll({ waker })).toBeUndefined();
  });

  it('works with plain await', async () => {
    const log: string[] = [];
    const a = (async () => {
      log.push('a1');
      await yieldNow();
      log.push('a2');
    })();
    log.push('main');
    await a;
    expect(log).toEqual(['a1', 'main', 'a2']);
  });
});
