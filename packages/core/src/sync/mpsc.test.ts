import { describe, expect, it } from 'vitest';
import { ChannelClosedError, ArgumentRangeError } from '../errors.js';
import { toPromise } from '../future/future-base.js';
import { PENDING } from '../future/poll.js';
import * as mpsc from './mpsc.js';
import { CountingWaker, harness, thrown } from './test-helpers.js';

describe('mpsc.channel / mpsc.unbounded', () => {
  it('rejects a capacity that is not an integer >= 1', () => {
    for (const bad of [0, -1, 1.5, Number.NaN, Infinity]) {
      expect(() => mpsc.channel(bad)).toThrow(ArgumentRangeError);
    }
    const [tx] = mpsc.channel(3);
    expect(tx.maxCapacity()).toBe(3);
    const [utx] = mpsc.unbounded();
    expect(utx.capacity()).toBe(Infinity);
  });

  it('ping-pongs between two tasks', () => {
    const h = harness();
    const [pingTx, pingRx] = mpsc.channel<number>(1);
    const [pongTx, pongRx] = mpsc.channel<number>(1);
    const a = h.spawn(function* () {
      const got: number[] = [];
      for (let i = 0; i < 50; i++) {
        yield* pingTx.send(i);
        got.push((yield* pongRx.recv())!);
      }
      pingTx.close();
      return got;
    });
    const b = h.spawn(function* () {
      let count = 0;
      for (let v; (v = yield* pingRx.recv()) !== undefined; count++) yield* pongTx.send(v + 1000);
      return count;
    });
    h.drive();
    expect(h.result(a)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1000));
    expect(h.result(b)).toBe(50);
  });
});

describe('mpsc bounded backpressure', () => {
  it('blocks a sender at capacity and resumes it when a slot frees', () => {
    const h = harness();
    const [tx, rx] = mpsc.channel<number>(2);
    const sent: number[] = [];
    const producer = h.spawn(function* () {
      for (let i = 0; i < 5; i++) {
        yield* tx.send(i);
        sent.push(i);
      }
    });
    h.drive();
    expect(sent).toEqual([0, 1]); // the third send waits
    expect(tx.capacity()).toBe(0);
    expect(tx.trySend(99)).toBe(false);
    expect(rx.tryRecv()).toEqual({ ok: true, value: 0 });
    h.drive();
    expect(sent).toEqual([0, 1, 2]);
    const got: number[] = [];
    for (let r = rx.tryRecv(); r.ok; r = rx.tryRecv()) {
      got.push(r.value);
      h.drive();
    }
    expect(got).toEqual([1, 2, 3, 4]);
    expect(producer.isFinished()).toBe(true);
  });

  it('serves waiting senders first come, first served', () => {
    const h = harness();
    const [tx, rx] = mpsc.channel<string>(1);
    tx.trySend('fill');
    const resumed: string[] = [];
    for (const name of ['p1', 'p2', 'p3']) {
      h.spawn(function* (sender: mpsc.Sender<string>) {
        yield* sender.send(name);
        resumed.push(name);
      }, tx.clone());
    }
    h.drive();
    expect(resumed).toEqual([]);
    const consumer = h.spawn(function* () {
      const got: string[] = [];
      for (let i = 0; i < 4; i++) got.push((yield* rx.recv())!);
      return got;
    });
    h.drive();
    expect(h.result(consumer)).toEqual(['fill', 'p1', 'p2', 'p3']);
    expect(resumed).toEqual(['p1', 'p2', 'p3']);
  });

  it('sends eagerly: sends that are never awaited are still delivered in call order', () => {
    const [tx, rx] = mpsc.channel<number>(1);
    void tx.send(1);
    void tx.send(2); // full: joins the waiting senders
    void tx.send(3);
    const got: number[] = [];
    for (let r = rx.tryRecv(); r.ok; r = rx.tryRecv()) got.push(r.value);
    expect(got).toEqual([1, 2, 3]);
  });
});

