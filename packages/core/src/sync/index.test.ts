import { describe, expect, it } from 'vitest';
import * as sync from './index.js';
import { harness } from './test-helpers.js';

describe('sync module', () => {
  it('exports every primitive, with mpsc as a namespace', () => {
    expect(typeof sync.oneshot).toBe('function');
    expect(typeof sync.mpsc.channel).toBe('function');
    expect(typeof sync.mpsc.unbounded).toBe('function');
    expect(typeof sync.mpsc.Sender).toBe('function');
    expect(typeof sync.mpsc.Receiver).toBe('function');
    expect(typeof sync.Notify).toBe('function');
    expect(typeof sync.Semaphore).toBe('function');
    expect(typeof sync.Mutex).toBe('function');
    expect(typeof sync.yieldNow).toBe('function');
  });

  it('scheduler shutdown releases every waiter, and the primitives keep working afterwards', async () => {
    const h = harness();
    const [tx, rx] = sync.mpsc.channel<string>(1);
    tx.trySend('fill');
    const sem = new sync.Semaphore(1);
    const notify = new sync.Notify();
    const mutex = new sync.Mutex(0);
    const held = mutex.tryLock()!;
    h.spawn(function* () {
      yield* tx.send('from a task that is shut down');
    });
    h.spawn(function* () {
      yield* sem.acquire(2); // takes the 1 available permit and waits for 1 more
    });
    h.spawn(function* () {
      yield* notify.notified();
    });
    h.spawn(function* () {
      yield* mutex.lock();
    });
    h.drive();
    expect(sem.availablePermits()).toBe(0);
    notify.notifyOne(); // handed to the waiting task, which never runs again
    h.scheduler.shutdown();

    // Nothing the shut-down tasks waited for was kept by them.
    expect(rx.tryRecv()).toEqual({ ok: true, value: 'fill' });
    expect(rx.tryRecv()).toEqual({ ok: false, reason: 'empty' });
    expect(sem.availablePermits()).toBe(1);
    await notify.notified(); // the notification became the stored permit
    held.release();
    expect(mutex.isLocked()).toBe(false);

    // And they still work from plain async code.
    queueMicrotask(() => tx.trySend('after shutdown'));
    expect(await rx.recv()).toBe('after shutdown');
    const guard = await mutex.lock();
    guard.value = 1;
    guard.release();
    const [otx, orx] = sync.oneshot<number>();
    otx.send(2);
    expect(await orx).toBe(2);
    await sync.yieldNow();
  });
});
