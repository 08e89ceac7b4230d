// The mailbox driver used the way an application would: on a current-thread runtime (parked in a
// synchronous blockOn while other threads post) and on a multi-thread runtime (one mailbox per
// worker). Worker threads load TaskRefs by URL, so everything comes from the built package.
import { DriverDisabledError, Elapsed, Handle, JoinError, yieldNow } from '@tide/core';
import { CurrentThreadRuntime } from '@tide/current-thread';
import {
  MailboxClosedError,
  MailboxFullError,
  currentMailboxDriver,
  mailboxAddress,
  mailboxDriver,
  postNumbers,
  recv,
  send,
  sumFromBlockingPool,
  trySend,
  type MailboxAddress,
  type NumberMessage,
} from '@tide/driver-example';
import { MultiThreadRuntime } from '@tide/multi-thread';
import { timeDriver, timeout } from '@tide/time-driver';
import { afterEach, describe, expect, it } from 'vitest';

const cleanup: (() => void)[] = [];
afterEach(() => {
  for (const fn of cleanup.splice(0)) fn();
});

function currentThread(capacityBytes?: number) {
  const rt = CurrentThreadRuntime.builder()
    .enable(mailboxDriver(capacityBytes === undefined ? {} : { capacityBytes }))
    .enable(timeDriver({ startPaused: true }))
    .build();
  cleanup.push(() => rt.shutdownTimeout(5_000));
  return rt;
}

describe('on a current-thread runtime', () => {
  it('a runtime parked in a synchronous blockOn wakes for messages posted from the blocking pool', () => {
    const rt = currentThread();
    expect(rt.blockOn(sumFromBlockingPool, 'numbers', 500)).toBe((500 * 501) / 2);
    // With 4 KiB of room, the sender waits for the receiver many times over.
    const small = currentThread(4096);
    expect(small.blockOn(sumFromBlockingPool, 'numbers', 2_000)).toBe((2_000 * 2_001) / 2);
  });

  it('messages posted before anyone waits are kept, and received in order', () => {
    const rt = currentThread();
    const received = rt.blockOn(function* () {
      const address = mailboxAddress();
      for (const n of [1, 2, 3]) expect(trySend(address, 'numbers', { n })).toBe(true);
      const out: number[] = [];
      for (let i = 0; i < 3; i++) out.push((yield* recv<NumberMessage>('numbers')).n);
      return out;
    });
    expect(received).toEqual([1, 2, 3]);
  });

  it('topics: each receiver gets the messages of its own topic, in order; two waiters on one topic get one each', () => {
    const rt = currentThread();
    const result = rt.blockOn(function* () {
      const handle = Handle.current();
      const address = mailboxAddress();
      const left = handle.spawn(function* () {
        return [yield* recv<string>('left'), yield* recv<string>('left')];
      });
      const right = [0, 1].map(() =>
        handle.spawn(function* () {
          return yield* recv<string>('right');
        }),
      );
      yield* yieldNow();
      expect(currentMailboxDriver().waiterCount).toBe(3);
      for (const [topic, text] of [['right', 'r1'], ['left', 'l1'], ['right', 'r2'], ['left', 'l2'], ['other', 'o1']] as const) {
        trySend(address, topic, text);
      }
      const rights: string[] = [];
      for (const task of right) rights.push(yield* task);
      return { left: yield* left, right: rights, unreceived: currentMailboxDriver().pendingMessages };
    });
    expect(result).toEqual({ left: ['l1', 'l2'], right: ['r1', 'r2'], unreceived: 1 });
  });

  it('recv is cancel-safe: aborting a waiting task loses no message', () => {
    const rt = currentThread();
    const result = rt.blockOn(function* () {
      const driver = currentMailboxDriver();
      const waiting = Handle.current().spawn(function* () {
        return yield* recv<NumberMessage>('answers');
      });
      yield* yieldNow();
      expect(driver.waiterCount).toBe(1);
      waiting.abort();
      let cancelled = false;
      try {
        yield* waiting;
      } catch (error) {
        cancelled = error instanceof JoinError && error.isCancelled();
      }
      expect(driver.waiterCount).toBe(0);
      expect(trySend(mailboxAddress(), 'answers', { n: 42 })).toBe(true);
      return { cancelled, next: yield* recv<NumberMessage>('answers') };
    });
    expect(result).toEqual({ cancelled: true, next: { n: 42 } });
  });

  it('timeout(…, recv()) elapses on a paused clock and releases the waiter', () => {
    const rt = currentThread();
    const [error, waiters] = rt.blockOn(function* () {
      try {
        yield* timeout(60_000, recv('never'));
        return [undefined, -1];
      } catch (caught) {
        return [caught, currentMailboxDriver().waiterCount];
      }
    });
    expect(error).toBeInstanceOf(Elapsed);
    expect(waiters).toBe(0);
  });

  it('a full mailbox: trySend returns false, send throws MailboxFullError after its timeout', () => {
    const rt = currentThread(64);
    const outcome = rt.blockOn(function* () {
      const address = mailboxAddress();
      let accepted = 0;
      while (trySend(address, 'numbers', { n: accepted })) accepted++;
      let full: unknown;
      try {
        send(address, 'numbers', { n: -1 }, { timeoutMs: 1 });
      } catch (error) {
        full = error;
      }
      const first = yield* recv<NumberMessage>('numbers');
      return { accepted, full, first, roomAgain: trySend(address, 'numbers', { n: 99 }) };
    });
    expect(outcome.accepted).toBeGreaterThan(0);
    expect(outcome.full).toBeInstanceOf(MailboxFullError);
    expect(outcome.full).toMatchObject({ code: 'E_MAILBOX_FULL' });
    expect(outcome.first).toEqual({ n: 0 });
    expect(outcome.roomAgain).toBe(true);
  });

  it('after shutdown, senders get MailboxClosedError', () => {
    const rt = currentThread();
    const address = rt.blockOn(function* () {
      return mailboxAddress();
    });
    rt.shutdownTimeout(1_000);
    expect(() => send(address, 'news', 'late')).toThrow(MailboxClosedError);
    expect(() => trySend(address, 'news', 'late')).toThrow(MailboxClosedError);
  });

  it('refuses what is not JSON and what is not an address', () => {
    const rt = currentThread();
    const address = rt.blockOn(function* () {
      return mailboxAddress();
    });
    expect(() => send(address, 'news', undefined)).toThrow(TypeError);
    expect(() => send({} as MailboxAddress, 'news', 1)).toThrow(TypeError);
  });
});

