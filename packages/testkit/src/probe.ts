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
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = Atomics.load(probe, slot);
    if (value !== 0) return value;
    const left = deadline - Date.now();
    if (left <= 0) throw new Error(`probe slot ${slot} stayed 0 for ${timeoutMs} ms`);
    Atomics.wait(probe, slot, 0, Math.min(left, 100));
  }
}
