/**
 * The timing wheel the time driver keeps its timers in: the same hierarchical wheel as
 * {@link TimingWheel} (6 levels × 64 slots, 1 ms ticks, same placement, cascading, ordering and
 * clamping rules), but its lists are threaded through typed arrays by integer id instead of
 * through linked objects.
 *
 * Why: a timer costs no object of its own here (the caller's future keeps an id), inserting and
 * cancelling write no object pointers (so no write barriers), and the garbage collector never
 * walks a hundred thousand list nodes. The only per-timer reference the wheel holds is the
 * payload, in one array.
 *
 * @module
 */

import { MAX_DURATION, NUM_LEVELS, levelFor } from './timing-wheel.js';

const SLOTS = 64;
/** List heads: one per slot (`level * 64 + slot`), then the expired list and a scratch list. */
const PENDING_HEAD = NUM_LEVELS * SLOTS;
const CASCADE_HEAD = PENDING_HEAD + 1;
const FIRST_ID = CASCADE_HEAD + 1;
/** `where` of an id in no list (free, fired or cancelled). */
const NOWHERE = -1;
/** `where` of an id in the expired list. */
const IN_PENDING = PENDING_HEAD;

/** `64^level`: ms covered by one slot of each level (exact doubles). */
const SLOT_RANGE: readonly number[] = Array.from({ length: NUM_LEVELS + 1 }, (_, level) => 2 ** (6 * level));

/**
 * A hierarchical timing wheel over integer timer ids. `insert` returns an id; `cancel(id, payload)`
 * removes it in O(1); `advance(now, fire)` hands due payloads to `fire` in (deadline, insertion)
 * order. An id is recycled as soon as its timer fired or was cancelled, so the caller must forget
 * it then (`cancel` checks the payload, so a stale id cancels nothing).
 *
 * @internal The time driver's store; the public, object-based wheel is {@link TimingWheel}.
 * @typeParam P - What is handed back when a timer fires.
 */
export class IndexWheel<P> {
  private next: Int32Array;
  private prev: Int32Array;
  /** `level * 64 + slot`, {@link IN_PENDING}, or {@link NOWHERE}. */
  private where: Int16Array;
  private deadlines: Float64Array;
  private payloads: (P | undefined)[];
  /** Free ids, linked through `next` (-1: none). */
  private free = -1;
  /** The next id never handed out. */
  private top = FIRST_ID;
  private readonly occupiedLo = new Int32Array(NUM_LEVELS);
  private readonly occupiedHi = new Int32Array(NUM_LEVELS);
  private pendingMin = Infinity;
  private liveCount = 0;
  private current = 0;

  /** @param capacity - initial number of timers before the arrays grow (they double). */
  constructor(capacity = 256) {
    const size = FIRST_ID + capacity;
    this.next = new Int32Array(size);
    this.prev = new Int32Array(size);
    this.where = new Int16Array(size).fill(NOWHERE);
    this.deadlines = new Float64Array(size);
    this.payloads = [];
    for (let head = 0; head < FIRST_ID; head++) {
      this.next[head] = head;
      this.prev[head] = head;
    }
  }

  /** Live timers. */
  get size(): number {
    return this.liveCount;
  }

  /** The wheel's current time (ms ticks); only moves forward, in {@link advance}. */
  get elapsed(): number {
    return this.current;
  }

  /**
   * Schedules `payload` at integer tick `deadline` (at or before {@link elapsed}: due on the next
   * advance; beyond `elapsed + MAX_DURATION`: clamped) and returns its id.
   */
  insert(deadline: number, payload: P): number {
    let id = this.free;
    if (id !== -1) {
      this.free = this.next[id]!;
    } else {
      id = this.top++;
      if (id === this.where.length) this.grow();
    }
    this.payloads[id] = payload;
    this.liveCount++;
    const elapsed = this.current;
    if (deadline <= elapsed) {
      this.deadlines[id] = deadline;
      this.pushPending(id);
    } else {
      const max = elapsed + MAX_DURATION;
      if (deadline > max) deadline = max;
      this.deadlines[id] = deadline;
      this.pushLevel(id, levelFor(elapsed, deadline));
    }
    return id;
  }

