import {
  C,
  CONTROL_WORDS,
  HEAP_ORDER,
  INLINE_OFFSET,
  METRIC_WORDS,
  nextPowerOfTwo,
  OWNER_SLOTS,
  Q,
  REGISTRY_BYTES,
  REGISTRY_CAPACITY,
  S,
  SLOT_BYTES,
  SLOT_WORDS,
  STATE_BITS,
  STATE_MASK,
  W,
  WORKER_WORDS,
  workerSlots,
} from './layout.js';

/** The SharedArrayBuffers of one runtime, as posted to each worker (`workerData`). */
export interface SharedBuffers {
  readonly workers: number;
  readonly ownerSlots: number;
  readonly workerSlots: number;
  readonly control: SharedArrayBuffer;
  readonly globalQueue: SharedArrayBuffer;
  readonly slots: SharedArrayBuffer;
  readonly heap: SharedArrayBuffer;
  readonly registryEntries: SharedArrayBuffer;
  readonly registryBytes: SharedArrayBuffer;
  readonly workerBlocks: SharedArrayBuffer;
  readonly metrics: SharedArrayBuffer;
  /** One completion queue per origin (0 = owner, then workers). */
  readonly completions: readonly SharedArrayBuffer[];
  /** One parker state per origin. */
  readonly parkers: readonly SharedArrayBuffer[];
}

/**
 * Typed views over a runtime's shared buffers, the same on every thread, with the few
 * computations (segments, slot addresses) every part needs.
 *
 * @internal
 */
export class SharedMemory {
  readonly workers: number;
  readonly ownerSlots: number;
  readonly workerSlots: number;
  readonly totalSlots: number;
  readonly control: Int32Array;
  readonly globalQueue: Int32Array;
  readonly globalMask: number;
  readonly slots: Int32Array;
  /** Bytes of the slot table (inline payloads). */
  readonly slotBytes: Uint8Array;
  readonly heapWords: Int32Array;
  readonly heapBytes: Uint8Array;
  readonly registryEntries: Int32Array;
  readonly registryBytes: Uint8Array;
  readonly workerBlocks: Int32Array;
  readonly metrics: Float64Array;
  readonly completions: readonly Int32Array[];
  readonly completionMasks: readonly number[];

  /** Allocates the buffers of a runtime with `workers` worker threads (on the owner). */
  static create(workers: number): SharedMemory {
    const ws = workerSlots(workers);
    const total = OWNER_SLOTS + workers * ws;
    const completions: SharedArrayBuffer[] = [];
    const parkers: SharedArrayBuffer[] = [];
    for (let origin = 0; origin <= workers; origin++) {
      const cap = origin === 0 ? OWNER_SLOTS : ws;
      completions.push(new SharedArrayBuffer((Q.Base + cap) * 4));
      parkers.push(new SharedArrayBuffer(4));
    }
    return new SharedMemory({
      workers,
      ownerSlots: OWNER_SLOTS,
      workerSlots: ws,
      control: new SharedArrayBuffer(CONTROL_WORDS * 4),
      globalQueue: new SharedArrayBuffer(nextPowerOfTwo(total) * 4),
      slots: new SharedArrayBuffer(total * SLOT_BYTES),
      heap: new SharedArrayBuffer(2 ** HEAP_ORDER),
      registryEntries: new SharedArrayBuffer(REGISTRY_CAPACITY * 2 * 4),
      registryBytes: new SharedArrayBuffer(REGISTRY_BYTES),
      workerBlocks: new SharedArrayBuffer(workers * WORKER_WORDS * 4),
      metrics: new SharedArrayBuffer(workers * METRIC_WORDS * 8),
      completions,
      parkers,
    });
  }

  constructor(readonly buffers: SharedBuffers) {
    this.workers = buffers.workers;
    this.ownerSlots = buffers.ownerSlots;
    this.workerSlots = buffers.workerSlots;
    this.totalSlots = buffers.ownerSlots + buffers.workers * buffers.workerSlots;
    this.control = new Int32Array(buffers.control);
    this.globalQueue = new Int32Array(buffers.globalQueue);
    this.globalMask = this.globalQueue.length - 1;
    this.slots = new Int32Array(buffers.slots);
    this.slotBytes = new Uint8Array(buffers.slots);
    this.heapWords = new Int32Array(buffers.heap);
    this.heapBytes = new Uint8Array(buffers.heap);
    this.registryEntries = new Int32Array(buffers.registryEntries);
    this.registryBytes = new Uint8Array(buffers.registryBytes);
    this.workerBlocks = new Int32Array(buffers.workerBlocks);
    this.metrics = new Float64Array(buffers.metrics);
    this.completions = buffers.completions.map((b) => new Int32Array(b));
    this.completionMasks = buffers.completions.map((b) => b.byteLength / 4 - Q.Base - 1);
  }

  /** First slot index of an origin's segment. */
  segmentBase(origin: number): number {
    return origin === 0 ? 0 : this.ownerSlots + (origin - 1) * this.workerSlots;
  }

  /** Slots in an origin's segment. */
  segmentSize(origin: number): number {
    return origin === 0 ? this.ownerSlots : this.workerSlots;
  }

  /** The origin (spawning thread) of a slot. */
  originOf(slot: number): number {
    return slot < this.ownerSlots ? 0 : 1 + (((slot - this.ownerSlots) / this.workerSlots) | 0);
  }

  /** Int32 index of word `word` of slot `slot`. */
  word(slot: number, word: number): number {
    return slot * SLOT_WORDS + word;
  }

  /** Byte offset of a slot's inline payload area. */
  inlineOffset(slot: number): number {
    return slot * SLOT_BYTES + INLINE_OFFSET;
  }

  /** A slot's state (without the runner). */
  state(slot: number): number {
    return Atomics.load(this.slots, slot * SLOT_WORDS + S.State) & STATE_MASK;
  }

  /** The worker a running slot runs on. */
  runnerOf(stateWord: number): number {
    return stateWord >>> STATE_BITS;
  }

  /** Int32 index of word `word` of worker `worker`'s block (worker ≥ 1). */
  workerWord(worker: number, word: number): number {
    return (worker - 1) * WORKER_WORDS + word;
  }

  /** Float64 index of counter `counter` of worker `worker` (worker ≥ 1). */
  metric(worker: number, counter: number): number {
    return (worker - 1) * METRIC_WORDS + counter;
  }

  /** True once shutdown began. */
  get shuttingDown(): boolean {
    return Atomics.load(this.control, C.Status) !== 0;
  }

  /** Local queue length + LIFO occupancy of a worker. */
  localDepth(worker: number): number {
    const b = this.workerBlocks;
    const base = (worker - 1) * WORKER_WORDS;
    const len = (Atomics.load(b, base + W.Tail) - Atomics.load(b, base + W.Head)) | 0;
    return len + (Atomics.load(b, base + W.Lifo) !== 0 ? 1 : 0);
  }
}
