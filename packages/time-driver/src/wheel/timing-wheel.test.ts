import { describe, it, expect } from 'vitest';
import { ArgumentRangeError } from '@tide/core';
import fc from 'fast-check';
import { TimerEntry } from './entry.js';
import { Level } from './level.js';
import { MAX_DURATION, NUM_LEVELS, TimingWheel, levelFor } from './timing-wheel.js';

// ---------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------

/** Reference level computation: index of the highest differing 6-bit group, capped at 5. */
function naiveLevel(elapsed: number, when: number): number {
  let level = 0;
  while (level < NUM_LEVELS - 1 && Math.floor(elapsed / 64 ** (level + 1)) !== Math.floor(when / 64 ** (level + 1))) {
    level++;
  }
  return level;
}

/** What nextDeadline must return when the earliest deadline `d` is in the wheel proper. */
function expectedSlotStart(elapsed: number, d: number): number {
  const level = naiveLevel(elapsed, d);
  return d - (d % 64 ** level);
}

interface Fired {
  id: string;
  deadline: number;
  at: number;
}

/** Advances `wheel` to `now`, returning what fired, with the wheel time seen by each firing. */
function run(wheel: TimingWheel<string>, now: number): Fired[] {
  const out: Fired[] = [];
  wheel.advance(now, (e) => out.push({ id: e.payload, deadline: e.deadline, at: wheel.elapsed }));
  return out;
}

/** Drives `wheel` like a runtime would: park until nextDeadline, advance, repeat until empty. */
function parkLoop(wheel: TimingWheel<string>, maxSteps = 10_000): Fired[] {
  const out: Fired[] = [];
  for (let i = 0; i < maxSteps && wheel.size > 0; i++) {
    const nd = wheel.nextDeadline();
    expect(nd).toBeDefined();
    out.push(...run(wheel, Math.max(nd!, wheel.elapsed)));
  }
  expect(wheel.size).toBe(0);
  return out;
}

const ids = (fired: Fired[]): string[] => fired.map((f) => f.id);

// ---------------------------------------------------------------------------
// Level and level selection
// ---------------------------------------------------------------------------

describe('levelFor', () => {
  it('matches the reference definition around every level boundary', () => {
    const elapsedValues = [0, 1, 63, 64, 4095, 4096, 262_143, 2 ** 24 + 5, 2 ** 30 - 1, 2 ** 32 - 1, 2 ** 32 + 7, 2 ** 36 - 3, 2 ** 40 + 12_345];
    for (const elapsed of elapsedValues) {
      for (let k = 0; k <= 36; k++) {
        for (const delta of [2 ** k - 1, 2 ** k, 2 ** k + 1]) {
          if (delta < 1 || delta > MAX_DURATION) continue;
          expect(levelFor(elapsed, elapsed + delta)).toBe(naiveLevel(elapsed, elapsed + delta));
        }
      }
    }
  });

  it('agrees with the reference on random inputs', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 50 }), fc.integer({ min: 1, max: MAX_DURATION }), (elapsed, delta) => {
        expect(levelFor(elapsed, elapsed + delta)).toBe(naiveLevel(elapsed, elapsed + delta));
      }),
    );
  });
});

