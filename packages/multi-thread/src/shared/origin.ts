import { JoinError, NotSendableError, type JoinHandle } from '@tide/core';
import { CountedJoinHandle, Outcome, decodeThrown, describeThrown as describe, type EncodedThrown, type RuntimeCore, type JoinCounter, type TaskOwner } from '@tide/core/driver';
import { Uncodable } from './codec.js';
import { HEAP_MAX_PAYLOAD, INLINE, MAILBOX, S, SlotState, STATE_BITS, STATE_MASK, W, runningState } from './layout.js';
import type { Shared } from './shared.js';

/**
 * The join handle of a task that runs on another thread (or on this one, through the shared
 * queues): it is settled by its origin when the completion arrives, and its pending `yield*`
 * joins are counted by the origin (see {@link TaskOrigin.joins}). `slot` is its slot in the shared
 * task table while it has one.
 *
 * @internal
 */
export class RemoteTask extends CountedJoinHandle {
  /** The task's slot, or -1 while it waits for one (backlog) and once it settled. */
  slot = -1;

  /** @param origin - the origin that spawned it: it aborts the task and counts its joins. */
  constructor(runtime: RuntimeCore, origin: TaskOrigin) {
    super(runtime, origin, origin);
  }
}

/** A result that travelled by postMessage (it could not be encoded into shared memory). */
export interface MailboxResult {
  readonly outcome: Outcome;
  /** The value, or for a panic the encoded thrown value. */
  readonly value: unknown;
}

/** What an origin needs from the thread it lives on. */
export interface OriginHost {
  /** A slot was queued: put it where workers find it (owner: the global queue; worker: its LIFO slot). */
  publish(slot: number): void;
  /**
   * Arguments that cannot travel through shared memory (a SharedArrayBuffer, a port, a huge
   * payload): the owner pins the task to a worker and posts them; a worker runs it itself.
   * Returns the worker to post to, or -1 if none can take it now (retry later).
   */
  pinTarget(): number;
  /** Posts a pinned task's arguments to `worker` (owner only). */
  postPinned(worker: number, slot: number, args: unknown[]): void;
  /** A posted result for `slot`, if it has arrived. */
  takeMailbox(slot: number): MailboxResult | undefined;
  /** A failed task that nobody joined. */
  reportUnhandled(error: JoinError): void;
}

interface Backlogged {
  readonly cell: RemoteTask;
  readonly fn: number;
  /** Encoded arguments (a private copy), or null for pinned arguments. */
  readonly bytes: Uint8Array | null;
  readonly args: unknown[] | null;
}

/**
 * One thread's side of the tasks it spawns onto the shared queues (Tokio has no such thing: its
 * tasks are heap objects any thread can poll; here a task's state lives in the spawning thread's
 * heap and its descriptor in shared memory). The origin allocates slots in its own segment of
 * the task table, encodes the arguments there, publishes the slot, and later drains its
 * completion queue to settle the join handles. It is the join handles' {@link TaskOwner}:
 * `abort()` cancels a queued task in place or flags a running one for its worker.
 *
 * When the segment is full (tens of thousands of tasks in flight) spawns wait in a backlog on
 * this thread and are published as slots free up.
 *
 * @internal
 */
export class TaskOrigin implements TaskOwner, JoinCounter {
  readonly base: number;
  readonly size: number;
  private readonly cells: (RemoteTask | undefined)[];
  private readonly freeRing: Int32Array;
  private freeHead = 0;
  private freeTail = 0;
  private backlog: Backlogged[] = [];
  private backlogHead = 0;
  private readonly waitingMail = new Set<number>();
  private unobserved: RemoteTask[] = [];
  private reportScheduled = false;
  /** Join handles not yet settled. */
  alive = 0;
  /**
   * Handles a task on this thread is joining (polled, pending, joiner not aborted): while any is,
   * a loop that holds this thread synchronously (another runtime's `blockOn`) collects this
   * runtime's completions and is woken by them (see `OwnerForeignWake`).
   */
  joins = 0;
  /** Slots in use (published, not yet collected). */
  inFlight = 0;
  /** Tasks spawned through this origin. */
  spawned = 0;

  constructor(
    private readonly shared: Shared,
    /** This origin's index: 0 for the owner, the worker index on a worker. */
    readonly index: number,
    private readonly runtime: RuntimeCore,
    private readonly host: OriginHost,
  ) {
    const memory = shared.memory;
    this.base = memory.segmentBase(index);
    this.size = memory.segmentSize(index);
    this.cells = new Array<RemoteTask | undefined>(this.size);
    this.freeRing = new Int32Array(this.size);
    // A replacement worker inherits its predecessor's segment: slots still in use are orphans
    // (their handles died with it), collected and freed when they complete.
    for (let i = 0; i < this.size; i++) {
      if (memory.state(this.base + i) === SlotState.Free) this.freeRing[this.freeTail++ % this.size] = i;
      else this.inFlight++;
    }
  }

