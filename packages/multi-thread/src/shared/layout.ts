/**
 * The shared-memory layout of a multi-thread runtime: every index and size the owner thread and
 * the worker threads agree on. All of it lives in SharedArrayBuffers created by the owner (see
 * `memory.ts`); nothing here allocates.
 *
 * Threads are numbered by *origin index*: 0 is the owner (the thread that built the runtime),
 * 1..N are the worker threads. A replacement for a dead worker takes over its index and its
 * shared state.
 *
 * @internal
 * @packageDocumentation
 */

// ---- task slots ----

/**
 * A task that crosses threads lives in a *slot* of the shared task table while it is queued,
 * running, or finished and not yet collected. Each origin owns a segment of the table: it alone
 * allocates and frees slots there, so allocation needs no atomics.
 */
export const SLOT_WORDS = 32;
/** Bytes per slot. */
export const SLOT_BYTES = SLOT_WORDS * 4;
/** Byte offset of the inline payload area inside a slot. */
export const INLINE_OFFSET = 32;
/** Payloads up to this size (arguments, then the result) are stored in the slot itself. */
export const INLINE_BYTES = SLOT_BYTES - INLINE_OFFSET;

/** Int32 words of a slot. */
export const S = {
  /** State (low 4 bits, {@link SlotState}); while running, the runner's origin index in the bits above. */
  State: 0,
  /** The interned id of the task function (registry). */
  Fn: 1,
  /** Byte length of the encoded arguments; {@link MAILBOX} when they travel by postMessage. */
  ArgsLen: 2,
  /** Heap offset of the arguments, or {@link INLINE} when they are in the slot. */
  ArgsOff: 3,
  /** Byte length of the encoded result; {@link MAILBOX} when it travels by postMessage. */
  ResLen: 4,
  /** Heap offset of the result, or {@link INLINE}. */
  ResOff: 5,
  /** How the task ended ({@link Outcome} values of core). */
  Outcome: 6,
  /** 1 once the origin asked for the running task to be aborted. */
  Abort: 7,
} as const;

/** The payload is inline in the slot. */
export const INLINE = -1;
/** The payload travels by postMessage (it holds values the byte codec cannot carry). */
export const MAILBOX = -1;

/** Slot states. */
export const SlotState = {
  Free: 0,
  /** Published and in some queue, not started. */
  Queued: 1,
  /** Claimed by a worker (its index is in the bits above {@link STATE_BITS}). */
  Running: 2,
  /** Finished: outcome and result written, completion pushed to the origin. */
  Done: 3,
  /** Aborted before it started; its index may still sit in a queue. */
  Cancelled: 4,
} as const;

/** Bits of the state word that hold the state; the runner's index is above them. */
export const STATE_BITS = 4;
/** Mask of the state bits. */
export const STATE_MASK = (1 << STATE_BITS) - 1;

/** The state word of a slot running on worker `runner`. */
export function runningState(runner: number): number {
  return SlotState.Running | (runner << STATE_BITS);
}

// ---- the control block ----

/** Int32 words of the runtime-wide control block. */
export const C = {
  /** 0 while serving, 1 once shutdown began. */
  Status: 0,
  GlobalLock: 1,
  GlobalHead: 2,
  GlobalTail: 3,
  /** Workers spinning for work (looking before they park). */
  Searching: 4,
  /** Workers parked. */
  Parked: 5,
  HeapLock: 6,
  RegistryLock: 7,
  /** Task functions interned so far. */
  RegistryCount: 8,
  /** Bytes of the registry's string area in use. */
  RegistryBytes: 9,
  /** Workers that finished their shutdown. */
  Stopped: 10,
  /** The owner's unsettled join handles (for metrics read on workers). */
  OwnerAlive: 11,
  /** Tasks spawned from the owner thread. */
  OwnerSpawned: 12,
  /** Workers that cancelled their tasks (the first stage of their shutdown). */
  Cancelled: 13,
  /** 1 while the owner blocks in `blockOn`: a worker that parks quietly then wakes it to check for a deadlock. */
  OwnerBlocking: 14,
  /** Workers that finished starting (their onThreadStart hook ran): build() waits for all. */
  Ready: 15,
  /**
   * 1 while the owner thread is parked synchronously by another runtime (a current-thread
   * `blockOn`) that joins one of this runtime's tasks: a delivery to the owner then also unparks
   * that runtime's parker, the one announced last (see {@link C.WatchEpoch}).
   */
  Watching: 16,
  /** Bumped by the owner after it posted a new parker to wake to every worker (`OwnerWatch`). */
  WatchEpoch: 17,
  /** First word of the heap's free-list heads (one per order). */
  HeapFree: 32,
} as const;

