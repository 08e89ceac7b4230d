import { describe, expect, it } from 'vitest';
import { PENDING } from '../future/poll.js';
import { Notify } from './notify.js';
import { CountingWaker, harness } from './test-helpers.js';

function waiter(h: ReturnType<typeof harness>, notify: Notify, log: string[], name: string) {
  return h.spawn(function* () {
    yield* notify.notified();
    log.push(name);
  });
}

describe('Notify', () => {
  it('notifyOne with nobody waiting stores one permit for the next notified()', () => {
    const h = harness();
    const notify = new Notify();
    const log: string[] = [];
    notify.notifyOne();
    notify.notifyOne(); // still one permit
    waiter(h, notify, log, 'a');
    waiter(h, notify, log, 'b');
    h.drive();
    expect(log).toEqual(['a']);
    notify.notifyOne();
    h.drive();
    expect(log).toEqual(['a', 'b']);
  });

  it('notifyOne wakes the oldest waiter first', () => {
    const h = harness();
    const notify = new Notify();
    const log: string[] = [];
    for (const name of ['a', 'b', 'c']) waiter(h, notify, log, name);
    h.drive();
    notify.notifyOne();
    h.drive();
    expect(log).toEqual(['a']);
    notify.notifyOne();
    notify.notifyOne();
    h.drive();
    expect(log).toEqual(['a', 'b', 'c']);
  });

  it('notifyWaiters wakes every current waiter and stores no permit', () => {
    const h = harness();
    const notify = new Notify();
    const log: string[] = [];
    for (const name of ['a', 'b', 'c']) waiter(h, notify, log, name);
    h.drive();
    notify.notifyWaiters();
    h.drive();
    expect(log).toEqual(['a', 'b', 'c']);
    waiter(h, notify, log, 'late');
    h.drive();
    expect(log).toHaveLength(3); // no permit was stored
  });

  it('notifyWaiters also completes futures created before it but not polled yet', () => {
    const notify = new Notify();
    const before = notify.notified();
    notify.notifyWaiters();
    const after = notify.notified();
    const waker = new CountingWaker();
    expect(before.poll({ waker })).toBeUndefined();
    expect(after.poll({ waker })).toBe(PENDING);
  });

  it('a notifyOne given to a waiter aborted before it ran passes to the next waiter', () => {
    const h = harness();
    const notify = new Notify();
    const log: string[] = [];
    const a = waiter(h, notify, log, 'a');
    waiter(h, notify, log, 'b');
    h.drive();
    notify.notifyOne(); // picks a
    a.abort(); // a never observes it
    h.drive();
    expect(log).toEqual(['b']);
  });

  it('...or becomes the stored permit when nobody else waits', () => {
    const h = harness();
    const notify = new Notify();
    const log: string[] = [];
    const a = waiter(h, notify, log, 'a');
    h.drive();
    notify.notifyOne();
    a.abort();
    h.drive();
    expect(log).toEqual([]);
    waiter(h, notify, log, 'b');
    h.drive();
    expect(log).toEqual(['b']);
  });

  it('an aborted waiting task leaves the line without taking a later notification', () => {
    const h = harness();
    const notify = new Notify();
    const log: string[] = [];
    const a = waiter(h, notify, log, 'a');
    waiter(h, notify, log, 'b');
    h.drive();
    a.abort();
    h.drive();
    notify.notifyOne();
    h.drive();
    expect(log).toEqual(['b']);
  });

  it('wakes the latest waker a future was polled with', () => {
    const notify = new Notify();
    const fut = notify.notified();
    const a = new CountingWaker();
    const b = new CountingWaker();
    expect(fut.poll({ waker: a })).toBe(PENDING);
    expect(fut.poll({ waker: b })).toBe(PENDING);
    notify.notifyOne();
    expect([a.wakes, b.wakes]).toEqual([0, 1]);
    expect(fut.poll({ waker: b })).toBeUndefined();
  });

  it('works with plain await', async () => {
    const notify = new Notify();
    queueMicrotask(() => notify.notifyOne());
    await notify.notified();
    const all = Promise.all([notify.notified(), notify.notified()]);
    queueMicrotask(() => notify.notifyWaiters());
    await all;
  });
});