  /** Spawns the task (url, name) with `args`. Throws NotSendableError for arguments that cannot be sent. */
  spawn(url: string, name: string, args: unknown[]): RemoteTask {
    const fn = this.shared.registry.intern(url, name);
    const encoder = this.shared.encoder;
    let encoded = false;
    let pinned: unknown[] | null = null;
    try {
      encoder.encodeArgs(args);
      if (encoder.length > HEAP_MAX_PAYLOAD) pinned = cloneArgs(args, name);
      else encoded = true;
    } catch (error) {
      if (!(error instanceof Uncodable)) throw error;
      pinned = cloneArgs(args, name);
    }
    const cell = new RemoteTask(this.runtime, this);
    this.alive++;
    this.spawned++;
    const bytes = encoded ? encoder.buffer : null;
    if (this.backlogHead < this.backlog.length || !this.publish(cell, fn, bytes, encoder.length, pinned)) {
      this.backlog.push({ cell, fn, bytes: encoded ? encoder.copy() : null, args: pinned });
    }
    return cell;
  }

  /** A task on this thread started joining one of its handles (see {@link JoinCounter}). */
  joined(): void {
    this.joins++;
  }

  /** That join is over. */
  left(): void {
    this.joins--;
  }

  /** True while spawns wait for a free slot. */
  get hasBacklog(): boolean {
    return this.backlogHead < this.backlog.length;
  }

  /** Settles the handles of every task that completed. Returns how many completions it handled. */
  drain(): number {
    const queue = this.shared.completions[this.index]!;
    let handled = 0;
    for (;;) {
      const slot = queue.pop();
      if (slot < 0) break;
      this.complete(slot);
      handled++;
    }
    if (this.waitingMail.size > 0) {
      for (const slot of [...this.waitingMail]) {
        this.waitingMail.delete(slot);
        this.complete(slot);
      }
    }
    if (this.backlogHead < this.backlog.length) this.flushBacklog();
    return handled;
  }

  /** True if a completion is ready to drain. */
  get ready(): boolean {
    return this.shared.completions[this.index]!.ready;
  }

  /** Requests cancellation (the TaskOwner side of `JoinHandle.abort`). */
  abortTask(task: JoinHandle<unknown, string>): void {
    const cell = task as RemoteTask;
    if (cell.isFinished()) return;
    const slot = cell.slot;
    if (slot < 0) {
      // Still in the backlog: it never reached shared memory.
      this.settle(cell, Outcome.Cancelled, undefined);
      return;
    }
    const memory = this.shared.memory;
    const at = memory.word(slot, S.State);
    for (;;) {
      const word = Atomics.load(memory.slots, at);
      const state = word & STATE_MASK;
      if (state === SlotState.Queued) {
        if (Atomics.compareExchange(memory.slots, at, word, SlotState.Cancelled) !== word) continue;
        // Not started: it will never run. The slot is released when a worker pops it.
        this.settle(cell, Outcome.Cancelled, undefined);
        return;
      }
      if (state === SlotState.Running) {
        const runner = word >>> STATE_BITS;
        Atomics.store(memory.slots, memory.word(slot, S.Abort), 1);
        Atomics.add(memory.workerBlocks, memory.workerWord(runner, W.AbortEpoch), 1);
        this.shared.unparkWorker(runner);
      }
      return;
    }
  }

  /** Settles every unsettled handle as cancelled (shutdown). */
  cancelAll(): void {
    for (let i = 0; i < this.size; i++) {
      const cell = this.cells[i];
      if (cell !== undefined) this.settle(cell, Outcome.Cancelled, undefined);
    }
    for (let i = this.backlogHead; i < this.backlog.length; i++) this.settle(this.backlog[i]!.cell, Outcome.Cancelled, undefined);
    this.backlog = [];
    this.backlogHead = 0;
  }

  /** Reports failed tasks nobody joined (once each). */
  reportUnhandled(): void {
    this.reportScheduled = false;
    const failed = this.unobserved;
    this.unobserved = [];
    for (const cell of failed) {
      if (cell.observed) continue;
      cell.observed = true;
      try {
        this.host.reportUnhandled(new JoinError('panic', cell.id, cell.result));
      } catch {
        // A failing hook must not take the runtime down.
      }
    }
  }

  // ---- internals ----

