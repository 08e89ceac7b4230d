import { lock, unlock } from '../queue/spin-lock.js';
import { C, HEAP_MIN_ORDER, HEAP_ORDER } from './layout.js';

const FREE = 0x100;
const USED = 0x200;
const ORDER_MASK = 0xff;
const HEADER = 8;

/**
 * The shared payload heap: a buddy allocator over one SharedArrayBuffer, for encoded arguments
 * and results too large for a slot's inline area. Any thread allocates and frees under one lock;
 * blocks of 2^k bytes (64 B to the whole heap) split on allocation and merge with their buddy on
 * free, so the heap does not fragment into unusable pieces. The lock is held for a few
 * typed-array operations, never while copying payloads.
 *
 * @internal
 */
export class SharedHeap {
  constructor(
    private readonly words: Int32Array,
    private readonly control: Int32Array,
  ) {}

  /** Sets the heap up as one free block (owner, once). */
  init(): void {
    this.words[0] = FREE | HEAP_ORDER;
    this.words[1] = 0;
    this.words[2] = 0;
    this.control[C.HeapFree + HEAP_ORDER] = 1;
  }

  /** Allocates room for `bytes` bytes; returns the payload's byte offset, or -1 if the heap is full. */
  alloc(bytes: number): number {
    const need = bytes + HEADER;
    const order = need <= 1 << HEAP_MIN_ORDER ? HEAP_MIN_ORDER : 32 - Math.clz32(need - 1);
    if (order > HEAP_ORDER) return -1;
    const control = this.control;
    lock(control, C.HeapLock);
    let k = order;
    while (k <= HEAP_ORDER && control[C.HeapFree + k] === 0) k++;
    if (k > HEAP_ORDER) {
      unlock(control, C.HeapLock);
      return -1;
    }
    const off = control[C.HeapFree + k]! - 1;
    this.remove(off, k);
    while (k > order) {
      k--;
      const buddy = off + (1 << k);
      this.pushFree(buddy, k);
    }
    this.words[off >> 2] = USED | order;
    unlock(control, C.HeapLock);
    return off + HEADER;
  }

  /** Frees a payload returned by {@link SharedHeap.alloc}. */
  free(payload: number): void {
    let off = payload - HEADER;
    const words = this.words;
    const header = words[off >> 2]!;
    if ((header & USED) === 0) throw new Error(`tide: heap block at ${off} freed twice`);
    let order = header & ORDER_MASK;
    const control = this.control;
    lock(control, C.HeapLock);
    while (order < HEAP_ORDER) {
      const buddy = off ^ (1 << order);
      if (words[buddy >> 2] !== (FREE | order)) break;
      this.remove(buddy, order);
      if (buddy < off) off = buddy;
      order++;
    }
    this.pushFree(off, order);
    unlock(control, C.HeapLock);
  }

  /** Bytes in free blocks (diagnostics and tests). */
  freeBytes(): number {
    let total = 0;
    const control = this.control;
    lock(control, C.HeapLock);
    for (let k = HEAP_MIN_ORDER; k <= HEAP_ORDER; k++) {
      for (let at = control[C.HeapFree + k]!; at !== 0; at = this.words[((at - 1) >> 2) + 1]!) total += 1 << k;
    }
    unlock(control, C.HeapLock);
    return total;
  }

  private pushFree(off: number, order: number): void {
    const words = this.words;
    const i = off >> 2;
    const head = this.control[C.HeapFree + order]!;
    words[i] = FREE | order;
    words[i + 1] = head;
    words[i + 2] = 0;
    if (head !== 0) words[((head - 1) >> 2) + 2] = off + 1;
    this.control[C.HeapFree + order] = off + 1;
  }

  private remove(off: number, order: number): void {
    const words = this.words;
    const i = off >> 2;
    const next = words[i + 1]!;
    const prev = words[i + 2]!;
    if (prev !== 0) words[((prev - 1) >> 2) + 1] = next;
    else this.control[C.HeapFree + order] = next;
    if (next !== 0) words[((next - 1) >> 2) + 2] = prev;
    words[i] = 0;
  }
}
