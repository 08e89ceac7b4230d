/**
 * Hierarchical hashed timing wheel (after Tokio's `runtime::time::wheel`).
 *
 * ## How it works
 *
 * Six levels of 64 slots. Level `n` slots are `64^n` ms wide, so the levels
 * span 64 ms, ~4.1 s, ~4.4 min, ~4.7 h, ~12.4 days and ~2.2 years. An entry
 * with deadline `when` is stored, relative to the wheel's current time
 * `elapsed`, on the level of the most significant 6-bit group in which `when`
 * and `elapsed` differ, in the slot given by `when`'s bits of that group. So
 * level 0 holds deadlines in the current 64 ms block, level 1 those in the
 * current ~4 s block but a later 64 ms block, and so on; every entry on a
 * lower level is due before every entry on a higher one.
 *
 * Advancing the wheel repeatedly takes the earliest occupied slot (the first
 * non-empty level, then that level's first occupied slot after `elapsed`'s
 * own, found with a bitmask), moves `elapsed` to the slot's start and
 * empties it: entries due at that instant go to the expired (pending) list,
 * the others are re-inserted one or more levels down ("cascading"). Level-0
 * slots are 1 ms wide, so when one is emptied all its entries are due.
 *
 * ## Ordering
 *
 * Entries fire in deadline order, and equal deadlines in insertion order. The
 * level and slot of an entry are a function of (`elapsed`, `deadline`) only,
 * and `elapsed` never steps over an unprocessed slot start; so all live
 * entries with the same deadline always sit in the same slot list. Lists are
 * only ever appended to and cascades move a slot's list in order, so that
 * list stays in insertion order, and the tie-break needs no sorting.
 *
 * @module
 */

import { ArgumentRangeError } from '@tide/core';
import { PENDING_WHERE, TimerEntry, UNLINKED, createSentinel, linkLast, unlink } from './entry.js';
import { Level } from './level.js';

/** Number of levels of the wheel. */
export const NUM_LEVELS = 6;

/**
 * The furthest a deadline may be from the wheel's current time, in ms:
 * 2^36 − 1 ≈ 2.18 years (one rotation of the top level). Later deadlines
 * are clamped to `elapsed + MAX_DURATION`.
 */
export const MAX_DURATION = 2 ** 36 - 1;

const TWO_POW_32 = 2 ** 32;

/**
 * The level on which an entry due at `when` is stored when the wheel's time is
 * `elapsed`: the index of the highest 6-bit group in which they differ, capped
 * at the top level. Requires `elapsed < when <= elapsed + MAX_DURATION`.
 *
 * @internal Exported for tests.
 */
export function levelFor(elapsed: number, when: number): number {
  const lw = when >>> 0;
  const le = elapsed >>> 0;
  // For when ≥ elapsed, the bits above 31 agree iff the difference is below
  // 2^32 and the low 32 bits did not borrow. Bits 30..35 are the top level's
  // group, so any difference at or above bit 32 means the top level; this
  // avoids the divisions a 53-bit split would need.
  if (when - elapsed >= TWO_POW_32 || lw < le) return NUM_LEVELS - 1;
  // `| 63` makes level 0 the minimum; clz32 reads the int32 as unsigned.
  const significant = 31 - Math.clz32((lw ^ le) | 63);
  return LEVEL_OF_BIT[significant]!;
}

/** Level for each most-significant differing bit 0..31 (bits 30/31 → level 5). */
const LEVEL_OF_BIT: readonly number[] = Array.from({ length: 32 }, (_, bit) =>
  Math.min(Math.floor(bit / 6), NUM_LEVELS - 1),
);

/**
 * The flat slot index (`64 · level + slot`, see `TimerEntry.where`) of a deadline on levels 0..4,
 * or -1 when it belongs on the top level. Requires `elapsed < when <= elapsed + MAX_DURATION`.
 * Same rule as {@link levelFor}; this is the insert path's version, which also yields the slot
 * with a shift (the top level's slot straddles bit 32 and needs a division, done by the caller).
 */
function lowIndexFor(elapsed: number, when: number): number {
  const lw = when >>> 0;
  const le = elapsed >>> 0;
  if (when - elapsed >= TWO_POW_32 || lw < le) return -1;
  // Levels 0..4 differ only below bit 30: a non-negative xor below 2^30.
  const x = (lw ^ le) | 63;
  if (x >>> 30 !== 0) return -1;
  // floor(bit / 6) for bit 5..29 is (bit · 43) >> 8: no table load on the hottest path.
  const level = ((31 - Math.clz32(x)) * 43) >> 8;
  return (level << 6) | ((lw >>> (6 * level)) & 63);
}

