/**
 * The tasks of the multi-thread scenarios, as TaskRefs: worker threads import this module (its
 * built chunk) by URL, so it has no side effects besides declaring them. Its default export is
 * the same addition for piscina and tinypool, which call a module's default export.
 */
import { defineTask } from '@tide/core';

/** A fixed amount of CPU work: FNV-1a over `iterations` bytes (no clock inside, so scaling is real). */
export function hashLoop(iterations: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < iterations; i++) {
    h ^= i & 0xff;
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** The trivial task: adds two numbers. */
export const add = defineTask(import.meta.url, 'add', (a: number, b: number): number => a + b);

/** The CPU-bound task: `hashLoop(iterations)`. */
export const hash = defineTask(import.meta.url, 'hash', (iterations: number): number => hashLoop(iterations));

/** The same addition as a piscina / tinypool task (they pass one argument). */
export default function addPair({ a, b }: { a: number; b: number }): number {
  return a + b;
}
