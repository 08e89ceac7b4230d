import { currentDriver, defineDriver, type Driver, type DriverContext, type DriverFactory, type Parker } from '@tide/core/driver';
import type { MailboxAddress } from './address.js';
import { MailboxRing, checkCapacity } from './ring.js';

/** Options of {@link mailboxDriver}. */
export interface MailboxDriverOptions {
  /** Bytes of shared memory for messages not yet received (default 1 MiB). Senders wait or fail when it is full. */
  readonly capacityBytes?: number;
}

/** What the driver keeps for a task waiting in `recv()`. */
export interface MailboxWaiter {
  /** A message may be there: wake the waiting task (it takes the message when polled). */
  wake(): void;
  /** The driver shut down: wake the waiting task, which then fails. */
  shutdown(): void;
}

/** The default shared-memory size of a mailbox. */
export const DEFAULT_CAPACITY_BYTES = 1 << 20;

/** What the driver's `take(topic)` returns when no message is there (a message itself may be `null`). */
export const NO_MESSAGE: unique symbol = Symbol('tide-example.no-message');

/**
 * The mailbox driver of one runtime thread: a shared-memory ring that any thread can post
 * messages into (see `send`), sorted by topic, and the tasks of this thread waiting in
 * `recv(topic)`.
 *
 * A sender unparks the runtime thread's parker after it posts, so a runtime blocked in a
 * synchronous `blockOn` (parked in `Atomics.wait`) wakes up and turns the driver, which moves the
 * posted messages into per-topic queues and wakes one waiting task per message. A task takes its
 * message only when it is polled, so `recv()` is cancel-safe: aborting a waiting task loses nothing.
 *
 * Backpressure: while no task waits, the driver leaves messages in the ring, so senders find it
 * full and wait (`send`) or get `false` (`trySend`). While tasks wait, it drains the ring; messages
 * of topics nobody receives then stay queued on this thread until someone does.
 */
export class MailboxDriver implements Driver<'mailbox'> {
  /** The requirement name: futures of this driver are `Future<T, 'mailbox'>`. */
  readonly name = 'mailbox' as const;
  /** The shared ring this driver consumes. */
  readonly ring: MailboxRing;
  /** Where other threads post to (structured-cloneable). */
  readonly address: MailboxAddress;
  private readonly parker: Parker;
  private readonly requestTurn: () => void;
  private readonly inbox = new Map<string, unknown[]>();
  private readonly waiters = new Map<string, Set<MailboxWaiter>>();
  private waiting = 0;
  private shut = false;

  /** @internal Built by the runtime from {@link mailboxDriver}. */
  constructor(options: MailboxDriverOptions, cx: DriverContext) {
    this.ring = MailboxRing.create(options.capacityBytes ?? DEFAULT_CAPACITY_BYTES);
    this.parker = cx.parker;
    this.requestTurn = () => cx.requestTurn();
    this.address = Object.freeze({ kind: 'tide-example.mailbox', ring: this.ring.buffer, parker: cx.parker.buffer });
  }

  /** True after shutdown. */
  get isShutdown(): boolean {
    return this.shut;
  }

  /** Tasks currently waiting in `recv()`. */
  get waiterCount(): number {
    return this.waiting;
  }

  /** Messages posted and not yet received (in the ring or queued by topic). */
  get pendingMessages(): number {
    let queued = 0;
    for (const queue of this.inbox.values()) queued += queue.length;
    return this.ring.count + queued;
  }

  /** @internal Takes the oldest message of `topic`, or {@link NO_MESSAGE}. */
  take(topic: string): unknown {
    this.drain();
    const queue = this.inbox.get(topic);
    if (queue === undefined) return NO_MESSAGE;
    const message = queue.shift();
    if (queue.length === 0) this.inbox.delete(topic);
    return message;
  }

  /** @internal Registers a task waiting for a message of `topic` (idempotent). */
  register(topic: string, waiter: MailboxWaiter): void {
    let set = this.waiters.get(topic);
    if (set === undefined) this.waiters.set(topic, (set = new Set()));
    if (set.has(waiter)) return;
    set.add(waiter);
    this.waiting++;
    this.requestTurn();
  }

