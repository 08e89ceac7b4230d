import { LOCAL_QUEUE_CAPACITY, W, WORKER_WORDS } from '../shared/layout.js';
import type { SharedMemory } from '../shared/memory.js';
import type { GlobalQueue } from './global-queue.js';
import { lock, unlock } from './spin-lock.js';

const MASK = LOCAL_QUEUE_CAPACITY - 1;
const HALF = LOCAL_QUEUE_CAPACITY / 2;

/**
 * A worker's local run queue of not-started tasks (slot indices): bounded at 256 as in Tokio,
 * pushed and popped (FIFO) by its worker, and robbed of half its contents by idle workers. When
 * full, half of it moves to the global queue. The LIFO slot beside it holds the task the worker
 * spawned last; it is not stealable.
 *
 * Any thread can build a view of any worker's queue; all state is in the worker's block.
 *
 * @internal
 */
export class LocalQueue {
  private readonly words: Int32Array;
  private readonly base: number;
  /** Scratch for moves (never allocated on the hot path). */
  private readonly scratch = new Int32Array(LOCAL_QUEUE_CAPACITY + 1);

  constructor(
    memory: SharedMemory,
    /** The worker's index (1-based). */
    readonly worker: number,
  ) {
    this.words = memory.workerBlocks;
    this.base = (worker - 1) * WORKER_WORDS;
  }

  /** Tasks in the queue (not counting the LIFO slot). */
  get length(): number {
    const w = this.words;
    return (Atomics.load(w, this.base + W.Tail) - Atomics.load(w, this.base + W.Head)) | 0;
  }

  /** Pushes a slot index; on overflow, moves half the queue and it to `global`. */
  push(slot: number, global: GlobalQueue): void {
    const w = this.words;
    const b = this.base;
    lock(w, b + W.Lock);
    const head = w[b + W.Head]!;
    const tail = w[b + W.Tail]!;
    if (((tail - head) | 0) < LOCAL_QUEUE_CAPACITY) {
      w[b + W.Queue + (tail & MASK)] = slot;
      Atomics.store(w, b + W.Tail, (tail + 1) | 0);
      unlock(w, b + W.Lock);
      return;
    }
    // Full: the older half goes to the global queue, with the new task (as Tokio does).
    const scratch = this.scratch;
    let h = head;
    for (let i = 0; i < HALF; i++) {
      scratch[i] = w[b + W.Queue + (h & MASK)]!;
      h = (h + 1) | 0;
    }
    scratch[HALF] = slot;
    Atomics.store(w, b + W.Head, h);
    unlock(w, b + W.Lock);
    global.pushBatch(scratch, HALF + 1);
  }

  /** Pushes `count` indices from `from` (the caller knows they fit: it stole at most half of a queue into an empty one). */
  pushBatch(from: Int32Array, start: number, count: number, global: GlobalQueue): void {
    for (let i = start; i < start + count; i++) this.push(from[i]!, global);
  }

  /** Pops the oldest slot index, or -1. */
  pop(): number {
    const w = this.words;
    const b = this.base;
    if (Atomics.load(w, b + W.Tail) === Atomics.load(w, b + W.Head)) return -1;
    lock(w, b + W.Lock);
    const head = w[b + W.Head]!;
    if (head === w[b + W.Tail]) {
      unlock(w, b + W.Lock);
      return -1;
    }
    const slot = w[b + W.Queue + (head & MASK)]!;
    Atomics.store(w, b + W.Head, (head + 1) | 0);
    unlock(w, b + W.Lock);
    return slot;
  }

  /** Takes half (rounded up) of the queue into `into`; returns how many. Called by other workers. */
  steal(into: Int32Array): number {
    const w = this.words;
    const b = this.base;
    if (Atomics.load(w, b + W.Tail) === Atomics.load(w, b + W.Head)) return 0;
    lock(w, b + W.Lock);
    let head = w[b + W.Head]!;
    const len = (w[b + W.Tail]! - head) | 0;
    const n = len - (len >> 1);
    for (let i = 0; i < n; i++) {
      into[i] = w[b + W.Queue + (head & MASK)]!;
      head = (head + 1) | 0;
    }
    Atomics.store(w, b + W.Head, head);
    unlock(w, b + W.Lock);
    return n;
  }

  /** Swaps the LIFO slot: stores `slot` (or empties it with -1) and returns what it held, or -1. */
  swapLifo(slot: number): number {
    return Atomics.exchange(this.words, this.base + W.Lifo, slot + 1) - 1;
  }

  /** Empties the LIFO slot; returns what it held, or -1. */
  takeLifo(): number {
    if (Atomics.load(this.words, this.base + W.Lifo) === 0) return -1;
    return Atomics.exchange(this.words, this.base + W.Lifo, 0) - 1;
  }

  /**
   * Moves everything (local queue and LIFO slot) to `global`: used by the owner when the worker
   * died, so its not-started tasks run elsewhere.
   */
  drainTo(global: GlobalQueue): number {
    const w = this.words;
    const b = this.base;
    let moved = 0;
    const lifo = this.takeLifo();
    if (lifo >= 0) {
      global.push(lifo);
      moved++;
    }
    lock(w, b + W.Lock);
    let head = w[b + W.Head]!;
    const tail = w[b + W.Tail]!;
    const scratch = this.scratch;
    let n = 0;
    while (head !== tail) {
      scratch[n++] = w[b + W.Queue + (head & MASK)]!;
      head = (head + 1) | 0;
    }
    Atomics.store(w, b + W.Head, head);
    unlock(w, b + W.Lock);
    global.pushBatch(scratch, n);
    return moved + n;
  }
}
