import { describe, expect, it } from 'vitest';
import { SharedHeap } from './heap.js';
import { C, HEAP_ORDER } from './layout.js';

function heap(): SharedHeap {
  const h = new SharedHeap(new Int32Array(new SharedArrayBuffer(2 ** HEAP_ORDER)), new Int32Array(new SharedArrayBuffer(96 * 4)));
  h.init();
  return h;
}

describe('shared heap (buddy allocator)', () => {
  it('allocates disjoint blocks and merges them back when freed', () => {
    const h = heap();
    const total = h.freeBytes();
    const blocks: number[] = [];
    for (let i = 0; i < 1000; i++) blocks.push(h.alloc(1 + ((i * 37) % 5000)));
    expect(blocks.every((b) => b >= 0)).toBe(true);
    const sorted = [...blocks].sort((a, b) => a - b);
    for (let i = 1; i < sorted.length; i++) expect(sorted[i]! - sorted[i - 1]!).toBeGreaterThanOrEqual(56);
    for (let i = 0; i < blocks.length; i += 2) h.free(blocks[i]!);
    for (let i = 1; i < blocks.length; i += 2) h.free(blocks[i]!);
    expect(h.freeBytes()).toBe(total);
    // Fully merged: the largest allowed block fits again.
    const whole = h.alloc(2 ** (HEAP_ORDER - 1));
    expect(whole).toBeGreaterThanOrEqual(0);
  });

  it('reports a full heap with -1 and refuses double frees', () => {
    const h = heap();
    // Each block has an 8-byte header: these take exactly half and a quarter of the heap.
    const a = h.alloc(2 ** (HEAP_ORDER - 1) - 8);
    const b = h.alloc(2 ** (HEAP_ORDER - 2) - 8);
    expect(a).toBeGreaterThanOrEqual(0);
    expect(b).toBeGreaterThanOrEqual(0);
    expect(h.alloc(2 ** (HEAP_ORDER - 1) - 8)).toBe(-1);
    expect(h.alloc(2 ** (HEAP_ORDER - 2) - 8)).toBeGreaterThanOrEqual(0);
    h.free(b);
    expect(() => h.free(b)).toThrow(/twice/);
    expect(C.HeapFree).toBeGreaterThan(0);
  });
});
