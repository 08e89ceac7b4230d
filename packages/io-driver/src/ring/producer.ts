import { copyBytes } from './codec.js';
import { copyInto } from './copy.js';
import { ChannelViews, Header, MORE, SLOT_F64, SLOT_I32, Slot, SlotF64 } from './layout.js';

/** A message the producer could not fit yet, kept in order until the consumer frees space. */
interface Queued {
  readonly op: number;
  readonly rid: number;
  readonly req: number;
  readonly a: number;
  readonly b: number;
  readonly x: number;
  readonly y: number;
  readonly data: Uint8Array | null;
  /** Payload bytes already written as parts. */
  sent: number;
}

const DONE = -1;
const EMPTY: Queued[] = [];

/**
 * The writing end of a single-producer, single-consumer channel (see `layout.ts`). Messages are
 * written in order; a payload larger than the part size is split into parts the consumer joins.
 * What does not fit waits in a local queue ({@link ChannelProducer.flush} retries), and the
 * producer raises the header's `ProducerWaiting` flag so the consumer tells it when it freed space.
 *
 * Only one thread may use a producer.
 */
export class ChannelProducer {
  private readonly views: ChannelViews;
  private readonly header: Int32Array;
  private readonly i32: Int32Array;
  private readonly f64: Float64Array;
  private readonly arena: Uint8Array;
  private readonly capacity: number;
  private readonly arenaBytes: number;
  /** The largest payload one slot carries; larger payloads are split. */
  readonly partBytes: number;
  private head = 0;
  private arenaHead = 0;
  private queue: Queued[] = EMPTY;
  private queueHead = 0;
  /** Payload bytes waiting in the local queue (not yet in shared memory). */
  queuedBytes = 0;
  /** Messages written into shared memory so far (parts count once per message). */
  sentMessages = 0;
  /** Slots written into shared memory so far (each part counts). */
  sentSlots = 0;

  /**
   * @param buffer - the channel's shared memory.
   * @param partBytes - the largest payload per slot (at most a quarter of the arena).
   */
  constructor(buffer: SharedArrayBuffer, partBytes: number) {
    this.views = new ChannelViews(buffer);
    this.header = this.views.header;
    this.i32 = this.views.i32;
    this.f64 = this.views.f64;
    this.arena = this.views.arena;
    this.capacity = this.views.capacity;
    this.arenaBytes = this.views.arenaBytes;
    this.partBytes = Math.max(1, Math.min(partBytes, Math.floor(this.arenaBytes / 4)));
  }

  /** True while messages wait in the local queue. */
  get hasQueued(): boolean {
    return this.queueHead < this.queue.length;
  }

  /** Messages waiting in the local queue. */
  get queuedMessages(): number {
    return this.queue.length - this.queueHead;
  }

  /**
   * Sends a message: written to shared memory now if it fits and nothing is queued before it,
   * else queued locally (in order). `data` must not change until the message is consumed (the
   * payload is copied when it is written, which may be later) — unless `volatile` is set: then
   * a queued message keeps a private copy, and `data` may be reused as soon as this returns.
   * Returns true if it was written now.
   */
  send(
    op: number,
    rid: number,
    req: number,
    a: number,
    b: number,
    x: number,
    y: number,
    data: Uint8Array | null,
    volatile = false,
  ): boolean {
    const tried = this.queueHead === this.queue.length;
    let sent = 0;
    if (tried) {
      sent = this.write(op, rid, req, a, b, x, y, data, 0);
      if (sent === DONE) return true;
    }
    // Parts already written keep their offsets in the private copy (a copy of the whole payload).
    this.enqueue({ op, rid, req, a, b, x, y, data: volatile && data !== null ? copyBytes(data) : data, sent });
    // The consumer may have freed space between the failed write and the flag.
    if (tried) this.flush();
    return false;
  }

  /** Writes queued messages that now fit. Returns true when the queue is empty. */
  flush(): boolean {
    while (this.queueHead < this.queue.length) {
      const m = this.queue[this.queueHead]!;
      if (!this.advance(m)) {
        Atomics.store(this.header, Header.ProducerWaiting, 1);
        // Retry once: the consumer may have freed space before it could see the flag.
        if (!this.advance(m)) return false;
      }
      this.dequeue();
    }
    return true;
  }

