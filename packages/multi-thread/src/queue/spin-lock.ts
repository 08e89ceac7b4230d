/**
 * A mutex on one Int32 word of shared memory (0 free, 1 held, 2 held with waiters): a few spins,
 * then `Atomics.wait` until the holder releases it. Critical sections in this package are a
 * handful of typed-array operations that never allocate, so a holder cannot die inside one
 * (short of `worker.terminate()`, which only shutdown uses).
 *
 * @internal
 * @packageDocumentation
 */

/** Acquires the lock at `words[index]`. */
export function lock(words: Int32Array, index: number): void {
  if (Atomics.compareExchange(words, index, 0, 1) === 0) return;
  lockContended(words, index);
}

function lockContended(words: Int32Array, index: number): void {
  for (let spin = 0; spin < 100; spin++) {
    if (Atomics.load(words, index) === 0 && Atomics.compareExchange(words, index, 0, 1) === 0) return;
  }
  while (Atomics.exchange(words, index, 2) !== 0) Atomics.wait(words, index, 2);
}

/** Releases the lock at `words[index]`. */
export function unlock(words: Int32Array, index: number): void {
  if (Atomics.exchange(words, index, 0) === 2) Atomics.notify(words, index, 1);
}
