/**
 * The shared state of an mpsc channel and its send / receive futures. Split from `mpsc.ts` so that
 * `mpsc` (re-exported as a namespace) holds only the public API.
 *
 * Invariant: senders wait only while the buffer is full. Whenever a receive frees a slot, the
 * oldest waiting sender's value moves into it at once (FIFO), so "some sender waits" implies
 * "the buffer is full", `trySend` can never overtake a waiting sender, and a value is in exactly
 * one place: a waiting send future or the buffer.
 *
 * @internal Not exported from `@tide/core`.
 */

import { ChannelClosedError } from '../errors.js';
import { FutureBase } from '../future/future-base.js';
import { PENDING, type Context, type Poll, type Waker } from '../future/poll.js';
import { wakeAllClosed, type ClosedFuture } from './closed-future.js';
import { RingBuffer } from './ring-buffer.js';
import { WaiterList, type WaiterNode } from './waiters.js';

/** @internal What {@link Chan.pop} returns when the buffer is empty (values may be `undefined`). */
export const NOTHING: unique symbol = Symbol('tide.mpsc.nothing');

/** @internal The channel both halves share. */
export class Chan<T> {
  /** @internal Values sent and not yet received. */
  readonly buffer: RingBuffer<T>;
  /** @internal Live sender handles; at 0 the receiver sees the end once the buffer is drained. */
  senders = 1;
  /** @internal The receiver was closed: sends fail, buffered values stay receivable. */
  rxClosed = false;
  /** @internal Senders waiting for a free slot (bounded channels only), oldest first. */
  readonly sendWaiters = new WaiterList<SendFuture<T>>();
  /** @internal Receive futures waiting for a value. */
  readonly recvWaiters = new WaiterList<RecvFuture<T, unknown>>();
  /** @internal Waiters of `sender.closed()`, created on first use. */
  closedWaiters: WaiterList<ClosedFuture> | null = null;

  /** @param bound - the capacity, `Infinity` for an unbounded channel. */
  constructor(readonly bound: number) {
    this.buffer = new RingBuffer<T>(bound === Infinity ? 8 : bound);
  }

  /** @internal True once no value can arrive any more (the buffer may still hold some). */
  ended(): boolean {
    return this.senders === 0 || this.rxClosed;
  }

  /** @internal Buffers a value and wakes one waiting receiver. */
  push(value: T): void {
    this.buffer.push(value);
    this.wakeOneReceiver();
  }

  /** @internal Takes the oldest value, refilling the freed slot from the oldest waiting sender. */
  pop(): T | typeof NOTHING {
    if (this.buffer.length === 0) return NOTHING;
    const value = this.buffer.shift();
    const sender = this.sendWaiters.shift();
    if (sender !== null) this.push(sender.commit());
    return value;
  }

  /** @internal Wakes one waiting receiver (a wake meant for an aborted receiver is passed on). */
  wakeOneReceiver(): void {
    const rx = this.recvWaiters.shift();
    if (rx !== null) rx.notify();
  }

  /** @internal Wakes every waiting receiver: the channel ended, they must see it. */
  wakeAllReceivers(): void {
    for (let rx = this.recvWaiters.shift(); rx !== null; rx = this.recvWaiters.shift()) rx.notify();
  }

  /** @internal A sender handle was closed. */
  dropSender(): void {
    if (--this.senders === 0) this.wakeAllReceivers();
  }

  /** @internal The receiver was closed: fail the waiting senders (their values were not sent). */
  closeRx(): void {
    if (this.rxClosed) return;
    this.rxClosed = true;
    for (let tx = this.sendWaiters.shift(); tx !== null; tx = this.sendWaiters.shift()) tx.fail();
    wakeAllClosed(this.closedWaiters);
    this.wakeAllReceivers();
  }
}

/** @internal The error of a send on a closed channel. */
export function sendClosedError(): ChannelClosedError {
  return new ChannelClosedError(
    'mpsc channel closed: the receiver was closed (or this sender was), so the value was not sent',
  );
}

/** @internal Anything that can tell whether sending through it is still allowed (a Sender). */
export interface SendGate {
  /** True if a send through it must fail. */
  isClosed(): boolean;
}

// Send future states.
const WAITING = 0; // queued in sendWaiters, holding the value
const SENT = 1; // the value is in the buffer
const FAILED = 2; // the receiver closed first; the value was not sent
const IDLE = 3; // withdrawn by [Symbol.dispose]; a new poll tries again

/** @internal A send waiting for a free slot in a bounded channel. */
export class SendFuture<T> extends FutureBase<void> implements WaiterNode<SendFuture<T>> {
  /** @internal */
  prevWaiter: SendFuture<T> | null = null;
  /** @internal */
  nextWaiter: SendFuture<T> | null = null;
  /** @internal */
  queued = false;
  private waker: Waker | null = null;
  private state: number;

