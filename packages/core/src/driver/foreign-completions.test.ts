// The per-thread registry of foreign completions and its hook into synchronous parks. The source
// here is a real one: a worker thread delivers values through a SharedArrayBuffer and, following
// the contract, unparks the parker it was told to watch. (The multi-thread runtime's tests join
// real JoinHandles inside a current-thread blockOn.)
import { Worker } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import {
  awaitingForeignCompletions,
  drainForeignCompletions,
  registerForeignCompletions,
  type ForeignCompletions,
} from './foreign-completions.js';
import { Parker, PARKER_PARKED } from './parker.js';

// Words of the mailbox: [0] values delivered, [1] values drained, [2] 1 while watching, [3] watch
// requests; the watched parker's buffer goes to the worker by postMessage.
class MailboxSource implements ForeignCompletions {
  readonly words = new Int32Array(new SharedArrayBuffer(16));
  waiting = 0;
  watched: Parker[] = [];
  constructor(private readonly onWatch: (parker: Parker) => void = () => {}) {}
  get awaited(): boolean {
    return this.waiting > 0;
  }
  drain(): number {
    const n = Atomics.load(this.words, 0) - Atomics.load(this.words, 1);
    Atomics.add(this.words, 1, n);
    this.waiting -= n;
    return n;
  }
  watch(parker: Parker): boolean {
    this.watched.push(parker);
    this.onWatch(parker);
    Atomics.store(this.words, 2, 1);
    return Atomics.load(this.words, 0) !== Atomics.load(this.words, 1);
  }
  unwatch(): void {
    Atomics.store(this.words, 2, 0);
  }
}

const unregister: (() => void)[] = [];
afterEach(() => {
  for (const f of unregister.splice(0)) f();
});

describe('foreign completions', () => {
  it('drain and awaited go through every registered source; unregistered sources are left alone', () => {
    const a = new MailboxSource();
    const b = new MailboxSource();
    unregister.push(registerForeignCompletions(a));
    const off = registerForeignCompletions(b);
    expect(awaitingForeignCompletions()).toBe(false);
    b.waiting = 1;
    expect(awaitingForeignCompletions()).toBe(true);
    Atomics.add(b.words, 0, 1);
    expect(drainForeignCompletions()).toBe(1);
    expect(awaitingForeignCompletions()).toBe(false);
    off();
    b.waiting = 1;
    expect(awaitingForeignCompletions()).toBe(false);
    expect(drainForeignCompletions()).toBe(0);
  });

  it('a park while a source is awaited and something already arrived returns at once', () => {
    const source = new MailboxSource();
    unregister.push(registerForeignCompletions(source));
    source.waiting = 1;
    Atomics.add(source.words, 0, 1);
    const parker = new Parker();
    expect(parker.park(Infinity)).toBe(true);
    expect(source.watched).toEqual([parker]);
    expect(Atomics.load(source.words, 2)).toBe(0);
  });

  it('a delivery that lands between the check and the wait makes the wait a no-op (the parker word is PARKED first)', () => {
    const parker = new Parker();
    const source = new MailboxSource((p) => {
      // The watch sees the word already parked: an unpark from here on is remembered.
      expect(Atomics.load(new Int32Array(p.buffer), 0)).toBe(PARKER_PARKED);
      p.unpark();
    });
    unregister.push(registerForeignCompletions(source));
    source.waiting = 1;
    expect(parker.park(Infinity)).toBe(true);
  });

  it('a source that is not awaited is not asked to watch', () => {
    const source = new MailboxSource();
    unregister.push(registerForeignCompletions(source));
    expect(new Parker().park(0)).toBe(false);
    expect(source.watched).toEqual([]);
  });

  it('another thread delivers and unparks the watched parker: the synchronous park ends', async () => {
    const source = new MailboxSource();
    unregister.push(registerForeignCompletions(source));
    source.waiting = 1;
    const parker = new Parker();
    // The worker waits until the watch is published, then delivers and unparks the watched parker.
    const worker = new Worker(
      `const { workerData } = require('node:worker_threads');
       const words = new Int32Array(workerData.words);
       const parker = new Int32Array(workerData.parker);
       while (Atomics.load(words, 2) === 0) Atomics.wait(words, 2, 0, 10);
       Atomics.add(words, 0, 1);
       if (Atomics.exchange(parker, 0, 2) === 1) Atomics.notify(parker, 0);`,
      { eval: true, workerData: { words: source.words.buffer, parker: parker.buffer } },
    );
    try {
      // Bounded: the test fails rather than hangs if the unpark never comes.
      let parks = 0;
      while (drainForeignCompletions() === 0 && parks++ < 100) parker.park(100);
      expect(source.awaited).toBe(false);
      expect(parks).toBeLessThan(100);
    } finally {
      await worker.terminate();
    }
  });
});