describe('Level', () => {
  it('finds the next occupied slot with wrap-around, across both 32-bit halves', () => {
    const level = new Level<string>(0);
    expect(level.nextOccupiedSlot(0)).toBe(-1);
    expect(level.nextExpiration(0)).toBeUndefined();
    const a = new TimerEntry(5, 0, 'a');
    const b = new TimerEntry(40, 1, 'b');
    const c = new TimerEntry(63, 2, 'c');
    level.push(a);
    level.push(b);
    level.push(c);
    expect(level.nextOccupiedSlot(0)).toBe(5);
    expect(level.nextOccupiedSlot(6)).toBe(40);
    expect(level.nextOccupiedSlot(41)).toBe(63);
    expect(level.nextOccupiedSlot(64 + 6)).toBe(40); // same slots, next rotation
    level.remove(c);
    expect(level.nextOccupiedSlot(41)).toBe(5); // wraps around to the low half
    level.remove(a);
    expect(level.nextOccupiedSlot(41)).toBe(40); // wraps within the high half
    level.remove(b);
    expect(level.isEmpty()).toBe(true);
  });

  it("scans the current slot last (a top-level entry there is a rotation ahead)", () => {
    const level = new Level<string>(5);
    const far = new TimerEntry(64 * 2 ** 30 + 5 * 2 ** 30, 0, 'far'); // slot 5, next rotation
    const near = new TimerEntry(7 * 2 ** 30, 1, 'near'); // slot 7, this rotation
    level.push(far);
    level.push(near);
    const now = 5 * 2 ** 30 + 123;
    expect(level.nextOccupiedSlot(now)).toBe(7);
    expect(level.nextExpiration(now)).toBe(7 * 2 ** 30);
    level.remove(near);
    expect(level.nextOccupiedSlot(now)).toBe(5);
    expect(level.nextExpiration(now)).toBe(64 * 2 ** 30 + 5 * 2 ** 30);
  });

  it('computes slot start times on higher levels', () => {
    const level = new Level<string>(2); // 4096 ms slots, 262144 ms range
    level.push(new TimerEntry(3 * 4096 + 17, 0, 'x'));
    expect(level.nextExpiration(100)).toBe(3 * 4096);
    expect(level.nextExpiration(262_144 + 100)).toBe(262_144 + 3 * 4096);
  });

  it('moves a slot to another list in order', () => {
    const level = new Level<string>(0);
    const entries = [1, 2, 3].map((i) => new TimerEntry(7, i, `e${i}`));
    for (const e of entries) level.push(e);
    const target = new TimerEntry<string>(0, -1, 'sentinel');
    level.moveSlotTo(7, target);
    expect(level.isEmpty()).toBe(true);
    const seen: string[] = [];
    for (let e = target.next; e !== target; e = e.next) seen.push(e.payload);
    expect(seen).toEqual(['e1', 'e2', 'e3']);
  });
});

// ---------------------------------------------------------------------------
// TimingWheel unit tests
// ---------------------------------------------------------------------------

describe('TimingWheel basics', () => {
  it('starts empty', () => {
    const wheel = new TimingWheel<string>();
    expect(wheel.size).toBe(0);
    expect(wheel.elapsed).toBe(0);
    expect(wheel.nextDeadline()).toBeUndefined();
    expect(run(wheel, 1000)).toEqual([]);
    expect(wheel.elapsed).toBe(1000);
  });

  it('fires in deadline order, each at exactly its deadline', () => {
    const wheel = new TimingWheel<string>();
    const deadlines = [500, 3, 70_000, 64, 1, 4096, 63, 65, 10_000_000, 262_144, 4095];
    for (const d of deadlines) wheel.insert(d, `d${d}`);
    expect(wheel.size).toBe(deadlines.length);
    const fired = run(wheel, 20_000_000);
    const sorted = [...deadlines].sort((a, b) => a - b);
    expect(ids(fired)).toEqual(sorted.map((d) => `d${d}`));
    for (const f of fired) expect(f.at).toBe(f.deadline);
    expect(wheel.size).toBe(0);
    expect(wheel.elapsed).toBe(20_000_000);
  });

  it('only fires entries due at or before now', () => {
    const wheel = new TimingWheel<string>();
    wheel.insert(10, 'a');
    wheel.insert(11, 'b');
    expect(ids(run(wheel, 9))).toEqual([]);
    expect(ids(run(wheel, 10))).toEqual(['a']);
    expect(wheel.elapsed).toBe(10);
    expect(ids(run(wheel, 11))).toEqual(['b']);
  });

  it('fires equal deadlines in insertion order, interleaved with other deadlines', () => {
    const wheel = new TimingWheel<string>();
    const expected: string[] = [];
    for (let i = 0; i < 20; i++) {
      wheel.insert(100, `x${i}`);
      wheel.insert(50 + i, `y${i}`);
    }
    for (let i = 0; i < 20; i++) expected.push(`y${i}`);
    for (let i = 0; i < 20; i++) expected.push(`x${i}`);
    expect(ids(run(wheel, 1000))).toEqual(expected);
  });

  it('seq increases with insertion', () => {
    const wheel = new TimingWheel<string>();
    const a = wheel.insert(5, 'a');
    const b = wheel.insert(1, 'b');
    expect(b.seq).toBeGreaterThan(a.seq);
  });

  it('rejects NaN and fractional deadlines and times', () => {
    const wheel = new TimingWheel<string>();
    expect(() => wheel.insert(Number.NaN, 'x')).toThrow(ArgumentRangeError);
    expect(() => wheel.insert(1.5, 'x')).toThrow(ArgumentRangeError);
    expect(() => wheel.advance(Number.NaN, () => {})).toThrow(ArgumentRangeError);
    expect(() => wheel.advance(2.5, () => {})).toThrow(ArgumentRangeError);
    expect(() => wheel.poll(Infinity)).toThrow(ArgumentRangeError);
    expect(wheel.size).toBe(0);
  });

  it('never moves time backwards', () => {
    const wheel = new TimingWheel<string>();
    run(wheel, 500);
    wheel.insert(600, 'a');
    expect(run(wheel, 100)).toEqual([]);
    expect(wheel.elapsed).toBe(500);
    expect(ids(run(wheel, 600))).toEqual(['a']);
  });
});

