import { MailboxClosedError } from './errors.js';

// Header: Int32 words in front of the data bytes.
const LOCK = 0; // producers' spin lock: 0 free, 1 held
const HEAD = 1; // byte offset where the next record is written (producers, under the lock)
const TAIL = 2; // byte offset of the oldest record (the consumer only)
const USED = 3; // bytes in use; senders blocked on a full ring wait on this word
const COUNT = 4; // records in the ring
const CLOSED = 5; // 1 once the consumer shut down
const HEADER_BYTES = 32;
const LENGTH_BYTES = 4;

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Throws a `RangeError` unless `capacityBytes` is an integer in [64, 2^30]. */
export function checkCapacity(capacityBytes: number): void {
  if (!Number.isInteger(capacityBytes) || capacityBytes < 64 || capacityBytes > 2 ** 30) {
    throw new RangeError(`the mailbox capacity must be an integer number of bytes in [64, 2^30], got ${capacityBytes}`);
  }
}

/**
 * A multi-producer, single-consumer ring of byte records in one `SharedArrayBuffer`. Any thread
 * appends (producers take a short lock); only the thread that owns the mailbox takes records out,
 * without the lock. Records are length-prefixed and wrap around the end of the buffer.
 *
 * Ordering: a producer writes the bytes, then publishes them with `Atomics.add` on `USED` and
 * `COUNT`; the consumer reads `COUNT` with `Atomics.load` before it reads bytes, and frees space
 * with `Atomics.sub` only after it copied them out.
 */
export class MailboxRing {
  /** The shared memory: header words, then `capacity` data bytes. */
  readonly buffer: SharedArrayBuffer;
  private readonly header: Int32Array;
  private readonly data: Uint8Array;
  private readonly capacity: number;

  /** @param buffer - the shared memory of an existing ring (from {@link MailboxRing.create}). */
  constructor(buffer: SharedArrayBuffer) {
    this.buffer = buffer;
    this.header = new Int32Array(buffer, 0, HEADER_BYTES / 4);
    this.data = new Uint8Array(buffer, HEADER_BYTES);
    this.capacity = this.data.length;
  }

  /** Allocates a ring with `capacityBytes` of data (each record costs its UTF-8 length + 4 bytes). */
  static create(capacityBytes: number): MailboxRing {
    checkCapacity(capacityBytes);
    return new MailboxRing(new SharedArrayBuffer(HEADER_BYTES + capacityBytes));
  }

  /** Records waiting to be taken. */
  get count(): number {
    return Atomics.load(this.header, COUNT);
  }

  /** Bytes in use (records and their length prefixes). */
  get usedBytes(): number {
    return Atomics.load(this.header, USED);
  }

  /** True once {@link MailboxRing.close} was called. */
  get isClosed(): boolean {
    return Atomics.load(this.header, CLOSED) === 1;
  }

  /**
   * Appends `text` if there is room. Returns false when full; throws `MailboxClosedError` once
   * closed and a `RangeError` if the record could never fit.
   */
  tryPush(text: string): boolean {
    const bytes = encoder.encode(text);
    const need = LENGTH_BYTES + bytes.length;
    if (need > this.capacity) {
      throw new RangeError(`a message of ${bytes.length} bytes can never fit in a mailbox of ${this.capacity} bytes`);
    }
    this.lock();
    try {
      if (Atomics.load(this.header, CLOSED) === 1) throw new MailboxClosedError();
      if (this.capacity - Atomics.load(this.header, USED) < need) return false;
      const head = Atomics.load(this.header, HEAD);
      const length = new Uint8Array(LENGTH_BYTES);
      new DataView(length.buffer).setUint32(0, bytes.length, true);
      this.write(head, length);
      this.write((head + LENGTH_BYTES) % this.capacity, bytes);
      Atomics.store(this.header, HEAD, (head + need) % this.capacity);
      Atomics.add(this.header, USED, need);
      Atomics.add(this.header, COUNT, 1);
      return true;
    } finally {
      this.unlock();
    }
  }

  /**
   * Appends `text`, waiting (this thread blocks in `Atomics.wait`) up to `timeoutMs` for room.
   * Returns false if the ring stayed full. Never call it with a long timeout on the thread that
   * owns the ring: that thread is the one that would make room.
   */
  pushWaiting(text: string, timeoutMs: number): boolean {
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      const observed = Atomics.load(this.header, USED);
      if (this.tryPush(text)) return true;
      const left = deadline - performance.now();
      if (left <= 0) return false;
      Atomics.wait(this.header, USED, observed, left);
    }
  }

  /** Takes the oldest record (consumer thread only), or `undefined` if the ring is empty. */
  take(): string | undefined {
    if (Atomics.load(this.header, COUNT) === 0) return undefined;
    const tail = Atomics.load(this.header, TAIL);
    const prefix = this.read(tail, LENGTH_BYTES);
    const length = new DataView(prefix.buffer).getUint32(0, true);
    const text = decoder.decode(this.read((tail + LENGTH_BYTES) % this.capacity, length));
    const need = LENGTH_BYTES + length;
    Atomics.store(this.header, TAIL, (tail + need) % this.capacity);
    Atomics.sub(this.header, COUNT, 1);
    Atomics.sub(this.header, USED, need);
    Atomics.notify(this.header, USED);
    return text;
  }

  /** Refuses further records and wakes senders waiting for room (they then get `MailboxClosedError`). */
  close(): void {
    Atomics.store(this.header, CLOSED, 1);
    Atomics.notify(this.header, USED);
  }

  private lock(): void {
    // A failed exchange waits for the holder's notify; if it already released, the value is no
    // longer 1 and the wait returns at once, so no wake-up is lost.
    while (Atomics.compareExchange(this.header, LOCK, 0, 1) !== 0) Atomics.wait(this.header, LOCK, 1);
  }

  private unlock(): void {
    Atomics.store(this.header, LOCK, 0);
    Atomics.notify(this.header, LOCK, 1);
  }

  /** Copies `bytes` in at `offset`, wrapping around the end. */
  private write(offset: number, bytes: Uint8Array): void {
    const first = Math.min(bytes.length, this.capacity - offset);
    this.data.set(bytes.subarray(0, first), offset);
    if (first < bytes.length) this.data.set(bytes.subarray(first), 0);
  }

  /** Copies `length` bytes out from `offset` (into unshared memory), wrapping around the end. */
  private read(offset: number, length: number): Uint8Array {
    const out = new Uint8Array(length);
    const first = Math.min(length, this.capacity - offset);
    out.set(this.data.subarray(offset, offset + first), 0);
    if (first < length) out.set(this.data.subarray(0, length - first), first);
    return out;
  }
}