  /** Writes as much of a queued message as fits; true when it was written completely. */
  private advance(m: Queued): boolean {
    const before = m.sent;
    const reached = this.write(m.op, m.rid, m.req, m.a, m.b, m.x, m.y, m.data, before);
    if (reached === DONE) {
      this.queuedBytes -= (m.data?.length ?? 0) - before;
      return true;
    }
    this.queuedBytes -= reached - before;
    m.sent = reached;
    return false;
  }

  private enqueue(m: Queued): void {
    if (this.queue === EMPTY) this.queue = [];
    this.queue.push(m);
    this.queuedBytes += (m.data?.length ?? 0) - m.sent;
    Atomics.store(this.header, Header.ProducerWaiting, 1);
  }

  private dequeue(): void {
    this.queue[this.queueHead++] = undefined as unknown as Queued;
    if (this.queueHead === this.queue.length) {
      this.queue = EMPTY;
      this.queueHead = 0;
    } else if (this.queueHead > 1024 && this.queueHead * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.queueHead);
      this.queueHead = 0;
    }
  }

  /** Writes a message from payload offset `offset`; returns DONE or the offset reached. */
  private write(op: number, rid: number, req: number, a: number, b: number, x: number, y: number, data: Uint8Array | null, offset: number): number {
    const len = data === null ? 0 : data.length;
    if (len <= this.partBytes) {
      if (!this.writeSlot(op, rid, req, a, b, x, y, data, 0, len)) return offset;
      this.sentMessages++;
      return DONE;
    }
    while (offset < len) {
      const n = Math.min(this.partBytes, len - offset);
      const last = offset + n === len;
      if (!this.writeSlot(last ? op : op | MORE, rid, req, a, b, x, y, data, offset, n)) return offset;
      offset += n;
    }
    this.sentMessages++;
    return DONE;
  }

  /** Writes one slot with `len` payload bytes from `data[offset]`. False if the slot ring or the arena is full. */
  private writeSlot(
    op: number,
    rid: number,
    req: number,
    a: number,
    b: number,
    x: number,
    y: number,
    data: Uint8Array | null,
    offset: number,
    len: number,
  ): boolean {
    const header = this.header;
    if (Atomics.load(header, Header.Count) >= this.capacity) return false;
    let dataOff = 0;
    let dataFree = 0;
    if (len > 0) {
      const avail = this.arenaBytes - Atomics.load(header, Header.ArenaUsed);
      const h = this.arenaHead;
      // A payload that does not fit before the end of the arena starts at 0, so it stays
      // contiguous; the skipped tail is returned together with it.
      const skip = len <= this.arenaBytes - h ? 0 : this.arenaBytes - h;
      if (skip + len > avail) return false;
      dataOff = skip === 0 ? h : 0;
      dataFree = skip + len;
      const end = dataOff + len;
      this.arenaHead = end === this.arenaBytes ? 0 : end;
      // A plain store sequence, published by the Atomics.add below (see copy.ts on why memcpy is enough).
      copyInto(this.arena, dataOff, offset === 0 && len === data!.length ? data! : data!.subarray(offset, offset + len));
      Atomics.add(header, Header.ArenaUsed, dataFree);
    }
    const i = this.head * SLOT_I32;
    const i32 = this.i32;
    i32[i + Slot.Op] = op;
    i32[i + Slot.Rid] = rid;
    i32[i + Slot.Req] = req;
    i32[i + Slot.A] = a;
    i32[i + Slot.B] = b;
    i32[i + Slot.DataOff] = dataOff;
    i32[i + Slot.DataLen] = len;
    i32[i + Slot.DataFree] = dataFree;
    const f = this.head * SLOT_F64;
    this.f64[f + SlotF64.X] = x;
    this.f64[f + SlotF64.Y] = y;
    this.head = this.head + 1 === this.capacity ? 0 : this.head + 1;
    this.sentSlots++;
    // Publishing the count makes the slot (and its payload) visible to the consumer.
    Atomics.add(header, Header.Count, 1);
    return true;
  }
}