describe('already expired entries', () => {
  it('fire on the next poll, even without time passing, after earlier expired ones', () => {
    const wheel = new TimingWheel<string>();
    run(wheel, 1000);
    wheel.insert(1000, 'now');
    wheel.insert(3, 'past');
    wheel.insert(-Infinity, 'minus-infinity');
    wheel.insert(1001, 'future');
    const nd = wheel.nextDeadline();
    expect(nd).toBeDefined();
    expect(nd!).toBeLessThanOrEqual(3);
    expect(ids(run(wheel, 1000))).toEqual(['now', 'past', 'minus-infinity']);
    expect(wheel.nextDeadline()).toBe(1001);
    expect(ids(run(wheel, 5000))).toEqual(['future']);
  });

  it('fire before wheel entries in the same advance', () => {
    const wheel = new TimingWheel<string>();
    run(wheel, 10);
    wheel.insert(11, 'wheel');
    wheel.insert(5, 'expired');
    expect(ids(run(wheel, 20))).toEqual(['expired', 'wheel']);
  });

  it('can be cancelled, and nextDeadline forgets them', () => {
    const wheel = new TimingWheel<string>();
    run(wheel, 100);
    const e = wheel.insert(50, 'x');
    wheel.insert(5000, 'later');
    expect(wheel.nextDeadline()).toBe(50);
    expect(wheel.cancel(e)).toBe(true);
    expect(wheel.nextDeadline()).toBe(4096);
    expect(ids(run(wheel, 100))).toEqual([]);
    // The bound restarts from scratch once the expired list has emptied.
    wheel.insert(70, 'y');
    expect(wheel.nextDeadline()).toBe(70);
    expect(ids(run(wheel, 100))).toEqual(['y']);
    wheel.insert(80, 'z');
    expect(wheel.nextDeadline()).toBe(80);
  });
});

describe('cancel', () => {
  it('is O(1), idempotent and keeps size right', () => {
    const wheel = new TimingWheel<string>();
    const a = wheel.insert(10, 'a');
    const b = wheel.insert(10, 'b');
    const c = wheel.insert(100_000, 'c');
    expect(wheel.size).toBe(3);
    expect(a.isScheduled).toBe(true);
    expect(wheel.cancel(a)).toBe(true);
    expect(a.isScheduled).toBe(false);
    expect(wheel.size).toBe(2);
    expect(wheel.cancel(a)).toBe(false);
    expect(wheel.size).toBe(2);
    expect(wheel.cancel(c)).toBe(true);
    expect(wheel.size).toBe(1);
    expect(wheel.nextDeadline()).toBe(10);
    expect(ids(run(wheel, 200_000))).toEqual(['b']);
    expect(b.isScheduled).toBe(false);
    expect(wheel.size).toBe(0);
    expect(wheel.nextDeadline()).toBeUndefined();
  });

  it('after fire is a no-op', () => {
    const wheel = new TimingWheel<string>();
    const a = wheel.insert(5, 'a');
    wheel.insert(6, 'b');
    run(wheel, 5);
    expect(a.isScheduled).toBe(false);
    expect(wheel.cancel(a)).toBe(false);
    expect(wheel.size).toBe(1);
    expect(ids(run(wheel, 6))).toEqual(['b']);
  });

  it('of the last entry in a slot clears it, on every level', () => {
    const wheel = new TimingWheel<string>();
    for (const d of [5, 100, 5000, 300_000, 20_000_000, 2_000_000_000]) {
      const e = wheel.insert(d, `d${d}`);
      expect(wheel.nextDeadline()).toBe(expectedSlotStart(0, d));
      wheel.cancel(e);
      expect(wheel.nextDeadline()).toBeUndefined();
    }
    expect(run(wheel, MAX_DURATION)).toEqual([]);
  });
});

