import { Parker } from '@tide/core/driver';
import { CompletionQueue } from '../queue/completion-queue.js';
import { GlobalQueue } from '../queue/global-queue.js';
import { LocalQueue } from '../queue/local-queue.js';
import { Encoder } from './codec.js';
import { SharedHeap } from './heap.js';
import type { OwnerWatch } from '../worker/owner-watch.js';
import { C, W, WorkerState } from './layout.js';

/** Core's Parker state meaning "an unpark is pending". */
const NOTIFIED = 2;
import { SharedMemory, type SharedBuffers } from './memory.js';
import { Payloads } from './payload.js';
import { TaskRegistry } from './registry.js';

/**
 * One thread's handles on a runtime's shared state: the memory views, the task registry, the
 * payload heap, the queues and every origin's parker. Built once per thread.
 *
 * @internal
 */
export class Shared {
  readonly memory: SharedMemory;
  readonly registry: TaskRegistry;
  readonly heap: SharedHeap;
  readonly payloads: Payloads;
  readonly encoder = new Encoder();
  readonly global: GlobalQueue;
  /** Local queues by worker index (index 0 unused). */
  readonly locals: LocalQueue[];
  /** Completion queues by origin index. */
  readonly completions: CompletionQueue[];
  /** Parkers by origin index: 0 the owner, then the workers. */
  readonly parkers: Parker[];
  /** On a worker: wakes a runtime that parks the owner thread, after each delivery to the owner. */
  ownerWatch: OwnerWatch | undefined = undefined;
  private readonly parkerWords: Int32Array[];

  constructor(buffers: SharedBuffers) {
    this.memory = new SharedMemory(buffers);
    this.registry = new TaskRegistry(this.memory);
    this.heap = new SharedHeap(this.memory.heapWords, this.memory.control);
    this.payloads = new Payloads(this.memory, this.heap);
    this.global = new GlobalQueue(this.memory);
    this.locals = [];
    for (let w = 0; w <= this.memory.workers; w++) this.locals.push(new LocalQueue(this.memory, Math.max(1, w)));
    this.completions = this.memory.completions.map((words) => new CompletionQueue(words));
    this.parkers = buffers.parkers.map((b) => Parker.fromShared(b));
    this.parkerWords = buffers.parkers.map((b) => new Int32Array(b));
  }

  /**
   * Wakes origin `origin` (the owner or a worker) to collect what was delivered to it. A wake-up
   * already pending is enough: the origin drains after consuming it, so this costs a load, not a
   * contended read-modify-write, when results stream in.
   */
  notify(origin: number): void {
    if (!this.isNotified(origin)) this.parkers[origin]!.unpark();
    if (origin === 0) this.ownerWatch?.wake();
  }

  /** True if thread `index` (0 = owner) was woken and has not yet consumed the wake-up. */
  isNotified(index: number): boolean {
    return Atomics.load(this.parkerWords[index]!, 0) === NOTIFIED;
  }

  /** Wakes worker `worker` if it is parked (it re-reads everything it waits on). */
  unparkWorker(worker: number): void {
    this.parkers[worker]!.unpark();
  }

  /** Wakes up to `count` parked workers, unless enough are already searching for work. */
  wakeIdle(count: number, except = 0): void {
    const control = this.memory.control;
    if (Atomics.load(control, C.Parked) === 0) return;
    if (Atomics.load(control, C.Searching) >= count) return;
    const blocks = this.memory.workerBlocks;
    for (let w = 1; w <= this.memory.workers && count > 0; w++) {
      if (w === except) continue;
      const parker = this.parkers[w]!;
      if (Atomics.load(blocks, this.memory.workerWord(w, W.State)) === WorkerState.Parked && !parker.notified) {
        parker.unpark();
        count--;
      }
    }
  }
}