describe('mpsc close semantics', () => {
  it('recv gives buffered values, then undefined once every sender (clones too) is closed', () => {
    const h = harness();
    const [tx, rx] = mpsc.unbounded<number>();
    const tx2 = tx.clone();
    const consumer = h.spawn(function* () {
      const got: number[] = [];
      for (let v; (v = yield* rx.recv()) !== undefined; ) got.push(v);
      return got;
    });
    tx.trySend(1);
    tx2.trySend(2);
    tx.close();
    h.drive();
    expect(consumer.isFinished()).toBe(false); // tx2 is still open
    expect(rx.isClosed()).toBe(false);
    {
      using sender = tx2;
      sender.trySend(3);
    }
    h.drive();
    expect(h.result(consumer)).toEqual([1, 2, 3]);
    expect(rx.isClosed()).toBe(true);
    expect(rx.tryRecv()).toEqual({ ok: false, reason: 'closed' });
    expect(thrown(() => tx.clone())).toBeInstanceOf(ChannelClosedError);
    expect(thrown(() => tx.trySend(4))).toBeInstanceOf(ChannelClosedError);
  });

  it('closing a sender with a send still waiting delivers that value (close flushes)', () => {
    const h = harness();
    const [tx, rx] = mpsc.channel<number>(1);
    h.spawn(function* () {
      yield* tx.send(1);
      yield* tx.send(2);
    });
    h.drive();
    tx.close();
    const consumer = h.spawn(function* () {
      const got: number[] = [];
      for (let v; (v = yield* rx.recv()) !== undefined; ) got.push(v);
      return got;
    });
    h.drive();
    expect(h.result(consumer)).toEqual([1, 2]);
  });

  it('receiver close fails waiting and later sends, keeps buffered values, completes closed()', () => {
    const h = harness();
    const [tx, rx] = mpsc.channel<number>(1);
    tx.trySend(1);
    const waiting = h.spawn(function* () {
      try {
        yield* tx.send(2);
        return 'sent';
      } catch (error) {
        return error;
      }
    });
    const watcher = h.spawn(function* (sender: mpsc.Sender<number>) {
      yield* sender.closed();
      return 'closed';
    }, tx.clone());
    h.drive();
    expect(waiting.isFinished()).toBe(false);
    expect(watcher.isFinished()).toBe(false);
    rx.close();
    h.drive();
    expect(h.result(waiting)).toBeInstanceOf(ChannelClosedError);
    expect(h.result(watcher)).toBe('closed');
    expect(tx.isClosed()).toBe(true);
    expect(thrown(() => tx.trySend(3))).toBeInstanceOf(ChannelClosedError);
    const late = h.spawn(function* () {
      try {
        yield* tx.send(3);
        return 'sent';
      } catch (error) {
        return (error as ChannelClosedError).code;
      }
    });
    const drain = h.spawn(function* () {
      return [yield* rx.recv(), yield* rx.recv()];
    });
    h.drive();
    expect(h.result(late)).toBe('E_CHANNEL_CLOSED');
    expect(h.result(drain)).toEqual([1, undefined]);
  });

  it('sender.closed() completes when that handle is closed', () => {
    const h = harness();
    const [tx] = mpsc.channel<number>(1);
    const other = tx.clone();
    const watchers = [tx, other].map((sender) =>
      h.spawn(function* () {
        yield* sender.closed();
      }),
    );
    h.drive();
    tx.close();
    h.drive();
    expect(watchers.map((w) => w.isFinished())).toEqual([true, false]);
  });

  it('receiver dispose closes it', () => {
    const [tx, rx] = mpsc.channel<number>(4);
    {
      using _rx = rx;
    }
    expect(tx.isClosed()).toBe(true);
  });
});

describe('mpsc try operations', () => {
  it('trySend: true until full, false when full, throws when closed; tryRecv: ok / empty / closed', () => {
    const [tx, rx] = mpsc.channel<number>(2);
    expect(rx.tryRecv()).toEqual({ ok: false, reason: 'empty' });
    expect(tx.trySend(1)).toBe(true);
    expect(tx.trySend(2)).toBe(true);
    expect(tx.trySend(3)).toBe(false);
    expect(rx.len()).toBe(2);
    expect(rx.tryRecv()).toEqual({ ok: true, value: 1 });
    expect(tx.capacity()).toBe(1);
    tx.close();
    expect(thrown(() => tx.trySend(4))).toBeInstanceOf(ChannelClosedError);
    expect(rx.tryRecv()).toEqual({ ok: true, value: 2 });
    expect(rx.tryRecv()).toEqual({ ok: false, reason: 'closed' });
    expect(rx.isEmpty()).toBe(true);
  });

  it('next() distinguishes an undefined value from the end', () => {
    const h = harness();
    const [tx, rx] = mpsc.unbounded<number | undefined>();
    tx.trySend(undefined);
    tx.trySend(1);
    tx.close();
    const t = h.spawn(function* () {
      const got: (number | undefined)[] = [];
      for (let r; !(r = yield* rx.next()).done; ) got.push(r.value);
      return got;
    });
    h.drive();
    expect(h.result(t)).toEqual([undefined, 1]);
  });
});

