/**
 * Runtime-independent sync primitives: futures that need no driver (requirements `never`), so
 * they work on every flavor, inside a synchronous `blockOn`, from plain `await`, and after a
 * runtime has shut down.
 */

export { oneshot, OneshotSender, OneshotReceiver } from './oneshot.js';
/** Multi-producer, single-consumer channels: `mpsc.channel(capacity)`, `mpsc.unbounded()`, `mpsc.Sender`, `mpsc.Receiver`. */
export * as mpsc from './mpsc.js';
export type { TryRecvResult } from './try-recv.js';
export { Notify } from './notify.js';
export { Semaphore, SemaphorePermit, SemaphoreClosedError } from './semaphore.js';
export { Mutex, MutexGuard, MutexGuardReleasedError } from './mutex.js';
export { yieldNow } from './yield-now.js';