describe('far-future clamp', () => {
  it('clamps deadlines beyond elapsed + MAX_DURATION', () => {
    const wheel = new TimingWheel<string>();
    run(wheel, 12_345);
    const far = wheel.insert(12_345 + 2 ** 40, 'far');
    const inf = wheel.insert(Infinity, 'inf');
    const exact = wheel.insert(12_345 + MAX_DURATION, 'exact');
    expect(far.deadline).toBe(12_345 + MAX_DURATION);
    expect(inf.deadline).toBe(12_345 + MAX_DURATION);
    expect(exact.deadline).toBe(12_345 + MAX_DURATION);
    expect(run(wheel, 12_345 + MAX_DURATION - 1)).toEqual([]);
    const fired = run(wheel, 12_345 + MAX_DURATION);
    expect(ids(fired)).toEqual(['far', 'inf', 'exact']); // FIFO among the clamped ones
    for (const f of fired) expect(f.at).toBe(12_345 + MAX_DURATION);
  });

  it('clamps relative to the current time, which moves', () => {
    const wheel = new TimingWheel<string>();
    const a = wheel.insert(Infinity, 'a');
    run(wheel, 1000);
    const b = wheel.insert(Infinity, 'b');
    expect(a.deadline).toBe(MAX_DURATION);
    expect(b.deadline).toBe(1000 + MAX_DURATION);
    expect(ids(parkLoop(wheel))).toEqual(['a', 'b']);
  });

  it('uses the top level as a ring when the deadline wraps around it', () => {
    const wheel = new TimingWheel<string>();
    // Start just before a top-level slot boundary so that the far deadline maps
    // to a top-level slot at or before the current one.
    const start = 5 * 2 ** 30 + 123;
    run(wheel, start);
    const e = wheel.insert(start + MAX_DURATION, 'wrap');
    const near = wheel.insert(start + 2 ** 31, 'near');
    expect(e.level).toBe(5);
    expect(e.slot).toBe(5); // same slot index as `start`, one rotation ahead
    expect(wheel.nextDeadline()).toBe(7 * 2 ** 30);
    const fired = parkLoop(wheel);
    expect(ids(fired)).toEqual(['near', 'wrap']);
    expect(fired.map((f) => f.at)).toEqual([near.deadline, e.deadline]);
  });
});

describe('cascading', () => {
  const boundaries = [64, 4096, 262_144, 2 ** 24, 2 ** 30];

  for (const b of boundaries) {
    it(`fires around the level boundary ${b} at the exact deadlines`, () => {
      for (const offset of [0, 1, 63, b - 1, 3 * b + 17]) {
        const wheel = new TimingWheel<string>();
        run(wheel, offset);
        const deadlines = [b - 1, b, b + 1, 2 * b - 1, 2 * b, 64 * b - 1]
          .map((d) => offset + d)
          .filter((d) => d > offset && d - offset <= MAX_DURATION);
        for (const d of deadlines) wheel.insert(d, `d${d}`);
        // One big jump...
        const jump = run(wheel, offset + 64 * b);
        expect(ids(jump)).toEqual(deadlines.map((d) => `d${d}`));
        for (const f of jump) expect(f.at).toBe(f.deadline);
        // ...and a runtime-style park loop give the same result.
        const wheel2 = new TimingWheel<string>();
        run(wheel2, offset);
        for (const d of deadlines) wheel2.insert(d, `d${d}`);
        const stepped = parkLoop(wheel2);
        expect(stepped).toEqual(jump);
      }
    });
  }

  it('fires at the maximum duration', () => {
    const wheel = new TimingWheel<string>();
    wheel.insert(MAX_DURATION, 'max');
    wheel.insert(MAX_DURATION - 1, 'max-1');
    wheel.insert(2 ** 35, 'half');
    const fired = parkLoop(wheel);
    expect(ids(fired)).toEqual(['half', 'max-1', 'max']);
    for (const f of fired) expect(f.at).toBe(f.deadline);
  });

  it('nextDeadline tightens level by level towards the true deadline', () => {
    const wheel = new TimingWheel<string>();
    const d = 3 * 2 ** 30 + 5 * 2 ** 24 + 7 * 262_144 + 11 * 4096 + 13 * 64 + 17;
    wheel.insert(d, 'x');
    const bounds: number[] = [];
    for (;;) {
      const nd = wheel.nextDeadline();
      if (nd === undefined) break;
      expect(nd).toBeLessThanOrEqual(d);
      bounds.push(nd);
      run(wheel, nd);
    }
    expect(bounds).toEqual([
      d - (d % 2 ** 30),
      d - (d % 2 ** 24),
      d - (d % 262_144),
      d - (d % 4096),
      d - (d % 64),
      d,
    ]);
  });

  // Equal deadlines inserted at different times sit on different levels at
  // insertion, yet must fire in insertion order after cascading.
  for (const level of [1, 2, 3, 4, 5]) {
    it(`keeps FIFO among equal deadlines cascading down from level ${level}`, () => {
      const wheel = new TimingWheel<string>();
      const span = 64 ** level;
      const d = 2 * span + 37; // deep inside a level-`level` slot, not at its start
      const order: string[] = [];
      let n = 0;
      const add = (deadline: number): void => {
        const id = `e${n++}`;
        wheel.insert(deadline, id);
        if (deadline === d) order.push(id);
      };
      // Insert a copy of `d` (plus a decoy just after) at successive times that
      // sit at every lower level relative to `d`.
      const times = [0];
      for (let l = level; l >= 1; l--) times.push(d - (d % 64 ** l));
      times.push(d - 1);
      for (const t of times) {
        run(wheel, t);
        add(d);
        add(d + 1);
        add(d);
      }
      const fired = run(wheel, d);
      expect(ids(fired)).toEqual(order);
      for (const f of fired) expect(f.at).toBe(d);
    });
  }
});

