/**
 * The queue behind the mpsc channels: a growable circular buffer. `push` and `shift` are O(1)
 * (amortized over the occasional resize), unlike `Array.prototype.shift`, which moves every
 * element and makes a long queue quadratic to drain.
 *
 * @internal Not exported from `@tide/core`.
 */

const MIN_CAPACITY = 8;

/** A FIFO queue in a power-of-two circular array that grows when full and shrinks when mostly empty. */
export class RingBuffer<T> {
  // `undefined` marks a free slot, so a dequeued value is not kept alive by the buffer.
  private items: (T | undefined)[];
  private head = 0;
  private mask: number;
  // Never shrink below this: a bounded channel keeps its usual working size.
  private readonly floor: number;
  /** Number of values in the queue. */
  length = 0;

  /** @param hint - expected peak length; the buffer starts at most this large (and at most 1024). */
  constructor(hint = MIN_CAPACITY) {
    let capacity = MIN_CAPACITY;
    while (capacity < hint && capacity < 1024) capacity *= 2;
    this.items = new Array<T | undefined>(capacity).fill(undefined);
    this.mask = capacity - 1;
    this.floor = Math.max(capacity, MIN_CAPACITY * 4);
  }

  /** Appends `value` at the tail. */
  push(value: T): void {
    if (this.length === this.items.length) this.resize(this.items.length * 2);
    this.items[(this.head + this.length) & this.mask] = value;
    this.length++;
  }

  /** Removes and returns the value at the head. The caller checks `length > 0` first. */
  shift(): T {
    const items = this.items;
    const value = items[this.head] as T;
    items[this.head] = undefined;
    this.head = (this.head + 1) & this.mask;
    this.length--;
    // Shrink at a quarter full (not half) so alternating push/shift at the boundary cannot
    // resize on every operation; a burst does not pin its peak memory forever.
    if (this.length < items.length >>> 2 && items.length > this.floor) this.resize(items.length >>> 1);
    return value;
  }

  /** Removes every value. */
  clear(): void {
    this.items.fill(undefined);
    this.head = 0;
    this.length = 0;
  }

  private resize(capacity: number): void {
    const old = this.items;
    const next = new Array<T | undefined>(capacity).fill(undefined);
    for (let i = 0; i < this.length; i++) next[i] = old[(this.head + i) & this.mask];
    this.items = next;
    this.head = 0;
    this.mask = capacity - 1;
  }
}