  /**
   * @param chan - the channel.
   * @param gate - the sender handle it was sent through (checked if the send is retried).
   * @param value - the value, held here until it moves into the buffer.
   * @param failed - true to create an already failed send.
   */
  constructor(
    private readonly chan: Chan<T>,
    private readonly gate: SendGate,
    private value: T | undefined,
    failed: boolean,
  ) {
    super();
    this.state = failed ? FAILED : IDLE;
  }

  /** @internal Queues the send (the buffer is full). */
  enqueue(): void {
    this.state = WAITING;
    this.chan.sendWaiters.push(this);
  }

  /** Ready once the value is buffered; throws {@link ChannelClosedError} if the receiver closed first. */
  poll(cx: Context): Poll<void> {
    switch (this.state) {
      case SENT:
        return undefined;
      case FAILED:
        throw sendClosedError();
      case IDLE: {
        // Polled again after an abort withdrew it: start over, as a new send would.
        const chan = this.chan;
        if (this.gate.isClosed()) {
          this.state = FAILED;
          this.value = undefined;
          throw sendClosedError();
        }
        if (chan.buffer.length < chan.bound) {
          chan.push(this.take());
          this.state = SENT;
          return undefined;
        }
        this.enqueue();
        break;
      }
    }
    this.waker = cx.waker;
    return PENDING;
  }

  /** @internal Hands the value over to the buffer and completes the send (already dequeued). */
  commit(): T {
    const value = this.take();
    this.state = SENT;
    this.wake();
    return value;
  }

  /** @internal The receiver closed while this send waited (already dequeued). */
  fail(): void {
    this.value = undefined;
    this.state = FAILED;
    this.wake();
  }

  /**
   * Withdraws a waiting send (its task was aborted): it leaves the queue and its value is not
   * sent. A send whose value already moved into the buffer stays sent.
   */
  override [Symbol.dispose](): void {
    if (this.state === WAITING) {
      this.chan.sendWaiters.remove(this);
      this.state = IDLE;
    }
    this.waker = null;
  }

  private take(): T {
    const value = this.value as T;
    this.value = undefined;
    return value;
  }

  private wake(): void {
    const waker = this.waker;
    this.waker = null;
    waker?.wake();
  }
}

// Receive future states.
const R_IDLE = 0; // not queued
const R_WAITING = 1; // queued in recvWaiters
const R_NOTIFIED = 2; // dequeued and woken by a send, not polled yet
const R_DONE = 3; // produced its output

/**
 * @internal A receive: `recv()` (output `T | undefined`) or, with `asResult`, `next()`
 * (output `IteratorResult<T, undefined>`).
 */
export class RecvFuture<T, O> extends FutureBase<O> implements WaiterNode<RecvFuture<T, unknown>> {
  /** @internal */
  prevWaiter: RecvFuture<T, unknown> | null = null;
  /** @internal */
  nextWaiter: RecvFuture<T, unknown> | null = null;
  /** @internal */
  queued = false;
  private waker: Waker | null = null;
  private state = R_IDLE;
  private output: O | undefined = undefined;

  /**
   * @param chan - the channel.
   * @param asResult - produce `IteratorResult`s instead of `T | undefined`.
   */
  constructor(
    private readonly chan: Chan<T>,
    private readonly asResult: boolean,
  ) {
    super();
  }

  /** The next value, the end of the channel, or pending. */
  poll(cx: Context): Poll<O> {
    if (this.state === R_DONE) return this.output as O;
    const chan = this.chan;
    // About to take a value: leave the line first, so that the wake of a value refilled from a
    // waiting sender goes to another waiting receive, not to this one.
    if (chan.buffer.length > 0) chan.recvWaiters.remove(this);
    const value = chan.pop();
    if (value !== NOTHING) {
      return this.finish((this.asResult ? { done: false, value } : value) as O);
    }
    if (chan.ended()) {
      return this.finish((this.asResult ? { done: true, value: undefined } : undefined) as O);
    }
    this.waker = cx.waker;
    // Still queued after a spurious wake: keep the place. Notified, but the value was taken by
    // someone else first: queue again.
    if (!this.queued) chan.recvWaiters.push(this);
    this.state = R_WAITING;
    return PENDING;
  }

  /** @internal Dequeued by a send: wake the task. */
  notify(): void {
    this.state = R_NOTIFIED;
    const waker = this.waker;
    this.waker = null;
    waker?.wake();
  }

  /**
   * Leaves the queue (its task was aborted). If a send had already woken it for a value, the
   * wake is passed on to the next waiting receive, so the value is not left unclaimed.
   */
  override [Symbol.dispose](): void {
    const chan = this.chan;
    if (this.state === R_WAITING) {
      chan.recvWaiters.remove(this);
      this.state = R_IDLE;
    } else if (this.state === R_NOTIFIED) {
      this.state = R_IDLE;
      if (chan.buffer.length > 0) chan.wakeOneReceiver();
    }
    this.waker = null;
  }

  private finish(output: O): O {
    this.chan.recvWaiters.remove(this);
    this.waker = null;
    this.state = R_DONE;
    this.output = output;
    return output;
  }
}
