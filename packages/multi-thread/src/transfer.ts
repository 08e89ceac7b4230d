import type { MessagePort } from 'node:worker_threads';
import { InvalidArgumentError } from '@tide/core';

/**
 * Where marked results are remembered: one set per thread, found through a global symbol so that
 * a task module and the worker agree on it even if they loaded different copies of this package.
 */
const MARKS_KEY = Symbol.for('tide.multi-thread.transfer');

function marks(): WeakSet<object> {
  const holder = globalThis as { [MARKS_KEY]?: WeakSet<object> };
  return (holder[MARKS_KEY] ??= new WeakSet());
}

/**
 * Marks a task's binary result to be **moved**, not copied, to the thread that joins the task:
 * `return transfer(bytes)` in a TaskRef running on a multi-thread worker hands the underlying
 * `ArrayBuffer` over (`postMessage` with a transfer list), so a large result costs no copy. The
 * buffer is detached on the worker afterwards: the task must not keep using it (Rust's move).
 *
 * Without it, results are copied (through shared memory, or structured clone when large).
 * Returns `value` itself, so the task's type does not change; where no thread is crossed (the
 * task called directly on a current-thread runtime) it has no effect. A `SharedArrayBuffer` is
 * shared anyway and is never detached.
 *
 * ```ts
 * export const render = defineTask(import.meta.url, 'render', (width: number, height: number) => {
 *   const pixels = new Uint8Array(width * height * 4);
 *   // … fill pixels …
 *   return transfer(pixels);
 * });
 * ```
 *
 * @throws InvalidArgumentError (a `TypeError`) if `value` is not an `ArrayBuffer` or a view of one (a typed array, a DataView).
 */
export function transfer<T extends ArrayBufferLike | ArrayBufferView>(value: T): T {
  if (!(value instanceof ArrayBuffer) && !(value instanceof SharedArrayBuffer) && !ArrayBuffer.isView(value)) {
    throw new InvalidArgumentError('transfer() moves binary data: pass an ArrayBuffer or a typed array (Uint8Array, …) or DataView over one');
  }
  marks().add(value);
  return value;
}

/**
 * The transfer list of a result marked with {@link transfer} (and forgets the mark), or undefined
 * for any other value.
 *
 * @internal
 */
export function takeTransferList(value: unknown): ArrayBuffer[] | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  const set = marks();
  if (!set.has(value)) return undefined;
  set.delete(value);
  return transferListOf(value);
}

/**
 * The transfer list that moves `value`'s memory: its `ArrayBuffer` (not a shared one), or undefined.
 *
 * @internal
 */
export function transferListOf(value: unknown): ArrayBuffer[] | undefined {
  const buffer = value instanceof ArrayBuffer ? value : ArrayBuffer.isView(value) ? value.buffer : undefined;
  return buffer instanceof ArrayBuffer && buffer.byteLength > 0 ? [buffer] : undefined;
}

/**
 * Posts `message`, moving the buffers of `transferList` if there are any; if they cannot be moved
 * (already detached, say), the message is copied instead.
 *
 * @internal
 */
export function postWithTransfer(port: MessagePort, message: unknown, transferList: ArrayBuffer[] | undefined): void {
  if (transferList !== undefined) {
    try {
      port.postMessage(message, transferList);
      return;
    } catch {
      // Fall through: a copy still delivers the result.
    }
  }
  port.postMessage(message);
}
