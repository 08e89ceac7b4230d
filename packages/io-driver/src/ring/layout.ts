/**
 * The memory layout of a channel: one `SharedArrayBuffer` holding a small header, a ring of
 * fixed-size message slots, and a data arena (a byte ring) for the messages' payloads.
 *
 * ```
 * [ header: 16 × Int32 ][ slots: capacity × 48 bytes ][ arena: arenaBytes ]
 * ```
 *
 * A slot is 8 Int32 fields followed by 2 Float64 fields (see {@link Slot}). The payload of a
 * message lives in the arena at `[DataOff, DataOff + DataLen)`; `DataFree` is how many arena
 * bytes the consumer returns when it takes the message (the payload plus the bytes the producer
 * skipped at the end of the arena to keep the payload contiguous).
 *
 * @internal
 * @packageDocumentation
 */

/** Int32 indexes of the channel header. */
export const Header = {
  /** Messages in the slot ring (published by the producer, retired by the consumer). */
  Count: 0,
  /** Arena bytes in use (added by the producer, returned by the consumer). */
  ArenaUsed: 1,
  /** 1 while the producer has messages it could not fit and wants to hear when space frees up. */
  ProducerWaiting: 2,
  /** Slot capacity (written once at creation). */
  Capacity: 3,
  /** Arena size in bytes (written once at creation). */
  ArenaBytes: 4,
} as const;

/** Bytes of the header. */
export const HEADER_BYTES = 64;

/** Bytes of one slot. */
export const SLOT_BYTES = 48;

/** Int32 fields of a slot (indexes relative to the slot's first Int32). */
export const Slot = {
  Op: 0,
  Rid: 1,
  Req: 2,
  A: 3,
  B: 4,
  DataOff: 5,
  DataLen: 6,
  DataFree: 7,
} as const;

/** Float64 fields of a slot (indexes relative to the slot's first Float64). */
export const SlotF64 = { X: 4, Y: 5 } as const;

/** Int32 fields per slot. */
export const SLOT_I32 = SLOT_BYTES / 4;
/** Float64 fields per slot. */
export const SLOT_F64 = SLOT_BYTES / 8;

/**
 * Set on the op of every part of a message that was split because its payload is larger than
 * the channel's part size, except the last one. The consumer joins the parts.
 */
export const MORE = 0x10000;

/** Mask of the op code proper. */
export const OP_MASK = 0xffff;

/** Creates the shared memory of a channel. */
export function allocateChannel(capacity: number, arenaBytes: number): SharedArrayBuffer {
  const buffer = new SharedArrayBuffer(HEADER_BYTES + capacity * SLOT_BYTES + arenaBytes);
  const header = new Int32Array(buffer, 0, HEADER_BYTES / 4);
  header[Header.Capacity] = capacity;
  header[Header.ArenaBytes] = arenaBytes;
  return buffer;
}

/** Views over a channel's shared memory. */
export class ChannelViews {
  /** The header Int32s. */
  readonly header: Int32Array;
  /** The slots as Int32s. */
  readonly i32: Int32Array;
  /** The slots as Float64s. */
  readonly f64: Float64Array;
  /** The data arena. */
  readonly arena: Uint8Array;
  /** Number of slots. */
  readonly capacity: number;
  /** Arena size in bytes. */
  readonly arenaBytes: number;

  /** @param buffer - memory created by {@link allocateChannel}. */
  constructor(readonly buffer: SharedArrayBuffer) {
    this.header = new Int32Array(buffer, 0, HEADER_BYTES / 4);
    this.capacity = this.header[Header.Capacity]!;
    this.arenaBytes = this.header[Header.ArenaBytes]!;
    this.i32 = new Int32Array(buffer, HEADER_BYTES, this.capacity * SLOT_I32);
    this.f64 = new Float64Array(buffer, HEADER_BYTES, this.capacity * SLOT_F64);
    this.arena = new Uint8Array(buffer, HEADER_BYTES + this.capacity * SLOT_BYTES, this.arenaBytes);
  }
}
