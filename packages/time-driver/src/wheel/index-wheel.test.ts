import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { IndexWheel } from './index-wheel.js';
import { MAX_DURATION, TimingWheel } from './timing-wheel.js';
import type { TimerEntry } from './entry.js';

type Op =
  | { readonly kind: 'insert'; readonly delta: number }
  | { readonly kind: 'cancel'; readonly pick: number }
  | { readonly kind: 'advance'; readonly by: number }
  | { readonly kind: 'park' };

const deltas = fc.oneof(
  fc.integer({ min: -5, max: 70 }),
  fc.integer({ min: 0, max: 5_000 }),
  fc.integer({ min: 0, max: 300_000 }),
  fc.integer({ min: 0, max: 2 ** 31 }),
  fc.constantFrom(MAX_DURATION, MAX_DURATION + 10, 2 ** 40),
);

const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 5, arbitrary: deltas.map((delta) => ({ kind: 'insert' as const, delta })) },
  { weight: 2, arbitrary: fc.nat().map((pick) => ({ kind: 'cancel' as const, pick })) },
  { weight: 2, arbitrary: fc.oneof(fc.integer({ min: 0, max: 100 }), fc.integer({ min: 0, max: 100_000 })).map((by) => ({ kind: 'advance' as const, by })) },
  { weight: 1, arbitrary: fc.constant({ kind: 'park' as const }) },
);

/** Runs the same operations on the object wheel (the reference) and the index wheel. */
function compare(ops: readonly Op[]): void {
  const reference = new TimingWheel<number>();
  const wheel = new IndexWheel<{ n: number }>(4);
  const live: { n: number; entry: TimerEntry<number>; id: number; payload: { n: number } }[] = [];
  let n = 0;
  let now = 0;
  const check = (): void => {
    expect(wheel.size).toBe(reference.size);
    expect(wheel.elapsed).toBe(reference.elapsed);
    expect(wheel.nextDeadline()).toBe(reference.nextDeadline());
  };
  const fire = (to: number): void => {
    const expected: number[] = [];
    const got: number[] = [];
    reference.advance(to, (e) => expected.push(e.payload));
    wheel.advance(to, (p) => got.push(p.n));
    expect(got).toEqual(expected);
    for (const k of expected) live.splice(live.findIndex((t) => t.n === k), 1);
  };
  for (const o of ops) {
    if (o.kind === 'insert') {
      const deadline = reference.elapsed + o.delta;
      const payload = { n };
      live.push({ n, entry: reference.insert(deadline, n), id: wheel.insert(deadline, payload), payload });
      n++;
    } else if (o.kind === 'cancel') {
      if (live.length === 0) continue;
      const [t] = live.splice(o.pick % live.length, 1);
      expect(wheel.cancel(t!.id, t!.payload)).toBe(reference.cancel(t!.entry));
      // A second cancel of the same (now recycled) id cancels nothing.
      expect(wheel.cancel(t!.id, t!.payload)).toBe(false);
    } else if (o.kind === 'advance') {
      now = Math.max(now, reference.elapsed) + o.by;
      fire(now);
    } else {
      const next = reference.nextDeadline();
      if (next !== undefined) fire(Math.max(next, reference.elapsed));
    }
    check();
  }
  // Drain both: same payloads, in the same order.
  const expected: number[] = [];
  const got: number[] = [];
  reference.drain((e) => expected.push(e.payload));
  wheel.drain((p) => got.push(p.n));
  expect(got).toEqual(expected);
  expect(wheel.size).toBe(0);
}

describe('IndexWheel', () => {
  it('fires, parks and drains exactly like the object TimingWheel (property)', () => {
    fc.assert(fc.property(fc.array(op, { maxLength: 200 }), (ops) => compare(ops)), { numRuns: 300 });
  });

  it('recycles ids and grows past its initial capacity', () => {
    const wheel = new IndexWheel<number>(2);
    const ids = Array.from({ length: 1000 }, (_, i) => wheel.insert(1 + (i % 100), i));
    expect(new Set(ids).size).toBe(1000);
    for (let i = 0; i < 1000; i += 2) expect(wheel.cancel(ids[i]!, i)).toBe(true);
    const fired: number[] = [];
    wheel.advance(1000, (p) => fired.push(p));
    expect(fired).toHaveLength(500);
    expect(wheel.size).toBe(0);
    const again = wheel.insert(5, -1);
    expect(ids).toContain(again);
  });

  it('a stale id does not cancel the timer that reuses it', () => {
    const wheel = new IndexWheel<string>();
    const a = wheel.insert(10, 'a');
    expect(wheel.cancel(a, 'a')).toBe(true);
    const b = wheel.insert(20, 'b');
    expect(b).toBe(a);
    expect(wheel.cancel(a, 'a')).toBe(false);
    expect(wheel.size).toBe(1);
  });

  it('rejects a non-integer time', () => {
    expect(() => new IndexWheel<number>().advance(1.5, () => {})).toThrow(RangeError);
  });
});