  /** @internal Forgets a waiter (it got a message, or its task was aborted). */
  forget(topic: string, waiter: MailboxWaiter): void {
    const set = this.waiters.get(topic);
    if (set === undefined || !set.delete(waiter)) return;
    this.waiting--;
    if (set.size === 0) this.waiters.delete(topic);
  }

  /** Moves posted messages into their topics' queues and wakes one waiting task per message. Returns how many it woke. */
  turn(): number {
    if (this.shut || this.waiting === 0) return 0;
    this.drain();
    let woken = 0;
    for (const [topic, set] of this.waiters) {
      let messages = this.inbox.get(topic)?.length ?? 0;
      for (const waiter of set) {
        if (messages-- <= 0) break;
        // A woken waiter leaves the set; if its task finds the queue empty when polled (another
        // task took the message first), it registers again.
        this.forget(topic, waiter);
        waiter.wake();
        woken++;
      }
    }
    return woken;
  }

  /** 0 while a message is there for a waiting task (or not yet sorted); otherwise Infinity (messages have no deadline). */
  parkTimeout(): number {
    if (this.shut || this.waiting === 0) return Infinity;
    if (this.ring.count > 0) return 0;
    for (const topic of this.waiters.keys()) if (this.inbox.has(topic)) return 0;
    return Infinity;
  }

  /** True while tasks wait in `recv()`. */
  hasPendingWork(): boolean {
    return !this.shut && this.waiting > 0;
  }

  /** Blocks the thread until a sender (or anything else) unparks it or `timeoutMs` passes, then turns. */
  park(timeoutMs: number): void {
    this.parker.park(Math.min(timeoutMs, this.parkTimeout()));
    this.turn();
  }

  /** Waits without blocking the thread until unparked, `timeoutMs` passes or `signal` aborts, then turns. */
  async parkAsync(timeoutMs: number, signal?: AbortSignal): Promise<void> {
    await this.parker.parkAsync(Math.min(timeoutMs, this.parkTimeout()), signal);
    this.turn();
  }

  /** Wakes a thread parked in this driver; callable from any thread. */
  unpark(): void {
    this.parker.unpark();
  }

  /** Closes the mailbox to senders and wakes every waiting task, which then fails with `RuntimeShutdownError`. */
  shutdown(): void {
    if (this.shut) return;
    this.shut = true;
    this.ring.close();
    const waiters = [...this.waiters.values()].flatMap((set) => [...set]);
    this.waiters.clear();
    this.waiting = 0;
    this.inbox.clear();
    for (const waiter of waiters) waiter.shutdown();
  }

  /** Moves every record of the ring into its topic's queue (a record is `[topic, message]` as JSON). */
  private drain(): void {
    for (let text = this.ring.take(); text !== undefined; text = this.ring.take()) {
      const [topic, message] = JSON.parse(text) as [string, unknown];
      const queue = this.inbox.get(topic);
      if (queue === undefined) this.inbox.set(topic, [message]);
      else queue.push(message);
    }
  }
}

const factory = defineDriver<'mailbox', MailboxDriverOptions>(
  import.meta.url,
  'mailboxDriver',
  'mailbox',
  (options, cx) => new MailboxDriver(options, cx),
  (options) => {
    // Fail at `enable(...)`, not later on a worker thread.
    if (options.capacityBytes !== undefined) checkCapacity(options.capacityBytes);
  },
);

/**
 * The mailbox driver factory: `CurrentThreadRuntime.builder().enable(mailboxDriver()).build()`
 * gives a `CurrentThreadRuntime<'mailbox'>`. Sendable: a multi-thread runtime builds one driver
 * (one mailbox) per worker thread.
 */
export function mailboxDriver(options: MailboxDriverOptions = {}): DriverFactory<'mailbox', MailboxDriverOptions> {
  return factory(options);
}

/**
 * The mailbox driver of the calling code's runtime thread. Throws `NoRuntimeError` outside a
 * runtime, `DriverDisabledError` if the runtime was built without `mailboxDriver()`,
 * `DriverNotDrivenError` inside a current-thread `Handle.blockOn`, and `RuntimeShutdownError`
 * after shutdown.
 */
export function currentMailboxDriver(): MailboxDriver {
  return currentDriver<MailboxDriver>('mailbox', '.enable(mailboxDriver())');
}