/** Words of the control block. */
export const CONTROL_WORDS = 96;

// ---- worker blocks ----

/** Int32 words of a worker's block (index = worker index - 1). */
export const W = {
  /** Lock of the local queue. */
  Lock: 0,
  Head: 1,
  Tail: 2,
  /** The LIFO slot: a slot index + 1, or 0. Not stealable. */
  Lifo: 3,
  /** {@link WorkerState}. */
  State: 4,
  /** Bumped by an origin that flagged one of this worker's running tasks for abort. */
  AbortEpoch: 5,
  /** 1 when the owner posted control messages the worker has not read. */
  Mail: 6,
  /** 1 when the worker posted messages to the owner that it has not read. */
  OwnerMail: 7,
  /** 1 once the thread is exiting (set from its exit hook), with the code in {@link W.ExitCode}. */
  Exited: 8,
  ExitCode: 9,
  /**
   * 1 while the worker is parked with nothing that could ever wake it from its own thread (no
   * timer, IO, async task, import, blocking task, shared handle or task of its own in flight):
   * only another thread can. The owner's deadlock detection reads it.
   */
  Quiet: 10,
  /** Bumped each time the worker parks (the deadlock detection checks nothing moved). */
  ParkEpoch: 11,
  /** First word of the local queue's ring. */
  Queue: 64,
} as const;

/** Capacity of a worker's local queue (Tokio's). */
export const LOCAL_QUEUE_CAPACITY = 256;
/** Words of a worker block. */
export const WORKER_WORDS = W.Queue + LOCAL_QUEUE_CAPACITY;

/** Values of a worker's {@link W.State}. */
export const WorkerState = { Starting: 0, Running: 1, Searching: 2, Parked: 3, Dead: 4, Stopped: 5 } as const;

/** Float64 counters per worker (metrics), written by the worker, read by anyone. */
export const M = {
  BusyMs: 0,
  Polls: 1,
  Parks: 2,
  Unparks: 3,
  Steals: 4,
  /** Tasks alive on the worker that are its own (spawnLocal), not shared tasks it runs. */
  LocalAlive: 5,
  /** Shared tasks this worker spawned and has not collected. */
  Outstanding: 6,
  /** Tasks spawned from this worker (shared and local). */
  Spawned: 7,
  /** The worker's blocking pool: threads, idle threads, queued tasks. */
  BlockingThreads: 8,
  IdleBlockingThreads: 9,
  BlockingQueue: 10,
} as const;

/** Float64 words per worker's counters. */
export const METRIC_WORDS = 16;

// ---- completion queues ----

/** Int32 words of an origin's completion queue (MPSC ring of slot index + 1). */
export const Q = {
  Head: 0,
  Tail: 16,
  Base: 32,
} as const;

// ---- sizes ----

/** Slots of the owner's segment. */
export const OWNER_SLOTS = 1 << 17;
/** Slots of a worker's segment (smaller with many workers). */
export function workerSlots(workers: number): number {
  const per = Math.floor((1 << 20) / workers);
  let slots = 1024;
  while (slots * 2 <= per && slots < 1 << 14) slots *= 2;
  return slots;
}

/** Bytes of the shared payload heap (power of two). */
export const HEAP_ORDER = 25;
/** Smallest heap block (power of two). */
export const HEAP_MIN_ORDER = 6;
/** Payloads larger than this travel by postMessage. */
export const HEAP_MAX_PAYLOAD = 1 << (HEAP_ORDER - 2);

/** Task functions the registry can intern. */
export const REGISTRY_CAPACITY = 8192;
/** Bytes of the registry's string area. */
export const REGISTRY_BYTES = 1 << 20;

/** Rounds up to a power of two. */
export function nextPowerOfTwo(n: number): number {
  let p = 1;
  while (p < n) p *= 2;
  return p;
}
