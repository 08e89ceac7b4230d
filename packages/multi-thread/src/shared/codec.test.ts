import { describe, expect, it } from 'vitest';
import { Decoder, Encoder, Uncodable } from './codec.js';

function roundTrip(value: unknown): unknown {
  const encoder = new Encoder();
  const n = encoder.encode(value);
  const sab = new SharedArrayBuffer(n + 16);
  new Uint8Array(sab).set(encoder.buffer.subarray(0, n), 8);
  return new Decoder(sab).decode(8);
}

describe('codec', () => {
  it.each([
    0,
    -1,
    2 ** 31,
    -(2 ** 31),
    1.5,
    NaN,
    Infinity,
    '',
    'héllo wörld ✓ 𝄞',
    true,
    false,
    null,
    undefined,
    [],
    [1, 'a', [null, { b: 2 }]],
    { a: 1, nested: { list: [1, 2, 3], s: 'x' } },
  ])('round-trips %j', (value) => {
    expect(roundTrip(value)).toEqual(value);
  });

  it('keeps -0, typed arrays, ArrayBuffers and what v8 carries (Map, Set, Date, BigInt, RegExp)', () => {
    expect(Object.is(roundTrip(-0), -0)).toBe(true);
    const f64 = new Float64Array([1.5, -2]);
    expect(roundTrip(f64)).toEqual(f64);
    expect(roundTrip(new Uint8Array([1, 2, 3]))).toEqual(new Uint8Array([1, 2, 3]));
    expect(roundTrip(new Int16Array([-5, 7]).subarray(1))).toEqual(new Int16Array([7]));
    expect(new Uint8Array(roundTrip(new Uint8Array([9, 8]).buffer) as ArrayBuffer)).toEqual(new Uint8Array([9, 8]));
    const mixed = { m: new Map([[1, new Set(['a'])]]), d: new Date(7), b: 10n ** 30n, r: /x+/gi };
    expect(roundTrip(mixed)).toEqual(mixed);
  });

  it('keeps shared references and cycles (through v8)', () => {
    const shared = { v: 1 };
    const out = roundTrip({ a: shared, b: shared }) as { a: object; b: object };
    expect(out.a).toBe(out.b);
    const cyclic: { self?: unknown } = {};
    cyclic.self = cyclic;
    const back = roundTrip(cyclic) as { self: unknown };
    expect(back.self).toBe(back);
  });

  it('names the argument that cannot be encoded', () => {
    const encoder = new Encoder();
    expect(() => encoder.encodeArgs([1, () => 1])).toThrow(Uncodable);
    try {
      encoder.encodeArgs([1, 2, { f: Symbol('s') }]);
    } catch (error) {
      expect((error as Uncodable).index).toBe(2);
    }
    expect(() => encoder.encode(new SharedArrayBuffer(4))).toThrow(Uncodable);
  });

  it('grows its buffer for large values', () => {
    const big = new Uint8Array(1 << 20).fill(5);
    const out = roundTrip({ big, s: 'x'.repeat(10_000) }) as { big: Uint8Array; s: string };
    expect(out.big.length).toBe(1 << 20);
    expect(out.big[12345]).toBe(5);
    expect(out.s.length).toBe(10_000);
  });
});
