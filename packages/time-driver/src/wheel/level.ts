/**
 * One level of the hierarchical timing wheel: 64 slots and an occupancy
 * bitmask.
 *
 * @module
 */

import { createSentinel, linkLast, unlink, type TimerEntry } from './entry.js';

/** Number of slots per level; a power of two so slot arithmetic is masking. */
export const SLOTS_PER_LEVEL = 64;

/** log2 of {@link SLOTS_PER_LEVEL}: how many deadline bits one level consumes. */
export const LEVEL_BITS = 6;

/**
 * One level of a timing wheel. Level `n` has 64 slots of `64^n` ms each, so it
 * spans `64^(n+1)` ms. A slot holds the entries whose deadline falls in its
 * range, in insertion order.
 *
 * The occupancy bitmask is kept as two 32-bit words (slots 0..31, then 32..63)
 * because JavaScript bitwise operators work on 32 bits and BigInt arithmetic
 * is far slower on this hot path. The words live in an `Int32Array` that the
 * wheel shares between its levels (words `2·level` and `2·level + 1`), so
 * that the wheel's insert and cancel can set and clear a bit from an entry's
 * flat slot index (`64 · level + slot`, see `TimerEntry.where`) without going
 * through the level.
 *
 * @typeParam P - Payload type of the entries.
 */
export class Level<P> {
  /** This level's index, 0 for the 1 ms level. */
  readonly level: number;

  /** Milliseconds covered by one slot: `64^level`. */
  readonly slotRange: number;

  /** log2 of {@link slotRange}: `6 · level`. */
  readonly shift: number;

  /** Milliseconds covered by the whole level: `64^(level+1)`. */
  readonly levelRange: number;

  /** One sentinel per slot, heading a circular list; allocated once. */
  readonly slots: TimerEntry<P>[];

  /** The occupancy words; this level's are at {@link word} and `word + 1`. */
  private readonly occupancy: Int32Array;

  /** Index in {@link occupancy} of the word of slots 0..31: `2 · level`. */
  private readonly word: number;

  /** `64 · level`: added to a slot to get an entry's `where`. */
  private readonly base: number;

  /**
   * Creates an empty level.
   *
   * @param level - Index of the level, `0..5`.
   * @param occupancy - Occupancy words shared with the other levels of a wheel; this level uses
   *   words `2·level` and `2·level + 1`. A level of its own gets a fresh array.
   */
  constructor(level: number, occupancy: Int32Array = new Int32Array(2 * level + 2)) {
    this.level = level;
    // Powers of 64 below 2^53 are exact doubles.
    this.shift = LEVEL_BITS * level;
    this.slotRange = 2 ** this.shift;
    this.levelRange = this.slotRange * SLOTS_PER_LEVEL;
    this.occupancy = occupancy;
    this.word = 2 * level;
    this.base = SLOTS_PER_LEVEL * level;
    this.slots = [];
    for (let i = 0; i < SLOTS_PER_LEVEL; i++) this.slots.push(createSentinel<P>());
  }

  /** Whether no slot of this level holds an entry. */
  isEmpty(): boolean {
    return (this.occupancy[this.word]! | this.occupancy[this.word + 1]!) === 0;
  }

  /**
   * The slot of this level that a deadline maps to: bits
   * `[6·level, 6·level + 6)` of `when`.
   *
   * @param when - A non-negative integer deadline below 2^53.
   */
  slotFor(when: number): number {
    // Levels 0..4 read bits below 30, which `>>> 0` (ToUint32: modulo 2^32) keeps, so a shift
    // does it. The top level's bits 30..35 straddle bit 32: division by a power of two is exact,
    // and `& 63` truncates the quotient and keeps its low 6 bits, which survive ToInt32's
    // modulo-2^32 wrap for any safe integer.
    const shift = this.shift;
    return shift < 30 ? ((when >>> 0) >>> shift) & (SLOTS_PER_LEVEL - 1) : (when / this.slotRange) & (SLOTS_PER_LEVEL - 1);
  }

  /**
   * Appends `entry` to the slot its deadline maps to and records the entry's
   * position in it. Appending keeps equal deadlines in insertion order.
   */
  push(entry: TimerEntry<P>): void {
    const slot = this.slotFor(entry.deadline);
    entry.where = this.base + slot;
    linkLast(this.slots[slot]!, entry);
    // `1 << n` uses n's low 5 bits: the bit of slot n within its word.
    this.occupancy[this.word + (slot >> 5)]! |= 1 << slot;
  }

