/**
 * `@tide/driver-example`: a tide driver written the way a third-party plugin author would, only
 * against the public contract (`@tide/core` and `@tide/core/driver`).
 *
 * The event source is a **mailbox**: a shared-memory ring per runtime thread that any thread can
 * post JSON messages into, under a topic, with {@link send} — a worker thread, the blocking pool, a multi-thread
 * task — while the runtime's tasks `yield* recv(topic)` them. A post wakes the runtime even when it is
 * parked inside a synchronous `blockOn`, where Node's event loop (and so `MessagePort`) cannot
 * deliver anything. `recv()` is a `Future<T, 'mailbox'>`: a runtime built without
 * `mailboxDriver()`, or a current-thread `Handle.blockOn`, refuses it at compile time.
 *
 * @packageDocumentation
 */
export { mailboxDriver, currentMailboxDriver, MailboxDriver, DEFAULT_CAPACITY_BYTES, NO_MESSAGE, type MailboxDriverOptions, type MailboxWaiter } from './driver.js';
export { recv, Recv } from './recv.js';
export { send, trySend, mailboxAddress, type MailboxAddress, type SendOptions } from './address.js';
export { MailboxRing, checkCapacity } from './ring.js';
export { MailboxFullError, MailboxClosedError } from './errors.js';
export { postNumbers, sumFromBlockingPool, type NumberMessage } from './tasks.js';
