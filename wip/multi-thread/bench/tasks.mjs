// Tasks for bench/dispatch.mjs, as TaskRefs (the multi-thread runtime's workers import this module).
import { defineTask } from '@tide/core';

/** A fixed amount of CPU work: FNV-1a over `iterations` bytes (no clock inside: scaling is real). */
export function hashLoop(iterations) {
  let h = 0x811c9dc5;
  for (let i = 0; i < iterations; i++) {
    h ^= i & 0xff;
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

export const add = defineTask(import.meta.url, 'add', (a, b) => a + b);
export const hash = defineTask(import.meta.url, 'hash', hashLoop);
