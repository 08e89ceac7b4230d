// ---------------------------------------------------------------------------------------------
// CORE CANDIDATE: runtime ids must be unique across flavors in one process ("two handles of one
// runtime have the same id; different runtimes have different ids"), but each flavor counts on
// its own (current-thread starts at 1 too). Core should export `allocateRuntimeId()` from
// `@tide/core/driver` and every flavor use it. Until then this counter is shared through a
// global symbol, so at least every package that adopts it draws from one sequence.
// ---------------------------------------------------------------------------------------------

const KEY = Symbol.for('tide.nextRuntimeId');

/** A process-unique runtime id (per thread; workers receive their runtime's id from the owner). */
export function allocateRuntimeId(): number {
  const store = globalThis as unknown as Record<symbol, number | undefined>;
  // Multi-thread ids start high so they never collide with current-thread's own counter.
  const id = store[KEY] ?? 1_000_001;
  store[KEY] = id + 1;
  return id;
}