describe('on a multi-thread runtime', () => {
  function multiThread(withMailbox: boolean) {
    const builder = MultiThreadRuntime.builder().workerThreads(2).name('driver-example');
    const rt = withMailbox ? builder.enable(mailboxDriver()).build() : builder.build();
    cleanup.push(() => rt.shutdownTimeout(5_000));
    return rt;
  }

  it('every worker builds its own mailbox from the sendable factory; TaskRefs receive there', async () => {
    const rt = multiThread(true);
    expect(rt.blockOn(sumFromBlockingPool, 'numbers', 300)).toBe((300 * 301) / 2);
    const sums = await Promise.all([100, 200, 300, 400].map((count) => rt.spawn(sumFromBlockingPool, `sum-${count}`, count)));
    expect(sums).toEqual([100, 200, 300, 400].map((count) => (count * (count + 1)) / 2));
  });

  it('a multi-thread task posts into a current-thread runtime parked in blockOn', () => {
    const mt = multiThread(false);
    const ct = currentThread();
    const sum = ct.blockOn(function* () {
      const address = mailboxAddress();
      void mt.spawn(postNumbers, address, 'numbers', 250, 1);
      let total = 0;
      for (let i = 0; i < 250; i++) total += (yield* recv<NumberMessage>('numbers')).n;
      return total;
    });
    expect(sum).toBe((250 * 251) / 2);
  });

  it('a worker of a runtime built without the driver fails the task with DriverDisabledError', () => {
    const rt = multiThread(false);
    const loose = rt as unknown as { blockOn(task: unknown, ...args: unknown[]): unknown };
    let error: unknown;
    try {
      loose.blockOn(sumFromBlockingPool, 'numbers', 1);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(DriverDisabledError);
    expect(error).toMatchObject({ driver: 'mailbox' });
  });
});