  /** Removes timer `id` if it is still the live timer of `payload`. O(1). Returns whether it was. */
  cancel(id: number, payload: P): boolean {
    const where = this.where[id]!;
    if (where === NOWHERE || this.payloads[id] !== payload) return false;
    this.unlink(id);
    if (where === IN_PENDING) {
      if (this.next[PENDING_HEAD] === PENDING_HEAD) this.pendingMin = Infinity;
    } else if (this.next[where] === where) {
      this.clearBit(where);
    }
    this.liveCount--;
    this.release(id);
    return true;
  }

  /**
   * A lower bound of the earliest live deadline (exactly as {@link TimingWheel.nextDeadline}), or
   * `undefined` when empty.
   */
  nextDeadline(): number | undefined {
    if (this.next[PENDING_HEAD] !== PENDING_HEAD) return this.pendingMin;
    const now = this.current;
    for (let level = 0; level < NUM_LEVELS; level++) {
      if ((this.occupiedLo[level]! | this.occupiedHi[level]!) !== 0) return this.slotStart(level, now, this.nextOccupiedSlot(level, now));
    }
    return undefined;
  }

  /**
   * Fires every timer due at or before `now` by calling `fire` with its payload (its id is
   * already recycled), in (deadline, insertion) order, then leaves {@link elapsed} at
   * `max(elapsed, now)`. `fire` may insert and cancel. Returns how many fired.
   */
  advance(now: number, fire: (payload: P) => void): number {
    if (!Number.isSafeInteger(now)) throw new RangeError(`TimingWheel: invalid time ${now}`);
    let fired = 0;
    for (let id = this.pollDue(now); id !== -1; id = this.pollDue(now)) {
      const payload = this.payloads[id] as P;
      this.release(id);
      fired++;
      fire(payload);
    }
    return fired;
  }

  /** Removes every live timer, calling `visit` with each payload after its removal (for shutdown). */
  drain(visit: (payload: P) => void): void {
    for (;;) {
      let id = this.next[PENDING_HEAD]!;
      if (id === PENDING_HEAD) {
        let level = 0;
        while (level < NUM_LEVELS && (this.occupiedLo[level]! | this.occupiedHi[level]!) === 0) level++;
        if (level === NUM_LEVELS) return;
        id = this.next[level * SLOTS + this.nextOccupiedSlot(level, this.current)]!;
      }
      const payload = this.payloads[id] as P;
      this.cancel(id, payload);
      visit(payload);
    }
  }

  /** Unlinks and returns the next due id (not yet released), or -1; see `TimingWheel.poll`. */
  private pollDue(now: number): number {
    const next = this.next;
    for (;;) {
      const head = next[PENDING_HEAD]!;
      if (head !== PENDING_HEAD) {
        this.unlink(head);
        if (next[PENDING_HEAD] === PENDING_HEAD) this.pendingMin = Infinity;
        this.where[head] = NOWHERE;
        this.liveCount--;
        return head;
      }
      let level = 0;
      while (level < NUM_LEVELS && (this.occupiedLo[level]! | this.occupiedHi[level]!) === 0) level++;
      if (level === NUM_LEVELS) break;
      const slot = this.nextOccupiedSlot(level, this.current);
      const start = this.slotStart(level, this.current, slot);
      if (start > now) break;
      this.current = start;
      this.cascade(level, slot, start);
    }
    if (now > this.current) this.current = now;
    return -1;
  }