describe('mpsc abort of waiting tasks', () => {
  it('an aborted task waiting in send leaves the queue: its value is not sent, others still are', () => {
    const h = harness();
    const [tx, rx] = mpsc.channel<string>(1);
    tx.trySend('fill');
    const a = h.spawn(function* () {
      yield* tx.send('a');
    });
    const b = h.spawn(function* () {
      yield* tx.send('b');
      return 'b sent';
    });
    h.drive();
    a.abort();
    h.drive();
    expect(a.isFinished()).toBe(true);
    tx.close();
    const consumer = h.spawn(function* () {
      const got: string[] = [];
      for (let v; (v = yield* rx.recv()) !== undefined; ) got.push(v);
      return got;
    });
    h.drive();
    expect(h.result(consumer)).toEqual(['fill', 'b']);
    expect(h.result(b)).toBe('b sent');
  });

  it('a send whose value already moved into the buffer stays sent when its task is aborted', () => {
    const h = harness();
    const [tx, rx] = mpsc.channel<string>(1);
    tx.trySend('fill');
    const a = h.spawn(function* () {
      yield* tx.send('a');
    });
    h.drive();
    expect(rx.tryRecv()).toEqual({ ok: true, value: 'fill' }); // 'a' moves in, a is woken
    a.abort(); // before it observed the completion
    h.drive();
    expect(rx.tryRecv()).toEqual({ ok: true, value: 'a' });
    expect(rx.tryRecv()).toEqual({ ok: false, reason: 'empty' });
  });

  it('an aborted task waiting in recv leaves the queue; the next waiter gets the value', () => {
    const h = harness();
    const [tx, rx] = mpsc.unbounded<number>();
    const first = h.spawn(function* () {
      return yield* rx.recv();
    });
    const second = h.spawn(function* () {
      return yield* rx.recv();
    });
    h.drive();
    first.abort();
    h.drive();
    tx.trySend(1);
    h.drive();
    expect(h.result(second)).toBe(1);
  });

  it('a receive woken for a value but aborted before it ran passes the wake on', () => {
    const h = harness();
    const [tx, rx] = mpsc.unbounded<number>();
    const first = h.spawn(function* () {
      return yield* rx.recv();
    });
    const second = h.spawn(function* () {
      return yield* rx.recv();
    });
    h.drive();
    tx.trySend(1); // wakes `first` only
    first.abort(); // before it ran
    h.drive();
    expect(h.result(second)).toBe(1);
    expect(rx.isEmpty()).toBe(true);
  });
});

describe('mpsc futures and wakers', () => {
  it('a recv future wakes the latest waker it was polled with', () => {
    const [tx, rx] = mpsc.unbounded<number>();
    const fut = rx.recv();
    const a = new CountingWaker();
    const b = new CountingWaker();
    expect(fut.poll({ waker: a })).toBe(PENDING);
    expect(fut.poll({ waker: b })).toBe(PENDING);
    tx.trySend(1);
    expect([a.wakes, b.wakes]).toEqual([0, 1]);
    expect(fut.poll({ waker: b })).toBe(1);
  });

  it('a withdrawn send (disposed) that is polled again starts over at the back of the line', () => {
    const [tx, rx] = mpsc.channel<string>(1);
    tx.trySend('fill');
    const a = tx.send('a');
    const b = tx.send('b');
    const waker = new CountingWaker();
    expect(a.poll({ waker })).toBe(PENDING);
    a[Symbol.dispose]();
    expect(a.poll({ waker })).toBe(PENDING); // queued again, behind b
    const got: string[] = [];
    for (let r = rx.tryRecv(); r.ok; r = rx.tryRecv()) got.push(r.value);
    expect(got).toEqual(['fill', 'b', 'a']);
    expect(b.poll({ waker })).toBeUndefined();
    expect(a.poll({ waker })).toBeUndefined();
  });

  it('drains a large unbounded queue in order', () => {
    const [tx, rx] = mpsc.unbounded<number>();
    const n = 100_000;
    for (let i = 0; i < n; i++) tx.trySend(i);
    let expected = 0;
    for (let r = rx.tryRecv(); r.ok; r = rx.tryRecv()) {
      if (r.value !== expected) throw new Error(`got ${r.value}, expected ${expected}`);
      expected++;
    }
    expect(expected).toBe(n);
  });
});

describe('mpsc from plain async code', () => {
  it('awaits recv and send, and iterates with for await', async () => {
    const [tx, rx] = mpsc.channel<number>(1);
    const producer = (async () => {
      for (let i = 0; i < 5; i++) await tx.send(i);
      tx.close();
    })();
    const got: number[] = [];
    for await (const v of rx) got.push(v);
    await producer;
    expect(got).toEqual([0, 1, 2, 3, 4]);
    expect(await rx.recv()).toBeUndefined();
  });

  it('rejects an awaited send on a closed channel', async () => {
    const [tx, rx] = mpsc.unbounded<number>();
    rx.close();
    await expect(toPromise(tx.send(1))).rejects.toBeInstanceOf(ChannelClosedError);
  });

  it('is driven by a generator task on one side and async code on the other', async () => {
    const h = harness();
    const [tx, rx] = mpsc.channel<number>(2);
    h.spawn(function* () {
      for (let i = 0; i < 6; i++) yield* tx.send(i);
      tx.close();
    });
    const got: number[] = [];
    const consumer = (async () => {
      for await (const v of rx) got.push(v);
    })();
    for (let i = 0; i < 50 && got.length < 6; i++) {
      h.drive();
      await Promise.resolve();
    }
    h.drive();
    await consumer;
    expect(got).toEqual([0, 1, 2, 3, 4, 5]);
  });
});
