import { describe, expect, it } from 'vitest';
import { RingBuffer } from './ring-buffer.js';

describe('RingBuffer', () => {
  it('keeps FIFO order across wrap-around, growth and shrinking', () => {
    const q = new RingBuffer<number>(4);
    const model: number[] = [];
    let next = 0;
    // A deterministic mix of bursts and drains that wraps, grows past 1024 and shrinks back.
    for (let round = 0; round < 40; round++) {
      const pushes = (round * 37) % 300;
      const shifts = (round * 53) % 310;
      for (let i = 0; i < pushes; i++) {
        q.push(next);
        model.push(next++);
      }
      for (let i = 0; i < shifts && model.length > 0; i++) expect(q.shift()).toBe(model.shift());
      expect(q.length).toBe(model.length);
    }
    for (let i = 0; i < 5000; i++) q.push(i);
    while (model.length > 0) expect(q.shift()).toBe(model.shift());
    for (let i = 0; i < 5000; i++) expect(q.shift()).toBe(i);
    expect(q.length).toBe(0);
  });

  it('stores undefined values and clears', () => {
    const q = new RingBuffer<number | undefined>();
    q.push(undefined);
    q.push(1);
    expect(q.length).toBe(2);
    expect(q.shift()).toBeUndefined();
    q.clear();
    expect(q.length).toBe(0);
  });
});