  /** Empties a slot whose start is now `elapsed`: due timers become pending, the rest move down. */
  private cascade(level: number, slot: number, start: number): void {
    const next = this.next;
    const prev = this.prev;
    const head = level * SLOTS + slot;
    const first = next[head]!;
    if (first !== head) {
      // Splice the slot's list onto the (empty) scratch list, in order.
      const last = prev[head]!;
      next[CASCADE_HEAD] = first;
      prev[first] = CASCADE_HEAD;
      next[last] = CASCADE_HEAD;
      prev[CASCADE_HEAD] = last;
      next[head] = head;
      prev[head] = head;
    }
    this.clearBit(head);
    for (let id = next[CASCADE_HEAD]!; id !== CASCADE_HEAD; id = next[CASCADE_HEAD]!) {
      this.unlink(id);
      const when = this.deadlines[id]!;
      if (when <= start) this.pushPending(id);
      else this.pushLevel(id, levelFor(start, when));
    }
  }

  private pushPending(id: number): void {
    this.where[id] = IN_PENDING;
    this.linkLast(PENDING_HEAD, id);
    const deadline = this.deadlines[id]!;
    if (deadline < this.pendingMin) this.pendingMin = deadline;
  }

  private pushLevel(id: number, level: number): void {
    const slot = (this.deadlines[id]! / SLOT_RANGE[level]!) & (SLOTS - 1);
    const head = level * SLOTS + slot;
    this.where[id] = head;
    this.linkLast(head, id);
    if (slot < 32) this.occupiedLo[level]! |= 1 << slot;
    else this.occupiedHi[level]! |= 1 << (slot - 32);
  }

  private linkLast(head: number, id: number): void {
    const last = this.prev[head]!;
    this.prev[id] = last;
    this.next[id] = head;
    this.next[last] = id;
    this.prev[head] = id;
  }

  private unlink(id: number): void {
    const prev = this.prev[id]!;
    const next = this.next[id]!;
    this.next[prev] = next;
    this.prev[next] = prev;
  }

  /** Returns an unlinked id to the free list. */
  private release(id: number): void {
    this.where[id] = NOWHERE;
    this.payloads[id] = undefined;
    this.next[id] = this.free;
    this.free = id;
  }

  private clearBit(head: number): void {
    const level = (head / SLOTS) | 0;
    const slot = head & (SLOTS - 1);
    if (slot < 32) this.occupiedLo[level]! &= ~(1 << slot);
    else this.occupiedHi[level]! &= ~(1 << (slot - 32));
  }

  /** See `Level.nextOccupiedSlot`. */
  private nextOccupiedSlot(level: number, now: number): number {
    const lo = this.occupiedLo[level]!;
    const hi = this.occupiedHi[level]!;
    if ((lo | hi) === 0) return -1;
    const start = (((now / SLOT_RANGE[level]!) & (SLOTS - 1)) + 1) & (SLOTS - 1);
    if (start < 32) {
      const m = lo & (-1 << start);
      if (m !== 0) return ctz(m);
      if (hi !== 0) return 32 + ctz(hi);
      return ctz(lo);
    }
    const m = hi & (-1 << (start - 32));
    if (m !== 0) return 32 + ctz(m);
    if (lo !== 0) return ctz(lo);
    return 32 + ctz(hi);
  }

  /** See `Level.slotStart`. */
  private slotStart(level: number, now: number, slot: number): number {
    const levelRange = SLOT_RANGE[level + 1]!;
    const start = now - (now % levelRange) + slot * SLOT_RANGE[level]!;
    return start <= now ? start + levelRange : start;
  }

  private grow(): void {
    const size = this.where.length * 2;
    const next = new Int32Array(size);
    next.set(this.next);
    this.next = next;
    const prev = new Int32Array(size);
    prev.set(this.prev);
    this.prev = prev;
    const where = new Int16Array(size).fill(NOWHERE);
    where.set(this.where);
    this.where = where;
    const deadlines = new Float64Array(size);
    deadlines.set(this.deadlines);
    this.deadlines = deadlines;
  }
}

function ctz(x: number): number {
  return 31 - Math.clz32(x & -x);
}
