// Unit tests of the SPSC channel (slot ring + data arena), on one thread: the cross-thread use is
// covered by the driver tests. These import the sources directly (no worker involved).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ChannelConsumer, type MessageHandler } from './consumer.js';
import { allocateChannel, Header } from './layout.js';
import { ChannelProducer } from './producer.js';
import { uint8Slabs } from './slab.js';

interface Received {
  op: number;
  rid: number;
  req: number;
  a: number;
  b: number;
  x: number;
  y: number;
  data: number[] | null;
}

function collector(): MessageHandler & { got: Received[] } {
  const got: Received[] = [];
  return {
    got,
    onMessage(op, rid, req, a, b, x, y, data) {
      got.push({ op, rid, req, a, b, x, y, data: data === null ? null : [...data] });
    },
  };
}

function bytes(n: number, seed: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = (seed * 31 + i) & 0xff;
  return out;
}

describe('channel', () => {
  it('carries every field and the payload', () => {
    const buffer = allocateChannel(16, 4096);
    const producer = new ChannelProducer(buffer, 1024);
    const consumer = new ChannelConsumer(buffer);
    expect(producer.send(7, -3, 42, 1, 2, 2.5 ** 40, -1, bytes(10, 1))).toBe(true);
    expect(producer.send(8, 0, 0, 0, 0, 0, 0, null)).toBe(true);
    const sink = collector();
    expect(consumer.drain(10, sink)).toBe(2);
    expect(sink.got).toEqual([
      { op: 7, rid: -3, req: 42, a: 1, b: 2, x: 2.5 ** 40, y: -1, data: [...bytes(10, 1)] },
      { op: 8, rid: 0, req: 0, a: 0, b: 0, x: 0, y: 0, data: null },
    ]);
    expect(Atomics.load(new Int32Array(buffer), Header.ArenaUsed)).toBe(0);
  });

  it('splits payloads larger than a part and joins them', () => {
    const buffer = allocateChannel(64, 4096);
    const producer = new ChannelProducer(buffer, 1024);
    const consumer = new ChannelConsumer(buffer);
    const big = bytes(3000, 2);
    producer.send(1, 1, 1, 0, 0, 0, 0, big);
    const sink = collector();
    expect(consumer.drain(10, sink)).toBe(1);
    expect(sink.got[0]!.data).toEqual([...big]);
  });

  it('queues what does not fit, in order, and raises the waiting flag', () => {
    const buffer = allocateChannel(16, 4096);
    const producer = new ChannelProducer(buffer, 1024);
    const consumer = new ChannelConsumer(buffer);
    for (let i = 0; i < 40; i++) producer.send(1, i, 0, 0, 0, 0, 0, bytes(300, i));
    expect(producer.hasQueued).toBe(true);
    expect(producer.queuedBytes).toBeGreaterThan(0);
    const sink = collector();
    let rounds = 0;
    while (sink.got.length < 40 && rounds++ < 100) {
      consumer.drain(1000, sink);
      if (consumer.takeProducerWaiting()) producer.flush();
    }
    expect(sink.got.map((m) => m.rid)).toEqual([...Array(40).keys()]);
    sink.got.forEach((m, i) => expect(m.data).toEqual([...bytes(300, i)]));
    expect(producer.hasQueued).toBe(false);
    expect(producer.queuedBytes).toBe(0);
  });

  it('delivers any interleaving of sends and drains intact and in order (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.record({ send: fc.integer({ min: 0, max: 2500 }) }), fc.record({ drain: fc.integer({ min: 1, max: 8 }) })), {
          maxLength: 200,
        }),
        fc.integer({ min: 4, max: 32 }),
        (steps, capacity) => {
          const buffer = allocateChannel(capacity, 4096);
          const producer = new ChannelProducer(buffer, 700);
          const consumer = new ChannelConsumer(buffer);
          const sink = collector();
          const sent: number[] = [];
          for (const step of steps) {
            if ('send' in step) {
              const seq = sent.length;
              sent.push(step.send);
              producer.send(1, seq, 0, 0, 0, 0, 0, step.send === 0 ? null : bytes(step.send, seq));
            } else {
              consumer.drain(step.drain, sink);
              if (consumer.takeProducerWaiting()) producer.flush();
            }
          }
          for (let i = 0; i < 10_000 && sink.got.length < sent.length; i++) {
            consumer.drain(64, sink);
            producer.flush();
          }
          expect(sink.got.map((m) => m.rid)).toEqual(sent.map((_, i) => i));
          sink.got.forEach((m, i) => expect(m.data).toEqual(sent[i] === 0 ? null : [...bytes(sent[i]!, i)]));
          expect(Atomics.load(new Int32Array(buffer), Header.ArenaUsed)).toBe(0);
          expect(Atomics.load(new Int32Array(buffer), Header.Count)).toBe(0);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('slabs', () => {
  it('copies small payloads into shared slabs and large ones into their own arrays', () => {
    const slabs = uint8Slabs(1024);
    const a = slabs.copy(bytes(100, 1));
    const b = slabs.copy(bytes(100, 2));
    const large = slabs.copy(bytes(600, 3));
    expect([...a]).toEqual([...bytes(100, 1)]);
    expect([...b]).toEqual([...bytes(100, 2)]);
    expect(a.buffer).toBe(b.buffer);
    expect(large.buffer).not.toBe(a.buffer);
    expect(large.byteLength).toBe(600);
    // A full slab is replaced, never overwritten.
    const copies = Array.from({ length: 30 }, (_, i) => slabs.copy(bytes(100, i)));
    copies.forEach((c, i) => expect([...c]).toEqual([...bytes(100, i)]));
  });
});
