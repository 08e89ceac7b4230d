// Helpers shared by the tests. Tests import the package by its own name, so they (and the
// reactor thread they start) run the built dist; see tsconfig.json for how the types resolve.
import type { Suspend } from '@tide/core';
import { CurrentThreadRuntime } from '@tide/current-thread';
import { ioDriver, type IoDriverOptions } from '@tide/io-driver';
import { sleep, timeDriver } from '@tide/time-driver';
import { randomFillSync } from 'node:crypto';

/** A current-thread runtime with the io driver (and the time driver). */
export function ioRuntime(options: IoDriverOptions = {}): CurrentThreadRuntime<'io' | 'time'> {
  return CurrentThreadRuntime.builder().enable(ioDriver(options)).enable(timeDriver()).build();
}

/** `n` random bytes. */
export function randomBytes(n: number): Uint8Array {
  const bytes = new Uint8Array(n);
  for (let at = 0; at < n; at += 65536) randomFillSync(bytes, at, Math.min(65536, n - at));
  return bytes;
}

/** True if `a` and `b` hold the same bytes. */
export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return Buffer.compare(Buffer.from(a.buffer, a.byteOffset, a.length), Buffer.from(b.buffer, b.byteOffset, b.length)) === 0;
}

/** Joins chunks. */
export function concat(chunks: readonly Uint8Array[]): Uint8Array {
  return Buffer.concat(chunks.map((c) => Buffer.from(c.buffer, c.byteOffset, c.length)));
}

/**
 * Waits (polling every 2 ms on the time driver, for at most `limitMs`) until `condition()` holds;
 * returns whether it did. For conditions no event announces, such as a metric reaching a value.
 */
export function* waitUntil(condition: () => boolean, limitMs = 20_000) {
  const deadline = performance.now() + limitMs;
  while (!condition()) {
    if (performance.now() > deadline) return false;
    yield* sleep(2);
  }
  return true;
}

/** Runs a future (or generator) and returns what it threw, or null if it completed. */
export function* catching<R extends string>(work: Iterable<Suspend<R>, unknown, unknown>): Generator<Suspend<R>, unknown, unknown> {
  try {
    yield* work;
    return null;
  } catch (error) {
    return error;
  }
}
