import { C } from '../shared/layout.js';
import type { SharedMemory } from '../shared/memory.js';
import { lock, unlock } from './spin-lock.js';

/**
 * The runtime's global inject queue: a FIFO ring of slot indices that any thread pushes to
 * (the owner's spawns, local-queue overflow, a dead worker's leftovers) and workers pop from. Its
 * capacity is the total number of slots, so it can never overflow: a slot index is in at most
 * one queue at a time.
 *
 * @internal
 */
export class GlobalQueue {
  private readonly control: Int32Array;
  private readonly ring: Int32Array;
  private readonly mask: number;

  constructor(memory: SharedMemory) {
    this.control = memory.control;
    this.ring = memory.globalQueue;
    this.mask = memory.globalMask;
  }

  /** Tasks waiting. */
  get length(): number {
    return (Atomics.load(this.control, C.GlobalTail) - Atomics.load(this.control, C.GlobalHead)) | 0;
  }

  /** Pushes `count` slot indices from `from`. */
  pushBatch(from: Int32Array | number[], count: number): void {
    if (count === 0) return;
    const control = this.control;
    lock(control, C.GlobalLock);
    let tail = control[C.GlobalTail]!;
    for (let i = 0; i < count; i++) {
      this.ring[tail & this.mask] = from[i]!;
      tail = (tail + 1) | 0;
    }
    Atomics.store(control, C.GlobalTail, tail);
    unlock(control, C.GlobalLock);
  }

  /** Pushes one slot index. */
  push(slot: number): void {
    const control = this.control;
    lock(control, C.GlobalLock);
    const tail = control[C.GlobalTail]!;
    this.ring[tail & this.mask] = slot;
    Atomics.store(control, C.GlobalTail, (tail + 1) | 0);
    unlock(control, C.GlobalLock);
  }

  /** Pops one slot index, or -1 if empty. */
  pop(): number {
    const control = this.control;
    if (Atomics.load(control, C.GlobalTail) === Atomics.load(control, C.GlobalHead)) return -1;
    lock(control, C.GlobalLock);
    const head = control[C.GlobalHead]!;
    if (head === control[C.GlobalTail]) {
      unlock(control, C.GlobalLock);
      return -1;
    }
    const slot = this.ring[head & this.mask]!;
    Atomics.store(control, C.GlobalHead, (head + 1) | 0);
    unlock(control, C.GlobalLock);
    return slot;
  }

  /** Pops up to `max` slot indices into `into`; returns how many. */
  popBatch(into: Int32Array, max: number): number {
    const control = this.control;
    if (Atomics.load(control, C.GlobalTail) === Atomics.load(control, C.GlobalHead)) return 0;
    lock(control, C.GlobalLock);
    let head = control[C.GlobalHead]!;
    const available = (control[C.GlobalTail]! - head) | 0;
    const n = available < max ? available : max;
    for (let i = 0; i < n; i++) {
      into[i] = this.ring[head & this.mask]!;
      head = (head + 1) | 0;
    }
    Atomics.store(control, C.GlobalHead, head);
    unlock(control, C.GlobalLock);
    return n;
  }
}