describe('re-entrancy', () => {
  it('allows inserts during fire: past, same instant and later within the window', () => {
    const wheel = new TimingWheel<string>();
    wheel.insert(10, 'a');
    wheel.insert(10, 'b');
    wheel.insert(40, 'c');
    const fired: Fired[] = [];
    wheel.advance(50, (e) => {
      fired.push({ id: e.payload, deadline: e.deadline, at: wheel.elapsed });
      if (e.payload === 'a') {
        wheel.insert(20, 'a-20'); // inside the window: fires in this advance
        wheel.insert(10, 'a-10'); // due now: after the other deadline-10 entries
        wheel.insert(3, 'a-3'); // in the past: same
        wheel.insert(40, 'a-40'); // equal to c's deadline: after c
        wheel.insert(51, 'a-51'); // outside the window
        wheel.insert(5000, 'a-5000');
      }
    });
    expect(ids(fired)).toEqual(['a', 'b', 'a-10', 'a-3', 'a-20', 'c', 'a-40']);
    expect(wheel.size).toBe(2);
    expect(wheel.elapsed).toBe(50);
    expect(ids(run(wheel, 10_000))).toEqual(['a-51', 'a-5000']);
  });

  it('allows cancels during fire, of pending and of wheel entries', () => {
    const wheel = new TimingWheel<string>();
    const entries = new Map<string, TimerEntry<string>>();
    for (const [d, id] of [
      [10, 'a'],
      [10, 'b'],
      [10, 'c'],
      [30, 'd'],
      [5000, 'e'],
      [5000, 'f'],
    ] as const) {
      entries.set(id, wheel.insert(d, id));
    }
    let results: boolean[] = [];
    const fired = ids(
      (() => {
        const out: Fired[] = [];
        wheel.advance(10_000, (e) => {
          out.push({ id: e.payload, deadline: e.deadline, at: wheel.elapsed });
          if (e.payload === 'a') {
            results = [
              wheel.cancel(entries.get('a')!), // itself: already fired
              wheel.cancel(entries.get('b')!), // in the pending batch
              wheel.cancel(entries.get('d')!), // on level 0
              wheel.cancel(entries.get('e')!), // on a higher level
            ];
          }
        });
        return out;
      })(),
    );
    expect(results).toEqual([false, true, true, true]);
    expect(fired).toEqual(['a', 'c', 'f']);
    expect(wheel.size).toBe(0);
  });

  it('allows rescheduling the firing entry (periodic timer without allocation)', () => {
    const wheel = new TimingWheel<string>();
    const tick = wheel.insert(100, 'tick');
    const at: number[] = [];
    wheel.advance(1000, (e) => {
      at.push(wheel.elapsed);
      if (at.length < 5) wheel.reschedule(e, e.deadline + 150);
    });
    expect(at).toEqual([100, 250, 400, 550, 700]);
    expect(tick.isScheduled).toBe(false);
    expect(wheel.size).toBe(0);
  });

  it('stays consistent when fire throws', () => {
    const wheel = new TimingWheel<string>();
    wheel.insert(1, 'a');
    wheel.insert(2, 'boom');
    wheel.insert(3, 'c');
    const seen: string[] = [];
    expect(() =>
      wheel.advance(10, (e) => {
        seen.push(e.payload);
        if (e.payload === 'boom') throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(seen).toEqual(['a', 'boom']);
    expect(wheel.size).toBe(1);
    expect(wheel.elapsed).toBe(2);
    expect(ids(run(wheel, 10))).toEqual(['c']);
  });
});

describe('poll, reschedule and drain', () => {
  it('poll hands out due entries one at a time', () => {
    const wheel = new TimingWheel<string>();
    wheel.insert(5, 'a');
    wheel.insert(5, 'b');
    wheel.insert(9, 'c');
    expect(wheel.poll(7)?.payload).toBe('a');
    expect(wheel.elapsed).toBe(5);
    expect(wheel.size).toBe(2);
    expect(wheel.poll(7)?.payload).toBe('b');
    expect(wheel.poll(7)).toBeUndefined();
    expect(wheel.elapsed).toBe(7);
    expect(wheel.poll(9)?.payload).toBe('c');
  });

  it('reschedule moves a live entry and requeues it after equal deadlines', () => {
    const wheel = new TimingWheel<string>();
    const a = wheel.insert(10, 'a');
    wheel.insert(20, 'b');
    const seq = a.seq;
    wheel.reschedule(a, 20);
    expect(a.seq).toBeGreaterThan(seq);
    expect(wheel.size).toBe(2);
    expect(ids(run(wheel, 100))).toEqual(['b', 'a']);
    expect(() => wheel.reschedule(a, Number.NaN)).toThrow(ArgumentRangeError);
  });

  it('drain removes everything and allows re-entry', () => {
    const wheel = new TimingWheel<string>();
    run(wheel, 100);
    for (const d of [50, 150, 5000, 1_000_000, 2 ** 33]) wheel.insert(d, `d${d}`);
    const seen: string[] = [];
    wheel.drain((e) => {
      seen.push(e.payload);
      expect(e.isScheduled).toBe(false);
      expect(wheel.cancel(e)).toBe(false);
    });
    expect(seen.sort()).toEqual(['d1000000', 'd150', 'd5000', 'd50', `d${2 ** 33}`].sort());
    expect(wheel.size).toBe(0);
    expect(wheel.nextDeadline()).toBeUndefined();
    wheel.insert(200, 'again');
    expect(ids(run(wheel, 200))).toEqual(['again']);
  });

  it('drain tolerates visit cancelling, inserting and polling', () => {
    const wheel = new TimingWheel<string>();
    const victim = wheel.insert(5000, 'victim');
    wheel.insert(100, 'a');
    wheel.insert(70_000, 'b');
    const seen: string[] = [];
    let cancelled: boolean | undefined;
    wheel.drain((e) => {
      seen.push(e.payload);
      if (e.payload === 'a') {
        cancelled = wheel.cancel(victim);
        wheel.insert(300, 'late'); // drained too
        expect(wheel.poll(50)).toBeUndefined();
      }
    });
    expect(cancelled).toBe(true);
    expect(seen).toEqual(['a', 'late', 'b']);
    expect(wheel.size).toBe(0);
    expect(wheel.nextDeadline()).toBeUndefined();
    wheel.insert(4000, 'after');
    expect(parkLoop(wheel).map((f) => [f.id, f.at])).toEqual([['after', 4000]]);
  });
});

// ---------------------------------------------------------------------------
// Model-based property test
// ---------------------------------------------------------------------------

type Action = { kind: 'insert'; delta: number } | { kind: 'cancel'; pick: number };

type Command =
  | { kind: 'insert'; delta: number; actions: Action[] }
  | { kind: 'cancel'; pick: number }
  | { kind: 'advance'; delta: number }
  | { kind: 'back'; delta: number }
  | { kind: 'park' };

/** A fired entry, with the clock value observed while it fired. */
type Log = [id: number, at: number];

/** The common surface of the wheel and of the model, driven by the same commands. */
interface System {
  readonly elapsed: number;
  readonly size: number;
  readonly log: Log[];
  insert(deadline: number, actions: Action[]): void;
  /** Cancels the `pick % created`-th entry ever created (possibly fired already). */
  cancel(pick: number): boolean;
  advance(now: number): void;
}

interface Payload {
  id: number;
  actions: Action[];
}

class WheelSystem implements System {
  readonly wheel = new TimingWheel<Payload>();
  readonly log: Log[] = [];
  private readonly created: TimerEntry<Payload>[] = [];

  get elapsed(): number {
    return this.wheel.elapsed;
  }
  get size(): number {
    return this.wheel.size;
  }
  insert(deadline: number, actions: Action[]): void {
    this.created.push(this.wheel.insert(deadline, { id: this.created.length, actions }));
  }
  cancel(pick: number): boolean {
    if (this.created.length === 0) return false;
    return this.wheel.cancel(this.created[pick % this.created.length]!);
  }
  advance(now: number): void {
    this.wheel.advance(now, (e) => {
      this.log.push([e.payload.id, this.wheel.elapsed]);
      for (const a of e.payload.actions) {
        if (a.kind === 'insert') this.insert(this.wheel.elapsed + a.delta, []);
        else this.cancel(a.pick);
      }
    });
  }
}

interface ModelEntry {
  id: number;
  deadline: number;
  /** When it is due on the model's clock: its deadline, or the time of insertion if already past. */
  key: number;
  seq: number;
  actions: Action[];
  live: boolean;
}

/** Obviously-correct reference: a flat list scanned for the minimum (key, seq). */
class ModelSystem implements System {
  elapsed = 0;
  readonly log: Log[] = [];
  private readonly created: ModelEntry[] = [];
  private live: ModelEntry[] = [];

  get size(): number {
    return this.live.length;
  }
  insert(deadline: number, actions: Action[]): void {
    const clamped = Math.min(deadline, this.elapsed + MAX_DURATION);
    const entry: ModelEntry = {
      id: this.created.length,
      deadline: clamped,
      key: Math.max(clamped, this.elapsed),
      seq: this.created.length,
      actions,
      live: true,
    };
    this.created.push(entry);
    this.live.push(entry);
  }
  cancel(pick: number): boolean {
    if (this.created.length === 0) return false;
    const entry = this.created[pick % this.created.length]!;
    if (!entry.live) return false;
    entry.live = false;
    this.live = this.live.filter((e) => e !== entry);
    return true;
  }
  advance(now: number): void {
    const target = Math.max(now, this.elapsed);
    for (;;) {
      let best: ModelEntry | undefined;
      for (const e of this.live) {
        if (e.key <= target && (best === undefined || e.key < best.key || (e.key === best.key && e.seq < best.seq))) {
          best = e;
        }
      }
      if (best === undefined) break;
      best.live = false;
      this.live = this.live.filter((e) => e !== best);
      this.elapsed = Math.max(this.elapsed, best.key);
      this.log.push([best.id, this.elapsed]);
      for (const a of best.actions) {
        if (a.kind === 'insert') this.insert(this.elapsed + a.delta, []);
        else this.cancel(a.pick);
      }
    }
    this.elapsed = target;
  }
  /** Live deadlines (for nextDeadline checks). */
  deadlines(): number[] {
    return this.live.map((e) => e.deadline);
  }
}

/** Deltas spread over every level, plus some beyond the maximum and some in the past. */
const deltaArb = fc.oneof(
  fc.integer({ min: -100, max: 0 }),
  fc.integer({ min: 1, max: 70 }),
  fc.integer({ min: 60, max: 5000 }),
  fc.integer({ min: 4000, max: 300_000 }),
  fc.integer({ min: 200_000, max: 2 ** 25 }),
  fc.integer({ min: 2 ** 24, max: 2 ** 31 }),
  fc.integer({ min: 2 ** 30, max: 2 ** 37 }),
  fc.constantFrom(63, 64, 65, 4095, 4096, 4097, 262_144, 2 ** 24, 2 ** 30, MAX_DURATION, MAX_DURATION + 1),
);

/** Advance steps: mostly small, sometimes across levels, sometimes huge. */
const stepArb = fc.oneof(
  { weight: 4, arbitrary: fc.integer({ min: 0, max: 70 }) },
  { weight: 2, arbitrary: fc.integer({ min: 0, max: 5000 }) },
  { weight: 2, arbitrary: fc.integer({ min: 0, max: 300_000 }) },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: 2 ** 31 }) },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: 2 ** 37 }) },
);

