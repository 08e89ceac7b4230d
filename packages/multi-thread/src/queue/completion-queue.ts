import { Q } from '../shared/layout.js';

/**
 * An origin's completion queue: slot indices of its tasks that finished (or were cancelled before
 * they started), pushed by any thread, drained by the origin. A multi-producer, single-consumer
 * ring whose capacity is the origin's number of slots: every slot is pushed at most once per use,
 * and only the origin frees it after draining, so it cannot overflow.
 *
 * Both ends keep their position in shared memory, so a replacement worker resumes where a dead
 * one stopped.
 *
 * @internal
 */
export class CompletionQueue {
  private readonly mask: number;
  constructor(private readonly words: Int32Array) {
    this.mask = words.length - Q.Base - 1;
  }

  /** Pushes a slot index (any thread). */
  push(slot: number): void {
    const pos = Atomics.add(this.words, Q.Tail, 1);
    Atomics.store(this.words, Q.Base + (pos & this.mask), slot + 1);
  }

  /** Pops a slot index, or -1 when nothing (more) is ready (origin only). */
  pop(): number {
    const words = this.words;
    const head = words[Q.Head]!;
    const at = Q.Base + (head & this.mask);
    const value = Atomics.load(words, at);
    if (value === 0) return -1;
    Atomics.store(words, at, 0);
    Atomics.store(words, Q.Head, (head + 1) | 0);
    return value - 1;
  }

  /** True if an entry is ready at the head. */
  get ready(): boolean {
    return Atomics.load(this.words, Q.Base + (this.words[Q.Head]! & this.mask)) !== 0;
  }
}