  private publish(cell: RemoteTask, fn: number, bytes: Uint8Array | null, length: number, pinned: unknown[] | null): boolean {
    if (this.freeHead === this.freeTail) return false;
    const shared = this.shared;
    const memory = shared.memory;
    const local = this.freeRing[this.freeHead % this.size]!;
    const slot = this.base + local;
    let worker = 0;
    if (pinned !== null) {
      worker = this.host.pinTarget();
      if (worker < 0) return false;
      memory.slots[memory.word(slot, S.ArgsLen)] = MAILBOX;
      memory.slots[memory.word(slot, S.ArgsOff)] = INLINE;
    } else if (!shared.payloads.store(slot, S.ArgsLen, S.ArgsOff, bytes!, length)) {
      return false; // the heap is full: wait for results to free it
    }
    this.freeHead++;
    const words = memory.slots;
    const base = memory.word(slot, 0);
    words[base + S.Fn] = fn;
    words[base + S.ResLen] = 0;
    words[base + S.ResOff] = INLINE;
    words[base + S.Outcome] = 0;
    words[base + S.Abort] = 0;
    this.cells[local] = cell;
    cell.slot = slot;
    this.inFlight++;
    if (pinned !== null) {
      Atomics.store(words, base + S.State, runningState(worker));
      this.host.postPinned(worker, slot, pinned);
    } else {
      Atomics.store(words, base + S.State, SlotState.Queued);
      this.host.publish(slot);
    }
    return true;
  }

  private flushBacklog(): void {
    const backlog = this.backlog;
    while (this.backlogHead < backlog.length) {
      const entry = backlog[this.backlogHead]!;
      if (!entry.cell.isFinished() && !this.publish(entry.cell, entry.fn, entry.bytes, entry.bytes?.length ?? 0, entry.args)) break;
      backlog[this.backlogHead++] = undefined as unknown as Backlogged;
    }
    if (this.backlogHead === backlog.length) {
      this.backlog = [];
      this.backlogHead = 0;
    } else if (this.backlogHead > 4096 && this.backlogHead * 2 > backlog.length) {
      this.backlog = backlog.slice(this.backlogHead);
      this.backlogHead = 0;
    }
  }

  private complete(slot: number): void {
    const memory = this.shared.memory;
    const payloads = this.shared.payloads;
    const local = slot - this.base;
    const base = memory.word(slot, 0);
    const state = Atomics.load(memory.slots, base + S.State) & STATE_MASK;
    if (state === SlotState.Cancelled) {
      if (memory.slots[base + S.ArgsLen] !== MAILBOX) payloads.release(slot, S.ArgsOff);
      this.free(local, slot);
      return;
    }
    if (state !== SlotState.Done) return;
    let outcome = memory.slots[base + S.Outcome] as Outcome;
    let value: unknown = undefined;
    if (memory.slots[base + S.ResLen] === MAILBOX) {
      const mail = this.host.takeMailbox(slot);
      if (mail === undefined) {
        this.waitingMail.add(slot);
        return;
      }
      outcome = mail.outcome;
      value = mail.value;
    } else if (outcome !== Outcome.Cancelled) {
      try {
        value = payloads.load(slot, S.ResOff);
      } catch (error) {
        outcome = Outcome.Panic;
        value = { error: { name: 'Error', message: `the task's result could not be decoded: ${describe(error)}`, stack: undefined, props: {} } };
      }
      payloads.release(slot, S.ResOff);
    }
    if (outcome === Outcome.Panic) value = decodeThrown(value as EncodedThrown);
    const cell = this.cells[local];
    this.free(local, slot);
    if (cell !== undefined) this.settle(cell, outcome, value);
  }

  private free(local: number, slot: number): void {
    Atomics.store(this.shared.memory.slots, this.shared.memory.word(slot, S.State), SlotState.Free);
    this.cells[local] = undefined;
    this.freeRing[this.freeTail++ % this.size] = local;
    this.inFlight--;
  }

  private settle(cell: RemoteTask, outcome: Outcome, value: unknown): void {
    if (!cell.settle(outcome, outcome === Outcome.Cancelled ? undefined : value)) return;
    this.alive--;
    if (outcome === Outcome.Panic && !cell.observed) {
      this.unobserved.push(cell);
      if (!this.reportScheduled) {
        this.reportScheduled = true;
        setImmediate(() => this.reportUnhandled()).unref();
      }
    }
  }
}

/** A private copy of arguments that travel by postMessage; names the argument that cannot be cloned. */
export function cloneArgs(args: unknown[], name: string): unknown[] {
  try {
    return structuredClone(args);
  } catch {
    for (let i = 0; i < args.length; i++) {
      try {
        structuredClone(args[i]);
      } catch (error) {
        throw new NotSendableError(
          `spawn(${name}): argument ${i} cannot be sent to another thread (${describe(error)}). ` +
            'Pass plain data (structured-cloneable values: objects, arrays, typed arrays, Map, Set, …), not functions or class instances with methods.',
          { cause: error },
        );
      }
    }
    throw new NotSendableError(`spawn(${name}): the arguments cannot be sent to another thread`);
  }
}
