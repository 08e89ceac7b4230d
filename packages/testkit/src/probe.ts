/**
 * A probe: a few Int32 counters in shared memory. Tasks receive it as an argument (it is
 * structured-cloneable and still shares its memory), so they can report what happened — "my
 * finally block ran", "I started", "I got this far" — from whichever thread runs them.
 */
export type Probe = Int32Array;

/** Creates a probe with `slots` counters, all zero. */
export function createProbe(slots = 16): Probe {
  return new Int32Array(new SharedArrayBuffer(slots * Int32Array.BYTES_PER_ELEMENT));
}

/** Adds one to counter `slot` and wakes threads waiting on it. Returns the new value. */
export function bump(probe: Probe, slot: number): number {
  const value = Atomics.add(probe, slot, 1) + 1;
  Atomics.notify(probe, slot);
  return value;
}

/** Sets counter `slot` to `value` and wakes threads waiting on it. */
export function store(probe: Probe, slot: number, value: number): void {
  Atomics.store(probe, slot, value);
  Atomics.notify(probe, slot);
}

/** Reads counter `slot`. */
export function read(probe: Probe, slot: number): number {
  return Atomics.load(probe, slot);
}

/**
 * Blocks the calling thread until counter `slot` is non-zero, for at most `timeoutMs`
 * (synchronously, with `Atomics.wait`). Returns the value, or throws if it stayed zero.
 */
export function waitNonZero(probe: Probe, slot: number, timeoutMs = 20_000): number {
  return waitUntil(probe, slot, (value) => value !== 0, 'stayed 0', timeoutMs);
}

/**
 * Blocks the calling thread until counter `slot` is at least `count`, for at most `timeoutMs`
 * (synchronously, with `Atomics.wait`). Returns the value, or throws if it stayed below.
 */
export function waitAtLeast(probe: Probe, slot: number, count: number, timeoutMs = 20_000): number {
  return waitUntil(probe, slot, (value) => value >= count, `stayed below ${count}`, timeoutMs);
}

function waitUntil(probe: Probe, slot: number, done: (value: number) => boolean, failure: string, timeoutMs: number): number {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = Atomics.load(probe, slot);
    if (done(value)) return value;
    const left = deadline - Date.now();
    if (left <= 0) throw new Error(`probe slot ${slot} ${failure} for ${timeoutMs} ms`);
    Atomics.wait(probe, slot, value, Math.min(left, 100));
  }
}
