import { copyInto } from '../ring/copy.js';

/** A slab of write memory and the writes still using it. */
interface WriteSlab {
  readonly memory: Buffer;
  /** Writes whose callback has not fired yet. */
  users: number;
  /** True once the pool moved on to another slab. */
  retired: boolean;
}

/** A private copy of written bytes, and what to release once `socket.write`'s callback fired. */
export interface WriteBuffer {
  readonly bytes: Buffer;
  readonly slab: WriteSlab | null;
}

/** Slabs kept for reuse. */
const SPARE_SLABS = 4;

/**
 * Where the reactor copies bytes to write out of the command arena (the arena's space is reused
 * as soon as the command is handled, while `socket.write` may hold the bytes until the kernel
 * takes them). Copies go into slabs; a slab whose writes all completed is reused, so the memory
 * stays warm in the cache and nothing is allocated in the steady state. A slab held by a write
 * that never completes (a peer that stopped reading) only keeps that slab; the pool moves on.
 *
 * @internal
 */
export class WriteBufferPool {
  private slab: WriteSlab;
  private used = 0;
  private readonly spare: WriteSlab[] = [];
  private readonly maxPooled: number;

  /** @param slabBytes - the size of each slab. */
  constructor(private readonly slabBytes = 256 * 1024) {
    this.slab = this.newSlab();
    this.maxPooled = slabBytes >>> 2;
  }

  /** Copies `data`; call {@link WriteBufferPool.release} with the result when the write completed. */
  copy(data: Uint8Array): WriteBuffer {
    const length = data.length;
    if (length > this.maxPooled) {
      const own = Buffer.allocUnsafeSlow(length);
      copyInto(own, 0, data);
      return { bytes: own, slab: null };
    }
    if (this.used + length > this.slabBytes) {
      const old = this.slab;
      old.retired = true;
      if (old.users === 0) this.recycle(old);
      this.slab = this.spare.pop() ?? this.newSlab();
      this.slab.retired = false;
      this.used = 0;
    }
    const slab = this.slab;
    const offset = this.used;
    copyInto(slab.memory, offset, data);
    this.used = (offset + length + 7) & ~7;
    slab.users++;
    return { bytes: slab.memory.subarray(offset, offset + length), slab };
  }

  /** The write of `buffer` completed (or failed): its slab may be reused. */
  release(buffer: WriteBuffer): void {
    const slab = buffer.slab;
    if (slab === null) return;
    slab.users--;
    if (slab.users === 0 && slab.retired) this.recycle(slab);
  }

  private recycle(slab: WriteSlab): void {
    if (this.spare.length < SPARE_SLABS) this.spare.push(slab);
  }

  private newSlab(): WriteSlab {
    return { memory: Buffer.allocUnsafeSlow(this.slabBytes), users: 0, retired: false };
  }
}
