import { copyBytes } from './codec.js';
import { ChannelViews, Header, MORE, OP_MASK, SLOT_F64, SLOT_I32, Slot, SlotF64 } from './layout.js';

/** Receives the messages a {@link ChannelConsumer} drains. */
export interface MessageHandler {
  /**
   * One message. `op` has the part flag removed; `data` is the payload, or null if it had none.
   * **`data` is a view into the shared arena, valid only during this call**: copy what you keep.
   * (A payload that came in parts is joined into a fresh array.)
   */
  onMessage(op: number, rid: number, req: number, a: number, b: number, x: number, y: number, data: Uint8Array | null): void;
}

/**
 * The reading end of a single-producer, single-consumer channel (see `layout.ts`). The handler
 * sees each payload in place (no copy); its arena space is returned right after the handler
 * returns. The handler may itself send messages.
 *
 * Only one thread may use a consumer.
 */
export class ChannelConsumer {
  private readonly header: Int32Array;
  private readonly i32: Int32Array;
  private readonly f64: Float64Array;
  private readonly arena: Uint8Array;
  private readonly capacity: number;
  private tail = 0;
  private parts: Uint8Array[] = [];
  private partsBytes = 0;
  /** Messages delivered to handlers so far. */
  receivedMessages = 0;

  /** @param buffer - the channel's shared memory. */
  constructor(buffer: SharedArrayBuffer) {
    const views = new ChannelViews(buffer);
    this.header = views.header;
    this.i32 = views.i32;
    this.f64 = views.f64;
    this.arena = views.arena;
    this.capacity = views.capacity;
  }

  /** Slots waiting to be drained. */
  get pending(): number {
    return Atomics.load(this.header, Header.Count);
  }

  /**
   * Delivers up to `max` messages to `handler`, in order. Returns how many it delivered (parts
   * of a split message count as one, delivered with the last part).
   */
  drain(max: number, handler: MessageHandler): number {
    const header = this.header;
    const i32 = this.i32;
    let available = Atomics.load(header, Header.Count);
    let delivered = 0;
    while (delivered < max) {
      if (available === 0) {
        available = Atomics.load(header, Header.Count);
        if (available === 0) break;
      }
      const i = this.tail * SLOT_I32;
      const f = this.tail * SLOT_F64;
      const rawOp = i32[i + Slot.Op]!;
      const rid = i32[i + Slot.Rid]!;
      const req = i32[i + Slot.Req]!;
      const a = i32[i + Slot.A]!;
      const b = i32[i + Slot.B]!;
      const len = i32[i + Slot.DataLen]!;
      const free = i32[i + Slot.DataFree]!;
      const x = this.f64[f + SlotF64.X]!;
      const y = this.f64[f + SlotF64.Y]!;
      const off = i32[i + Slot.DataOff]!;
      let data: Uint8Array | null = len > 0 ? this.arena.subarray(off, off + len) : null;
      if ((rawOp & MORE) !== 0) {
        if (data !== null) {
          this.parts.push(copyBytes(data));
          this.partsBytes += len;
        }
        this.retire(free);
        available--;
        continue;
      }
      if (this.parts.length > 0) {
        if (data !== null) {
          this.parts.push(copyBytes(data));
          this.partsBytes += len;
        }
        data = join(this.parts, this.partsBytes);
        this.parts = [];
        this.partsBytes = 0;
      }
      delivered++;
      this.receivedMessages++;
      available--;
      try {
        handler.onMessage(rawOp & OP_MASK, rid, req, a, b, x, y, data);
      } finally {
        this.retire(free);
      }
    }
    return delivered;
  }

  /** Returns a slot (and its arena bytes) to the producer. */
  private retire(free: number): void {
    if (free > 0) Atomics.sub(this.header, Header.ArenaUsed, free);
    this.tail = this.tail + 1 === this.capacity ? 0 : this.tail + 1;
    Atomics.sub(this.header, Header.Count, 1);
  }

  /**
   * True (once) if the producer was waiting for space: call after {@link drain} and wake the
   * producer's thread if so.
   */
  takeProducerWaiting(): boolean {
    return Atomics.load(this.header, Header.ProducerWaiting) !== 0 && Atomics.exchange(this.header, Header.ProducerWaiting, 0) !== 0;
  }
}

function join(parts: Uint8Array[], total: number): Uint8Array {
  const out = new Uint8Array(total);
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}