/**
 * A hierarchical timing wheel with 1 ms resolution: O(1) insert and cancel,
 * amortised O(1) expiry per entry (each entry cascades at most five times).
 *
 * Time is an integer count of milliseconds since the wheel was created; the
 * caller converts real time and rounds deadlines up. The wheel's notion of
 * the current time is {@link elapsed}, which only moves forward, in
 * {@link poll} and {@link advance}.
 *
 * Re-entrancy: between two entries handed out by {@link poll} (or two calls of
 * the `fire` callback of {@link advance}) the wheel is in a consistent state,
 * so the code handling an entry may insert, cancel or reschedule entries,
 * including ones due in the window being processed, which then fire in order
 * within the same advance.
 *
 * Entries belong to the wheel that created them; passing an entry to another
 * wheel's {@link cancel} or {@link reschedule} corrupts both.
 *
 * @typeParam P - The payload carried by each entry.
 */
export class TimingWheel<P> {
  /** Levels 0..5. */
  private readonly levels: Level<P>[];

  /**
   * The sentinels of all 384 slots by flat index (`64 · level + slot`), then
   * {@link pending} at {@link PENDING_WHERE}: the same objects the levels own,
   * so that insert and cancel reach a list from `TimerEntry.where` in one load.
   */
  private readonly lists: TimerEntry<P>[];

  /** The levels' occupancy words (two per level), shared with them. */
  private readonly occupancy: Int32Array;

  /** Sentinel of the expired list: entries due at or before {@link elapsed}. */
  private readonly pending: TimerEntry<P>;

  /**
   * Sentinel of a scratch list used while a slot is being cascaded; only
   * non-empty inside {@link cascade}, which runs no user code.
   */
  private readonly cascading: TimerEntry<P>;

  /** Lower bound of the deadlines in the pending list; +Infinity when empty. */
  private pendingMin = Infinity;

  /** Next {@link TimerEntry.seq} to hand out. */
  private nextSeq = 0;

  /** Live entries: in a slot or pending. */
  private liveCount = 0;

  /** Backing field of {@link elapsed}. */
  private current = 0;

  /** Creates an empty wheel whose time starts at 0. */
  constructor() {
    this.occupancy = new Int32Array(2 * NUM_LEVELS);
    this.levels = [];
    this.lists = [];
    for (let i = 0; i < NUM_LEVELS; i++) {
      const level = new Level<P>(i, this.occupancy);
      this.levels.push(level);
      for (const sentinel of level.slots) this.lists.push(sentinel);
    }
    this.pending = createSentinel<P>();
    this.lists.push(this.pending);
    this.cascading = createSentinel<P>();
  }

  /** Number of live (scheduled, not yet fired or cancelled) entries. */
  get size(): number {
    return this.liveCount;
  }

  /**
   * The wheel's current time in ms. It only moves forward: to the start of
   * each slot processed by {@link poll}, and to `now` once nothing is due.
   */
  get elapsed(): number {
    return this.current;
  }

  /**
   * Schedules `payload` at `deadline` and returns the entry that represents
   * it (keep it to cancel). O(1), allocates only the entry.
   *
   * - `deadline <= elapsed`: the entry is already expired; it goes to the
   *   expired list and fires on the next {@link poll}/{@link advance} (at any
   *   `now`), after entries that were already expired.
   * - `deadline > elapsed + MAX_DURATION` (including `Infinity`): clamped to
   *   `elapsed + MAX_DURATION`, about 2.18 years away, like Tokio's maximum
   *   sleep. The entry's {@link TimerEntry.deadline} then reads back the
   *   clamped value, and it fires then (in FIFO order with other entries at
   *   that millisecond). Callers that need longer waits re-arm on firing.
   *
   * @param deadline - Due time, an integer number of ms on the wheel's clock.
   * @param payload - Data handed back when the entry fires.
   * @throws ArgumentRangeError if `deadline` is NaN or not an integer.
   */
  insert(deadline: number, payload: P): TimerEntry<P> {
    checkDeadline(deadline);
    const entry = new TimerEntry<P>(deadline, this.nextSeq++, payload);
    this.schedule(entry, deadline);
    return entry;
  }

  /**
   * Moves `entry` to a new deadline, as a cancel followed by an insert that
   * reuses the entry object (it gets a new {@link TimerEntry.seq}, so it
   * queues after existing entries at that deadline). Works on fired and
   * cancelled entries too, which lets periodic timers avoid allocating.
   *
   * @param entry - An entry created by this wheel.
   * @param deadline - The new due time (same rules as {@link insert}).
   * @throws ArgumentRangeError if `deadline` is NaN or not an integer.
   */
  reschedule(entry: TimerEntry<P>, deadline: number): void {
    checkDeadline(deadline);
    this.cancel(entry);
    entry.seq = this.nextSeq++;
    this.schedule(entry, deadline);
  }

