import { Parker } from '@tide/core/driver';
import { currentMailboxDriver } from './driver.js';
import { MailboxFullError } from './errors.js';
import { MailboxRing } from './ring.js';

/**
 * Where to post messages for one runtime thread. Plain structured-clone data (two
 * `SharedArrayBuffer`s): pass it to a worker thread, a blocking task or a multi-thread task, and
 * `send` from there.
 */
export interface MailboxAddress {
  /** Brand. */
  readonly kind: 'tide-example.mailbox';
  /** The mailbox's shared ring. */
  readonly ring: SharedArrayBuffer;
  /** The parker of the runtime thread that receives (unparked after each post). */
  readonly parker: SharedArrayBuffer;
}

/** The address of the calling code's runtime thread's mailbox (needs the mailbox driver, like `recv`). */
export function mailboxAddress(): MailboxAddress {
  return currentMailboxDriver().address;
}

/** Options of {@link send}. */
export interface SendOptions {
  /** How long to wait for room when the mailbox is full, in milliseconds (default 10 000; 0: do not wait). */
  readonly timeoutMs?: number;
}

function encode(topic: string, message: unknown): string {
  if (typeof topic !== 'string') throw new TypeError('send: the topic must be a string');
  if (message === undefined || typeof message === 'function' || typeof message === 'symbol') {
    throw new TypeError('a mailbox message must be JSON-serialisable (got undefined, a function or a symbol)');
  }
  return JSON.stringify([topic, message]);
}

function checkAddress(address: MailboxAddress): void {
  if (address?.kind !== 'tide-example.mailbox') throw new TypeError('send: the first argument must be a MailboxAddress (from mailboxAddress())');
}

/**
 * Posts `message` (any JSON value) under `topic` to the mailbox at `address` from any thread — no runtime
 * needed — and wakes the receiving runtime, even if it is parked inside a synchronous `blockOn`.
 * If the mailbox is full, this thread waits for room up to `timeoutMs` and then throws
 * `MailboxFullError`. Throws `MailboxClosedError` once the receiving runtime has shut down.
 */
export function send(address: MailboxAddress, topic: string, message: unknown, options: SendOptions = {}): void {
  checkAddress(address);
  const timeoutMs = options.timeoutMs ?? 10_000;
  if (!(timeoutMs >= 0)) throw new RangeError(`send: timeoutMs must be a non-negative number, got ${timeoutMs}`);
  if (!new MailboxRing(address.ring).pushWaiting(encode(topic, message), timeoutMs)) throw new MailboxFullError(timeoutMs);
  Parker.fromShared(address.parker).unpark();
}

/**
 * Posts `message` under `topic` if the mailbox has room; returns false (and posts nothing) if it is full. Safe
 * on the receiving thread itself. Throws `MailboxClosedError` once the receiving runtime has shut down.
 */
export function trySend(address: MailboxAddress, topic: string, message: unknown): boolean {
  checkAddress(address);
  if (!new MailboxRing(address.ring).tryPush(encode(topic, message))) return false;
  Parker.fromShared(address.parker).unpark();
  return true;
}
