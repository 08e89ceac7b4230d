import { describe, expect, it } from 'vitest';
import { LOCAL_QUEUE_CAPACITY } from '../shared/layout.js';
import { SharedMemory } from '../shared/memory.js';
import { CompletionQueue } from './completion-queue.js';
import { GlobalQueue } from './global-queue.js';
import { LocalQueue } from './local-queue.js';

describe('queues', () => {
  const memory = SharedMemory.create(2);

  it('local queue: FIFO, overflow moves half to the global queue, steal takes half', () => {
    const global = new GlobalQueue(memory);
    const local = new LocalQueue(memory, 1);
    const thief = new LocalQueue(memory, 2);
    for (let i = 0; i < LOCAL_QUEUE_CAPACITY; i++) local.push(i, global);
    expect(local.length).toBe(LOCAL_QUEUE_CAPACITY);
    expect(global.length).toBe(0);
    local.push(1000, global);
    expect(global.length).toBe(LOCAL_QUEUE_CAPACITY / 2 + 1);
    expect(local.length).toBe(LOCAL_QUEUE_CAPACITY / 2);
    const scratch = new Int32Array(LOCAL_QUEUE_CAPACITY);
    const stolen = thief.steal.call(local, scratch);
    expect(stolen).toBe(LOCAL_QUEUE_CAPACITY / 4);
    expect(scratch[0]).toBe(LOCAL_QUEUE_CAPACITY / 2);
    expect(local.pop()).toBe(LOCAL_QUEUE_CAPACITY / 2 + stolen);
    const seen = new Set<number>();
    for (let s = local.pop(); s >= 0; s = local.pop()) seen.add(s);
    for (let s = global.pop(); s >= 0; s = global.pop()) seen.add(s);
    expect(seen.size).toBe(LOCAL_QUEUE_CAPACITY + 1 - stolen - 1);
  });

  it('LIFO slot swaps and drains with the queue to the global queue', () => {
    const global = new GlobalQueue(memory);
    const local = new LocalQueue(memory, 2);
    expect(local.swapLifo(5)).toBe(-1);
    expect(local.swapLifo(6)).toBe(5);
    local.push(7, global);
    expect(local.drainTo(global)).toBe(2);
    expect(global.pop()).toBe(6);
    expect(global.pop()).toBe(7);
    expect(local.takeLifo()).toBe(-1);
  });

  it('completion queue: multi-producer ring, drained in order', () => {
    const q = new CompletionQueue(memory.completions[1]!);
    expect(q.ready).toBe(false);
    for (let i = 0; i < 10; i++) q.push(i);
    expect(q.ready).toBe(true);
    const out: number[] = [];
    for (let s = q.pop(); s >= 0; s = q.pop()) out.push(s);
    expect(out).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });
});