  /**
   * Removes `entry` from the wheel so that it never fires. O(1). Idempotent:
   * cancelling an entry that already fired or was cancelled does nothing.
   *
   * @returns Whether the entry was scheduled (and is now cancelled).
   */
  cancel(entry: TimerEntry<P>): boolean {
    const where = entry.where;
    if (where < 0) return false;
    const emptied = unlink(entry);
    entry.where = UNLINKED;
    this.liveCount--;
    if (emptied) {
      // Forget the expired list's bound once it is empty; while not empty a stale (too low)
      // bound is harmless: it is still a lower bound.
      if (where === PENDING_WHERE) this.pendingMin = Infinity;
      // `1 << where` uses its low 5 bits: the slot's bit in its word `where >> 5`.
      else this.occupancy[where >> 5]! &= ~(1 << where);
    }
    return true;
  }

  /**
   * A lower bound of the earliest deadline among live entries, for deciding
   * how long to park; `undefined` when the wheel is empty. Never later than
   * the true earliest deadline, and more precisely:
   *
   * - If some entry is expired (in the expired list), a value `<= elapsed`
   *   and `<=` every live deadline. (It may be below the earliest one after
   *   cancellations; its only meaning is "something is due now".)
   * - Otherwise the earliest deadline `d` is on level `L` (the highest 6-bit
   *   group where `d` and {@link elapsed} differ), and the result is `d`
   *   rounded down to a multiple of `64^L`: the start of its slot, which is
   *   `> elapsed`. Exact when `d` is in the same 64 ms block as `elapsed`.
   *   When the caller parks until that time and advances, the slot cascades
   *   and the next call returns a tighter bound, reaching `d` in at most 5
   *   steps.
   *
   * O(levels): a bit scan per level, no allocation.
   */
  nextDeadline(): number | undefined {
    if (this.pending.next !== this.pending) return this.pendingMin;
    const now = this.current;
    for (let i = 0; i < NUM_LEVELS; i++) {
      const level = this.levels[i]!;
      if (!level.isEmpty()) return level.slotStart(now, level.nextOccupiedSlot(now));
    }
    return undefined;
  }

  /**
   * Advances the wheel's time towards `now` and returns the next entry due
   * at or before `now`, unlinked (it counts as fired), or `undefined` once no
   * entry is due; then {@link elapsed} equals `max(elapsed, now)`. Entries come
   * out in (deadline, insertion) order; entries inserted already expired come
   * out first, in insertion order.
   *
   * While entries are being returned, {@link elapsed} is the start of the
   * slot being processed (for a level-0 slot, the entries' deadline), not yet
   * `now`; so an entry inserted by the handler with a deadline in
   * `(elapsed, now]` is returned by a later call with the same `now`.
   *
   * A `now` below {@link elapsed} does not move time back: only already
   * expired entries come out.
   *
   * @param now - Current time in integer ms on the wheel's clock.
   * @throws ArgumentRangeError if `now` is not a safe integer.
   */
  poll(now: number): TimerEntry<P> | undefined {
    checkNow(now);
    return this.nextDue(now);
  }

  /** {@link poll} without the argument check (done once per {@link advance}, not per entry). */
  private nextDue(now: number): TimerEntry<P> | undefined {
    const pending = this.pending;
    const levels = this.levels;
    for (;;) {
      const head = pending.next;
      if (head !== pending) {
        unlink(head);
        if (pending.next === pending) this.pendingMin = Infinity;
        head.where = UNLINKED;
        this.liveCount--;
        return head;
      }
      // Lower levels always expire before higher ones, so the first non-empty
      // level holds the earliest slot.
      let i = 0;
      while (i < NUM_LEVELS && levels[i]!.isEmpty()) i++;
      if (i === NUM_LEVELS) break;
      const level = levels[i]!;
      const slot = level.nextOccupiedSlot(this.current);
      const start = level.slotStart(this.current, slot);
      if (start > now) break;
      this.current = start;
      this.cascade(level, slot, start);
    }
    if (now > this.current) this.current = now;
    return undefined;
  }

  /**
   * Fires every entry due at or before `now`, in (deadline, insertion) order,
   * by calling `fire` with each (already unlinked) entry, then leaves
   * {@link elapsed} at `max(elapsed, now)`. See {@link poll} for the details;
   * `fire` may insert, cancel and reschedule.
   *
   * If `fire` throws, the exception propagates; the entry it was given counts
   * as fired and the wheel stays consistent, so remaining due entries fire on
   * the next call.
   *
   * @param now - Current time in integer ms on the wheel's clock.
   * @param fire - Called once per due entry.
   * @returns Number of entries fired.
   * @throws ArgumentRangeError if `now` is not a safe integer.
   */
  advance(now: number, fire: (entry: TimerEntry<P>) => void): number {
    checkNow(now);
    let fired = 0;
    for (let entry = this.nextDue(now); entry !== undefined; entry = this.nextDue(now)) {
      fired++;
      fire(entry);
    }
    return fired;
  }