const actionArb: fc.Arbitrary<Action> = fc.oneof(
  fc.record({ kind: fc.constant('insert' as const), delta: deltaArb }),
  fc.record({ kind: fc.constant('cancel' as const), pick: fc.nat() }),
);

const commandArb: fc.Arbitrary<Command> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record({
      kind: fc.constant('insert' as const),
      delta: deltaArb,
      actions: fc.array(actionArb, { maxLength: 3 }),
    }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('cancel' as const), pick: fc.nat() }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('advance' as const), delta: stepArb }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('back' as const), delta: fc.integer({ min: 1, max: 100 }) }) },
  { weight: 2, arbitrary: fc.constant({ kind: 'park' as const }) },
);

function apply(sys: System, cmd: Command, parkAt: number | undefined): unknown {
  switch (cmd.kind) {
    case 'insert':
      sys.insert(sys.elapsed + cmd.delta, cmd.actions);
      return undefined;
    case 'cancel':
      return sys.cancel(cmd.pick);
    case 'advance':
      sys.advance(sys.elapsed + cmd.delta);
      return undefined;
    case 'back':
      sys.advance(Math.max(0, sys.elapsed - cmd.delta));
      return undefined;
    case 'park':
      // What a runtime does: sleep until the wheel's next deadline, then advance.
      if (parkAt !== undefined) sys.advance(Math.max(0, parkAt));
      return undefined;
  }
}

