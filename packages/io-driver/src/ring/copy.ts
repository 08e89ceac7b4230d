/**
 * The one way bytes are copied into or out of shared memory (the rings' arenas).
 *
 * `Uint8Array.prototype.set` (and `slice`) on a `SharedArrayBuffer`-backed view does not use
 * memcpy: V8 copies with relaxed atomic loads and stores, one 8-byte word at a time when source
 * and target are equally aligned, and **one byte at a time when they are not** (on Node 20, 64 KiB:
 * ~2.6 µs aligned, ~20 µs misaligned, against ~1.5 µs for memcpy). Payload offsets in the arenas
 * and slabs follow the byte lengths of what came before, so most copies are misaligned.
 * `Buffer.prototype.fill(source, start, end)` with `end - start === source.length` is specified
 * to write `source` once, and Node does that with one C++ memcpy, whatever the buffer kind. Its
 * fixed cost (~100 ns of argument checks and a call into C++) loses below a few hundred bytes, so
 * small copies keep using `set` (see {@link NATIVE_COPY_MIN_BYTES}).
 *
 * Why a plain memcpy is as correct as the relaxed copy: neither orders anything by itself. What
 * publishes a payload is the ring protocol around the copy: the producer copies, then does
 * `Atomics.add` on the header (a sequentially consistent read-modify-write, which no earlier
 * store can be reordered past); the consumer reads the payload only after an `Atomics.load` of
 * the count saw the message, and gives the space back with `Atomics.sub` only after its copy
 * out. So no thread ever reads bytes another thread is writing, and the copy's own atomicity
 * (relaxed or none) never matters; the copy being a call into C++ does not move it across
 * those atomics either.
 *
 * @internal
 * @packageDocumentation
 */

/** `Buffer.prototype.fill`, applied to any `Uint8Array` (it accepts every `ArrayBufferView`). */
// eslint-disable-next-line @typescript-eslint/unbound-method -- always called with `.call(target, …)`
const fillWith: (this: Uint8Array, value: Uint8Array, offset: number, end: number) => unknown = Buffer.alloc(0).fill;

/**
 * Copies at least this long go through memcpy even when source and target are equally aligned
 * (below it the relaxed word copy is at least as fast as the call into C++). @internal
 */
export const NATIVE_COPY_MIN_BYTES = 2048;

/**
 * Copies at least this long go through memcpy when source and target are aligned differently
 * modulo 8 (the relaxed copy then goes byte by byte). @internal
 */
export const NATIVE_COPY_MIN_MISALIGNED_BYTES = 256;

/**
 * Copies `source` into `target` at `offset` (`target.set(source, offset)`), fast also when either
 * is a view into a `SharedArrayBuffer`. The ranges must not overlap unless they share a buffer
 * (then `set`'s memmove semantics apply). Throws a `RangeError` if `source` does not fit.
 *
 * @internal
 */
export function copyInto(target: Uint8Array, offset: number, source: Uint8Array): void {
  const n = source.length;
  if (
    n >= NATIVE_COPY_MIN_MISALIGNED_BYTES &&
    (n >= NATIVE_COPY_MIN_BYTES || ((target.byteOffset + offset - source.byteOffset) & 7) !== 0) &&
    target.buffer !== source.buffer
  ) {
    if (offset < 0 || offset + n > target.length) throw new RangeError(`copyInto: ${n} bytes do not fit at offset ${offset} of ${target.length}`);
    fillWith.call(target, source, offset, offset + n);
    return;
  }
  target.set(source, offset);
}