  /** Unlinks `entry`, which must be in this level, clearing its slot's bit if the slot empties. */
  remove(entry: TimerEntry<P>): void {
    if (unlink(entry)) this.clearBit(entry.where - this.base);
  }

  /**
   * The oldest entry of a non-empty `slot`.
   *
   * @param slot - An occupied slot (see {@link nextOccupiedSlot}).
   */
  first(slot: number): TimerEntry<P> {
    return this.slots[slot]!.next;
  }

  /**
   * Moves every entry of `slot`, in order, to the tail of the list headed by
   * `target` in O(1), and empties the slot. The moved entries keep their stale
   * `level` field: the caller must relink each of them before any user
   * code can run (and cancel them).
   *
   * @param slot - Slot to empty.
   * @param target - Sentinel of the list that receives the entries.
   */
  moveSlotTo(slot: number, target: TimerEntry<P>): void {
    const sentinel = this.slots[slot]!;
    const first = sentinel.next;
    if (first === sentinel) return;
    const last = sentinel.prev;
    // Splice [first..last] after target's current tail.
    const tail = target.prev;
    tail.next = first;
    first.prev = tail;
    last.next = target;
    target.prev = last;
    sentinel.next = sentinel;
    sentinel.prev = sentinel;
    this.clearBit(slot);
  }

  /**
   * The occupied slot that comes first after `now`'s own slot, going round
   * the level, with `now`'s own slot last; `-1` if the level is empty. This is
   * a 64-bit rotate + count of trailing zeros, done on two 32-bit halves.
   *
   * `now`'s own slot comes last because an entry can only be there on the top
   * level, for a deadline a full rotation ahead: on lower levels an entry in
   * the current slot would share all its higher bits with `now` and be stored
   * further down. (Starting the scan at `now`'s slot, as a plain rotate by it
   * would, lets such a far entry hide nearer top-level slots.)
   *
   * @param now - The wheel's elapsed time.
   */
  nextOccupiedSlot(now: number): number {
    const lo = this.occupancy[this.word]!;
    const hi = this.occupancy[this.word + 1]!;
    if ((lo | hi) === 0) return -1;
    const start = (this.slotFor(now) + 1) & (SLOTS_PER_LEVEL - 1);
    if (start < 32) {
      // Slots start..31, then 32..63, then wrap to 0..start-1.
      const m = lo & (-1 << start);
      if (m !== 0) return ctz(m);
      if (hi !== 0) return 32 + ctz(hi);
      return ctz(lo);
    }
    // Slots start..63, then wrap to 0..31, then 32..start-1.
    const m = hi & (-1 << (start - 32));
    if (m !== 0) return 32 + ctz(m);
    if (lo !== 0) return ctz(lo);
    return 32 + ctz(hi);
  }

  /**
   * The time at which `slot` must be processed, seen from `now`: the start of
   * that slot's range in the current rotation of this level, or in the next
   * rotation if that start is not after `now`.
   *
   * The wrap to the next rotation only happens on the top level, whose slots
   * act as a ring for deadlines that share no higher bits with `now` (the
   * wheel keeps every deadline within one rotation of the top level). On lower
   * levels an occupied slot always starts after `now`.
   */
  slotStart(now: number, slot: number): number {
    const levelStart = now - (now % this.levelRange);
    const start = levelStart + slot * this.slotRange;
    return start <= now ? start + this.levelRange : start;
  }

  /**
   * When this level next needs processing: the start of its earliest occupied
   * slot as seen from `now` (see {@link slotStart}), or `undefined` if empty.
   * Every entry in that slot is due at or after the returned time, so it is a
   * lower bound of this level's earliest deadline, exact on level 0.
   *
   * @param now - The wheel's elapsed time.
   */
  nextExpiration(now: number): number | undefined {
    const slot = this.nextOccupiedSlot(now);
    return slot < 0 ? undefined : this.slotStart(now, slot);
  }

  /** Marks `slot` as empty in the occupancy mask. */
  private clearBit(slot: number): void {
    this.occupancy[this.word + (slot >> 5)]! &= ~(1 << slot);
  }
}

/** Count of trailing zero bits of a non-zero 32-bit value. */
function ctz(x: number): number {
  // `x & -x` isolates the lowest set bit; clz32 reads it as unsigned.
  return 31 - Math.clz32(x & -x);
}
