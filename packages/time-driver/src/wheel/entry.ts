/**
 * The timer node stored in the hierarchical timing wheel.
 *
 * @module
 */

/**
 * {@link TimerEntry.level} (and `where`) value of an entry that is in no list:
 * it was never scheduled, has fired, or was cancelled.
 */
export const UNLINKED = -1;

/**
 * {@link TimerEntry.level} value of an entry in the wheel's expired list: its
 * deadline has been reached and it fires on the next poll.
 */
export const PENDING = 6;

/**
 * {@link TimerEntry.where} of an entry in the expired list: the index after the
 * 6 × 64 wheel slots, so that `where >> 6` reads back {@link PENDING}.
 *
 * @internal
 */
export const PENDING_WHERE = PENDING * 64;

/**
 * One timer registered in a `TimingWheel`: a node of an intrusive,
 * circular, doubly-linked list, so that the wheel can unlink it in O(1)
 * without searching and without allocating list cells.
 *
 * Only the wheel mutates an entry. Callers read {@link deadline},
 * {@link seq}, {@link payload} and {@link isScheduled}; the link fields are
 * public only so that the wheel's modules can share them.
 *
 * @typeParam P - What the caller attaches to the timer (a waker, a callback…).
 */
export class TimerEntry<P> {
  /**
   * When the entry is due, in integer milliseconds on the wheel's clock.
   * The wheel stores the value it actually scheduled: a deadline beyond
   * `elapsed + MAX_DURATION` reads back clamped (see `TimingWheel.insert`).
   */
  declare deadline: number;

  /**
   * Insertion sequence number, unique per wheel and increasing: among equal
   * deadlines, entries fire in increasing `seq` order.
   */
  declare seq: number;

  /** The caller's data, handed back when the entry fires. */
  declare payload: P;

  /**
   * Previous node in the list this entry is in. An unlinked entry points to
   * itself, which keeps the field non-null and the unlink code branch-free.
   * @internal
   */
  declare prev: TimerEntry<P>;

  /**
   * Next node in the list this entry is in (itself when unlinked).
   * @internal
   */
  declare next: TimerEntry<P>;

  /**
   * Which list holds the entry, as one flat index: `64 · level + slot` for a
   * wheel slot (`0..383`), {@link PENDING_WHERE} for the expired list, or
   * negative when in no list. Cancel reads it to find the occupancy bit to
   * clear without recomputing the slot from the deadline.
   *
   * The wheel writes {@link UNLINKED} when it unlinks an entry and treats
   * every negative value alike, so a subclass may keep its own state of an
   * unlinked entry in values below -1 (a sleep marks itself fired with one,
   * which saves it a field).
   * @internal
   */
  declare where: number;

  /**
   * Creates an unlinked entry. Callers normally get entries from
   * `TimingWheel.insert` rather than constructing them.
   *
   * @param deadline - Due time in integer ms on the wheel's clock.
   * @param seq - Insertion sequence number.
   * @param payload - The caller's data.
   */
  constructor(deadline: number, seq: number, payload: P) {
    // Initialise every field here, in a fixed order, so that all entries share one hidden class.
    // The fields are `declare`d: a class field would first be defined as `undefined` and then
    // assigned, two stores per field on the hottest allocation of the wheel.
    this.deadline = deadline;
    this.seq = seq;
    this.payload = payload;
    this.prev = this;
    this.next = this;
    this.where = UNLINKED;
  }

  /**
   * Which list holds the entry: a wheel level `0..5`, {@link PENDING}, or {@link UNLINKED}
   * (`-1`, for every negative {@link where}).
   * @internal
   */
  get level(): number {
    return this.where >> 6;
  }

  /**
   * Slot index `0..63` within {@link level} (meaningless unless `level` is `0..5`): bits
   * `[6·level, 6·level + 6)` of the deadline.
   * @internal
   */
  get slot(): number {
    return this.where & 63;
  }

  /** Whether the entry is still waiting in a wheel (not fired, not cancelled). */
  get isScheduled(): boolean {
    return this.where >= 0;
  }
}

/**
 * Creates the sentinel (head) node of an empty circular list. Sentinels are
 * never handed to callers, so their payload is never read.
 *
 * @internal
 */
export function createSentinel<P>(): TimerEntry<P> {
  // The payload of a sentinel is never observed; the cast avoids making every
  // real entry's payload type optional.
  return new TimerEntry<P>(0, -1, undefined as P);
}

/**
 * Appends `entry` at the tail of the circular list headed by `sentinel`.
 * Appending (never prepending) is what keeps equal deadlines in FIFO order.
 *
 * @internal
 */
export function linkLast<P>(sentinel: TimerEntry<P>, entry: TimerEntry<P>): void {
  const last = sentinel.prev;
  entry.prev = last;
  entry.next = sentinel;
  last.next = entry;
  sentinel.prev = entry;
}

/**
 * Removes `entry` from whatever list it is in and makes it self-linked. Returns true if that left
 * the list empty (its neighbours were the same node: the list's sentinel, now alone).
 *
 * @internal
 */
export function unlink<P>(entry: TimerEntry<P>): boolean {
  const prev = entry.prev;
  const next = entry.next;
  prev.next = next;
  next.prev = prev;
  entry.prev = entry;
  entry.next = entry;
  return prev === next;
}
