import { copyInto } from './copy.js';

/**
 * Copies payloads out of a ring's arena into big shared slabs instead of one allocation each:
 * copying into a slab runs at memcpy speed, while allocating a fresh 64 KiB array per chunk costs
 * several times more (allocation, zeroing, and the garbage collector's external-memory pressure).
 * Each copy is a view into the current slab; a full slab is left to the garbage collector once
 * no view references it. Payloads larger than a quarter of a slab get their own allocation.
 *
 * Like Node's `Buffer` pool, a small view keeps its whole slab alive while it is referenced.
 *
 * @internal
 */
export class SlabAllocator<B extends Uint8Array> {
  private slab: B;
  private used = 0;
  private readonly maxPooled: number;

  /**
   * @param slabBytes - the size of each slab.
   * @param allocate - creates a slab (or a dedicated array for a large payload).
   * @param view - a view of `length` bytes at `offset` of a slab.
   */
  constructor(
    private readonly slabBytes: number,
    private readonly allocate: (bytes: number) => B,
    private readonly view: (slab: B, offset: number, length: number) => B,
  ) {
    this.slab = allocate(slabBytes);
    this.maxPooled = slabBytes >>> 2;
  }

  /** A private copy of `source`. */
  copy(source: Uint8Array): B {
    const length = source.length;
    if (length > this.maxPooled) {
      const own = this.allocate(length);
      copyInto(own, 0, source);
      return own;
    }
    if (this.used + length > this.slabBytes) {
      this.slab = this.allocate(this.slabBytes);
      this.used = 0;
    }
    const offset = this.used;
    copyInto(this.slab, offset, source);
    // Unaligned on purpose: consecutive copies are adjacent, so a reader can join them for free.
    this.used = offset + length;
    return this.view(this.slab, offset, length);
  }
}

/**
 * Slabs of plain `Uint8Array`s (what tasks receive). The memory is not zeroed first (like
 * `Buffer.allocUnsafe`'s pool): every byte a view covers is copied in before the view exists, and
 * zeroing a fresh slab costs a pass over memory the copies then overwrite anyway.
 *
 * @internal
 */
export function uint8Slabs(slabBytes = 256 * 1024): SlabAllocator<Uint8Array> {
  return new SlabAllocator<Uint8Array>(
    slabBytes,
    (bytes) => {
      const memory = Buffer.allocUnsafeSlow(bytes);
      return new Uint8Array(memory.buffer, memory.byteOffset, bytes);
    },
    (slab, offset, length) => slab.subarray(offset, offset + length),
  );
}

/**
 * A buffer for `n` bytes that the caller overwrites completely before anyone sees it, so it need
 * not be zeroed first.
 *
 * @internal
 */
export function uninitialized(n: number): Uint8Array {
  if (n <= 64) return new Uint8Array(n); // small arrays live on V8's heap: cheaper as they are
  const memory = Buffer.allocUnsafeSlow(n);
  return new Uint8Array(memory.buffer, memory.byteOffset, n);
}