  /**
   * Removes every live entry, calling `visit` on each right after it has been
   * unlinked (so it counts as cancelled); for shutting a driver down. Entries
   * come out expired ones first, then roughly by deadline (exactly by slot,
   * not within a higher-level slot). Each removal goes through
   * {@link cancel}, so `visit` may use the wheel freely; entries it inserts
   * are drained too (a `visit` that always inserts never ends).
   *
   * @param visit - Called once per removed entry.
   */
  drain(visit: (entry: TimerEntry<P>) => void): void {
    const pending = this.pending;
    const levels = this.levels;
    for (;;) {
      let entry: TimerEntry<P> | undefined;
      if (pending.next !== pending) {
        entry = pending.next;
      } else {
        let i = 0;
        while (i < NUM_LEVELS && levels[i]!.isEmpty()) i++;
        if (i === NUM_LEVELS) return;
        const level = levels[i]!;
        entry = level.first(level.nextOccupiedSlot(this.current));
      }
      this.cancel(entry);
      visit(entry);
    }
  }

  /** Places an unlinked entry (whose seq is set) at `deadline`. */
  private schedule(entry: TimerEntry<P>, deadline: number): void {
    const elapsed = this.current;
    this.liveCount++;
    if (deadline <= elapsed) {
      entry.deadline = deadline;
      this.pushPending(entry);
      return;
    }
    // Keeping every deadline within one top-level rotation guarantees that a
    // slot never mixes entries of different rotations.
    if (deadline - elapsed > MAX_DURATION) deadline = elapsed + MAX_DURATION;
    entry.deadline = deadline;
    this.place(entry, elapsed, deadline);
  }

  /** Appends an entry due at `when`, with `elapsed < when <= elapsed + MAX_DURATION`, to its slot. */
  private place(entry: TimerEntry<P>, elapsed: number, when: number): void {
    const index = lowIndexFor(elapsed, when);
    if (index < 0) {
      this.levels[NUM_LEVELS - 1]!.push(entry);
      return;
    }
    entry.where = index;
    linkLast(this.lists[index]!, entry);
    this.occupancy[index >> 5]! |= 1 << index;
  }

  /**
   * Empties `slot` of `level`, whose start `start` is now {@link elapsed}:
   * entries due at `start` become pending, the rest move to lower levels.
   * No user code runs here, so the scratch list is never observed.
   */
  private cascade(level: Level<P>, slot: number, start: number): void {
    if (level.level === 0) {
      // A level-0 slot is one millisecond: every entry in it is due at `start`. Splice the whole
      // list onto the expired list in O(1) (order kept), then mark each entry as pending.
      const pending = this.pending;
      const first = level.first(slot);
      level.moveSlotTo(slot, pending);
      for (let e = first; e !== pending; e = e.next) e.where = PENDING_WHERE;
      if (start < this.pendingMin) this.pendingMin = start;
      return;
    }
    const list = this.cascading;
    level.moveSlotTo(slot, list);
    // Detach the chain from the scratch sentinel and walk it in order: appending each entry to
    // its new list keeps equal deadlines in insertion order. Placing an entry overwrites its
    // links, so the next one is read first; the chain ends at the (reset) sentinel.
    let e = list.next;
    list.next = list;
    list.prev = list;
    while (e !== list) {
      const next = e.next;
      const when = e.deadline;
      if (when <= start) this.pushPending(e);
      else this.place(e, start, when);
      e = next;
    }
  }

  /** Appends `entry` to the expired list, keeping {@link pendingMin} a lower bound. */
  private pushPending(entry: TimerEntry<P>): void {
    entry.where = PENDING_WHERE;
    linkLast(this.pending, entry);
    if (entry.deadline < this.pendingMin) this.pendingMin = entry.deadline;
  }
}

/** Rejects NaN and fractional deadlines; ±Infinity pass (clamp / expired). */
function checkDeadline(deadline: number): void {
  if (deadline !== Math.floor(deadline)) {
    throw new ArgumentRangeError(`TimingWheel: deadline must be an integer number of ms, got ${deadline}`);
  }
}

/** Rejects a wheel time that is not a safe integer. */
function checkNow(now: number): void {
  if (!Number.isSafeInteger(now)) throw new ArgumentRangeError(`TimingWheel: invalid time ${now}`);
}