/** nextDeadline must be a lower bound of the true earliest deadline, with the documented precision. */
function checkNextDeadline(wheel: TimingWheel<Payload>, model: ModelSystem): void {
  const nd = wheel.nextDeadline();
  const deadlines = model.deadlines();
  if (deadlines.length === 0) {
    expect(nd).toBeUndefined();
    return;
  }
  expect(nd).toBeDefined();
  const min = Math.min(...deadlines);
  expect(nd!).toBeLessThanOrEqual(min);
  if (min <= model.elapsed) {
    // Something is already due.
    expect(nd!).toBeLessThanOrEqual(model.elapsed);
  } else {
    expect(nd!).toBe(expectedSlotStart(model.elapsed, min));
    expect(nd!).toBeGreaterThan(model.elapsed);
  }
}

describe('TimingWheel vs sorted model (property)', () => {
  it('fires the same entries in the same order at the same times, with consistent nextDeadline', () => {
    fc.assert(
      fc.property(fc.array(commandArb, { maxLength: 80 }), (commands) => {
        const w = new WheelSystem();
        const m = new ModelSystem();
        for (const cmd of commands) {
          const parkAt = w.wheel.nextDeadline();
          const rw = apply(w, cmd, parkAt);
          const rm = apply(m, cmd, parkAt);
          expect(rw).toEqual(rm);
          expect(w.log).toEqual(m.log);
          expect(w.elapsed).toBe(m.elapsed);
          expect(w.size).toBe(m.size);
          checkNextDeadline(w.wheel, m);
        }
        // Drain everything with a park loop and compare the full history.
        for (let i = 0; i < 1000 && w.size > 0; i++) {
          const parkAt = w.wheel.nextDeadline();
          apply(w, { kind: 'park' }, parkAt);
          apply(m, { kind: 'park' }, parkAt);
          expect(w.elapsed).toBe(m.elapsed);
          checkNextDeadline(w.wheel, m);
        }
        expect(w.size).toBe(0);
        expect(m.size).toBe(0);
        expect(w.log).toEqual(m.log);
      }),
      { numRuns: 400 },
    );
  });

  it('agrees with the model when many entries share few deadlines (FIFO stress)', () => {
    const fewDeadlines = fc.constantFrom(1, 63, 64, 100, 4096, 5000, 262_144, 300_000, 2 ** 24 + 9, 2 ** 30 + 3);
    const cmd: fc.Arbitrary<Command> = fc.oneof(
      {
        weight: 6,
        arbitrary: fc.record({
          kind: fc.constant('insert' as const),
          // Absolute deadlines expressed as deltas at the time of the command.
          delta: fewDeadlines,
          actions: fc.array(actionArb, { maxLength: 2 }),
        }),
      },
      { weight: 1, arbitrary: fc.record({ kind: fc.constant('cancel' as const), pick: fc.nat() }) },
      { weight: 2, arbitrary: fc.record({ kind: fc.constant('advance' as const), delta: fc.integer({ min: 0, max: 70_000 }) }) },
      { weight: 2, arbitrary: fc.constant({ kind: 'park' as const }) },
    );
    fc.assert(
      fc.property(fc.array(cmd, { maxLength: 120 }), (commands) => {
        const w = new WheelSystem();
        const m = new ModelSystem();
        for (const c of commands) {
          // Map the delta to a fixed absolute deadline so equal deadlines recur
          // while the clock moves (entries land on different levels).
          const fixed = c.kind === 'insert' ? { ...c, delta: c.delta - w.elapsed } : c;
          const parkAt = w.wheel.nextDeadline();
          expect(apply(w, fixed, parkAt)).toEqual(apply(m, fixed, parkAt));
          expect(w.log).toEqual(m.log);
          checkNextDeadline(w.wheel, m);
        }
        // Re-entrant inserts may reach MAX_DURATION ahead, and so on: drain in big jumps.
        for (let i = 0; i < 100 && (w.size > 0 || m.size > 0); i++) {
          w.advance(w.elapsed + 2 ** 37);
          m.advance(m.elapsed + 2 ** 37);
        }
        expect(w.log).toEqual(m.log);
        expect(w.size).toBe(0);
        expect(m.size).toBe(0);
      }),
      { numRuns: 300 },
    );
  });
});
