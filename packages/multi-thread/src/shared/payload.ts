import { Decoder } from './codec.js';
import type { SharedHeap } from './heap.js';
import { HEAP_MAX_PAYLOAD, INLINE, INLINE_BYTES } from './layout.js';
import type { SharedMemory } from './memory.js';

/**
 * Where a slot's encoded arguments or result live: inline in the slot when small, else in a block
 * of the shared heap. `lenWord` / `offWord` select the arguments (`S.ArgsLen`, `S.ArgsOff`) or
 * the result (`S.ResLen`, `S.ResOff`).
 *
 * @internal
 */
export class Payloads {
  private readonly inlineDecoder: Decoder;
  private readonly heapDecoder: Decoder;

  constructor(
    private readonly memory: SharedMemory,
    private readonly heap: SharedHeap,
  ) {
    this.inlineDecoder = new Decoder(memory.buffers.slots);
    this.heapDecoder = new Decoder(memory.buffers.heap);
  }

  /**
   * Stores the first `len` bytes of `bytes` for `slot`. False if they do not fit (heap full or
   * payload too large): use postMessage.
   */
  store(slot: number, lenWord: number, offWord: number, bytes: Uint8Array, len: number = bytes.length): boolean {
    const memory = this.memory;
    const base = memory.word(slot, 0);
    if (len <= INLINE_BYTES) {
      const at = memory.inlineOffset(slot);
      const target = memory.slotBytes;
      if (len <= 32) for (let i = 0; i < len; i++) target[at + i] = bytes[i]!;
      else target.set(len === bytes.length ? bytes : bytes.subarray(0, len), at);
      memory.slots[base + lenWord] = len;
      memory.slots[base + offWord] = INLINE;
      return true;
    }
    if (len > HEAP_MAX_PAYLOAD) return false;
    const at = this.heap.alloc(len);
    if (at < 0) return false;
    memory.heapBytes.set(len === bytes.length ? bytes : bytes.subarray(0, len), at);
    memory.slots[base + lenWord] = len;
    memory.slots[base + offWord] = at;
    return true;
  }

  /** Decodes the payload of `slot`. */
  load(slot: number, offWord: number): unknown {
    const off = this.memory.slots[this.memory.word(slot, offWord)]!;
    return off === INLINE ? this.inlineDecoder.decode(this.memory.inlineOffset(slot)) : this.heapDecoder.decode(off);
  }

  /** Frees the heap block of the payload, if it has one. */
  release(slot: number, offWord: number): void {
    const at = this.memory.word(slot, offWord);
    const off = this.memory.slots[at]!;
    if (off !== INLINE) {
      this.memory.slots[at] = INLINE;
      this.heap.free(off);
    }
  }
}
