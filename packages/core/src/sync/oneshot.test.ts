import { describe, expect, it } from 'vitest';
import { ChannelClosedError } from '../errors.js';
import { toPromise } from '../future/future-base.js';
import { PENDING } from '../future/poll.js';
import { oneshot, type OneshotReceiver, type OneshotSender } from './oneshot.js';
import { CountingWaker, harness } from './test-helpers.js';

describe('oneshot', () => {
  it('ping-pongs between two tasks', () => {
    const h = harness();
    const rounds = 100;
    const pings = Array.from({ length: rounds }, () => oneshot<number>());
    const pongs = Array.from({ length: rounds }, () => oneshot<number>());
    const a = h.spawn(function* () {
      let sum = 0;
      for (let i = 0; i < rounds; i++) {
        pings[i]![0].send(i);
        sum += yield* pongs[i]![1];
      }
      return sum;
    });
    const b = h.spawn(function* () {
      for (let i = 0; i < rounds; i++) {
        const v = yield* pings[i]![1];
        pongs[i]![0].send(v * 2);
      }
    });
    h.drive();
    expect(h.result(a)).toBe(2 * ((rounds * (rounds - 1)) / 2));
    expect(b.isFinished()).toBe(true);
  });

  it('delivers a value sent before the receiver is polled, and tryRecv reports each state', () => {
    const [tx, rx] = oneshot<string>();
    expect(rx.tryRecv()).toEqual({ ok: false, reason: 'empty' });
    expect(tx.send('hi')).toBe(true);
    expect(tx.send('again')).toBe(false); // one value only
    expect(rx.tryRecv()).toEqual({ ok: true, value: 'hi' });
    const h = harness();
    const t = h.spawn(function* () {
      return yield* rx;
    });
    h.drive();
    expect(h.result(t)).toBe('hi');
  });

  it('fails the receiver with ChannelClosedError when the sender is closed without sending', () => {
    const h = harness();
    const [tx, rx] = oneshot<number>();
    const t = h.spawn(function* () {
      try {
        return yield* rx;
      } catch (error) {
        return error;
      }
    });
    h.drive();
    expect(t.isFinished()).toBe(false);
    tx.close();
    h.drive();
    const error = h.result(t);
    expect(error).toBeInstanceOf(ChannelClosedError);
    expect((error as ChannelClosedError).code).toBe('E_CHANNEL_CLOSED');
    expect(rx.tryRecv()).toEqual({ ok: false, reason: 'closed' });
    expect(tx.send(1)).toBe(false);
  });

  it('closes the sender at the end of a `using` scope', () => {
    const [tx, rx] = oneshot<number>();
    {
      using _tx = tx;
    }
    expect(rx.tryRecv()).toEqual({ ok: false, reason: 'closed' });
    // After a send, disposing the sender changes nothing.
    const [tx2, rx2] = oneshot<number>();
    {
      using sender = tx2;
      sender.send(7);
    }
    expect(rx2.tryRecv()).toEqual({ ok: true, value: 7 });
  });

  it('receiver close: send fails, closed() completes, isClosed is true', () => {
    const h = harness();
    const [tx, rx] = oneshot<number>();
    const log: string[] = [];
    h.spawn(function* (sender: OneshotSender<number>) {
      yield* sender.closed();
      log.push('receiver gone');
    }, tx);
    const waiter = h.spawn(function* (receiver: OneshotReceiver<number>) {
      try {
        return yield* receiver;
      } catch (error) {
        return error;
      }
    }, rx);
    h.drive();
    expect(log).toEqual([]);
    expect(tx.isClosed()).toBe(false);
    rx.close();
    h.drive();
    expect(log).toEqual(['receiver gone']);
    expect(tx.isClosed()).toBe(true);
    expect(tx.send(1)).toBe(false);
    expect(h.result(waiter)).toBeInstanceOf(ChannelClosedError);
    expect(rx.tryRecv()).toEqual({ ok: false, reason: 'closed' });
  });

  it('keeps a value sent before the receiver closed', () => {
    const [tx, rx] = oneshot<number>();
    tx.send(3);
    rx.close();
    expect(rx.tryRecv()).toEqual({ ok: true, value: 3 });
    expect(rx.poll({ waker: new CountingWaker() })).toBe(3);
  });

  it('an aborted waiting task does not take the value: another task receives it', () => {
    const h = harness();
    const [tx, rx] = oneshot<number>();
    const first = h.spawn(function* () {
      return yield* rx;
    });
    h.drive();
    first.abort();
    h.drive();
    expect(first.isFinished()).toBe(true);
    const second = h.spawn(function* () {
      return yield* rx;
    });
    h.drive();
    tx.send(9);
    h.drive();
    expect(h.result(second)).toBe(9);
  });

  it('wakes the latest waker it was polled with', () => {
    const [tx, rx] = oneshot<number>();
    const a = new CountingWaker();
    const b = new CountingWaker();
    expect(rx.poll({ waker: a })).toBe(PENDING);
    expect(rx.poll({ waker: b })).toBe(PENDING);
    tx.send(1);
    expect(a.wakes).toBe(0);
    expect(b.wakes).toBe(1);
    expect(rx.poll({ waker: b })).toBe(1);
  });

  it('works with plain await outside any scheduler', async () => {
    const [tx, rx] = oneshot<number>();
    queueMicrotask(() => tx.send(5));
    expect(await rx).toBe(5);
    const [tx2, rx2] = oneshot<number>();
    queueMicrotask(() => tx2.close());
    await expect(toPromise(rx2)).rejects.toBeInstanceOf(ChannelClosedError);
    const [tx3, rx3] = oneshot<number>();
    queueMicrotask(() => rx3.close());
    await tx3.closed();
    expect(tx3.isClosed()).toBe(true);
  });
});
