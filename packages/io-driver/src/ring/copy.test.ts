import { describe, expect, it } from 'vitest';
import { copyInto, NATIVE_COPY_MIN_BYTES, NATIVE_COPY_MIN_MISALIGNED_BYTES } from './copy.js';

/** Byte-equal (vitest's deep equality is slow on 64 KiB arrays). */
function same(a: Uint8Array, b: Uint8Array): boolean {
  return Buffer.from(a.buffer, a.byteOffset, a.length).equals(Buffer.from(b.buffer, b.byteOffset, b.length));
}

function pattern(view: Uint8Array, seed: number): void {
  for (let i = 0; i < view.length; i++) view[i] = (seed + i * 7 + (i >>> 8)) & 0xff;
}

/** A view of `length` bytes at `offset` of fresh memory, shared or not. */
function region(shared: boolean, offset: number, length: number): Uint8Array {
  const total = offset + length + 16;
  return new Uint8Array(shared ? new SharedArrayBuffer(total) : new ArrayBuffer(total), offset, length);
}

const SIZES = [
  0,
  1,
  7,
  NATIVE_COPY_MIN_MISALIGNED_BYTES - 1,
  NATIVE_COPY_MIN_MISALIGNED_BYTES,
  NATIVE_COPY_MIN_BYTES - 1,
  NATIVE_COPY_MIN_BYTES,
  NATIVE_COPY_MIN_BYTES + 13,
  65536 + 5,
];

describe('copyInto', () => {
  for (const [from, to] of [
    [true, false],
    [false, true],
    [true, true],
    [false, false],
  ] as const) {
    it(`copies exactly the source, and nothing around it (${from ? 'shared' : 'plain'} → ${to ? 'shared' : 'plain'})`, () => {
      for (const n of SIZES) {
        for (const [sourceOffset, targetOffset, at] of [
          [0, 0, 0],
          [3, 0, 0],
          [0, 8, 5],
          [5, 1, 2],
        ] as const) {
          const source = region(from, sourceOffset, n);
          pattern(source, n);
          const target = region(to, targetOffset, n + at + 9);
          target.fill(0xee);
          copyInto(target, at, source);
          expect(same(target.subarray(at, at + n), source)).toBe(true);
          expect(target.subarray(0, at).every((b) => b === 0xee)).toBe(true);
          expect(target.subarray(at + n).every((b) => b === 0xee)).toBe(true);
        }
      }
    });
  }

  it('refuses a source that does not fit, writing nothing', () => {
    for (const n of [NATIVE_COPY_MIN_MISALIGNED_BYTES, NATIVE_COPY_MIN_BYTES, 10]) {
      const target = region(true, 0, n + 3);
      const source = region(false, 1, n);
      pattern(source, 1);
      expect(() => copyInto(target, 4, source)).toThrow(RangeError);
      expect(target.every((b) => b === 0)).toBe(true);
    }
  });

  it('has memmove semantics within one buffer', () => {
    const n = NATIVE_COPY_MIN_BYTES * 2;
    const memory = region(true, 0, n + 3);
    pattern(memory, 9);
    const expected = Uint8Array.from(memory.subarray(0, n));
    copyInto(memory, 3, memory.subarray(0, n));
    expect(same(memory.subarray(3), expected)).toBe(true);
  });
});
