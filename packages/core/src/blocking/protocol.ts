import type { MessagePort } from 'node:worker_threads';
import type { SharedHandle } from '../runtime/shared-handle.js';
import type { EncodedThrown } from './error-codec.js';

/**
 * The wire protocol between the blocking pool (on the runtime's thread) and its worker threads.
 *
 * Each worker has its own MessageChannel: the pool posts one task at a time on its end, the
 * worker posts the result back and then unparks the runtime's parker, so the runtime thread can
 * sit in `Atomics.wait` (inside a synchronous `blockOn`) and still collect results with
 * `receiveMessageOnPort`. Two small SharedArrayBuffers carry what must be readable without the
 * event loop: a per-worker status block and a pool-wide block of "something happened" counters.
 */

/** Int32 slots of a worker's status block. */
export const Status = {
  /** The worker's state, one of {@link WorkerState}. Written by the worker. */
  State: 0,
  /**
   * The sequence number of the task the pool dispatched and the worker has not claimed yet, or 0.
   * Whoever swaps it back to 0 first owns the task: the worker (it starts the task) or the pool
   * (it cancels it before it started).
   */
  Claim: 1,
  /** 1 when the worker posted a message the pool has not drained yet. */
  Mail: 2,
  /** The worker's exit code, valid once State is {@link WorkerState.Exited}. */
  ExitCode: 3,
} as const;

/** Bytes of a worker's status block. */
export const STATUS_BYTES = 4 * 4;

/** Values of the {@link Status.State} slot. */
export const WorkerState = { Starting: 0, Idle: 1, Busy: 2, Exited: 3 } as const;

/** Int32 slots of the pool-wide block. */
export const PoolState = {
  /** Incremented by a worker each time it posts a message (results and its exit notice). */
  Mail: 0,
  /** Incremented by a worker when its thread exits. */
  Exits: 1,
  /**
   * 1 while another runtime's loop on the owner thread is parked synchronously and joins a task
   * of this pool: after each message, a worker also unparks the watcher (the last parker posted
   * on its watch port). The pool sets it before it last looks at {@link PoolState.Mail}; a worker
   * reads it after it bumped Mail: one of the two sees the other.
   */
  Watching: 2,
  /** Bumped by the pool after it posted a new watcher to every worker's watch port. */
  WatchEpoch: 3,
  /**
   * 1 while a task on the owner thread joins a task of this pool: after each message, a worker
   * also unparks the pool's host wake parker, which the pool waits for with `Atomics.waitAsync`
   * (how a join completes while the owner thread's event loop runs another runtime's `run()`).
   */
  HostWatching: 4,
} as const;

/** Bytes of the pool-wide block. */
export const POOL_STATE_BYTES = 5 * 4;

/** What a blocking worker receives as `workerData`. */
export interface WorkerInit {
  /** The worker's end of its channel (in the transfer list). */
  readonly port: MessagePort;
  /** The worker's status block ({@link Status}). */
  readonly status: SharedArrayBuffer;
  /** The pool-wide block ({@link PoolState}). */
  readonly pool: SharedArrayBuffer;
  /** The runtime thread's parker, unparked after each message. */
  readonly owner: SharedArrayBuffer;
  /** The worker's end of its watch channel: parker buffers to wake while {@link PoolState.Watching} (never started; read with `receiveMessageOnPort`). */
  readonly watch: MessagePort;
  /** The last watcher posted before this worker started, if any ({@link PoolState.Watching}). */
  readonly watcher: SharedArrayBuffer | undefined;
  /** The {@link PoolState.WatchEpoch} that `watcher` belongs to. */
  readonly watchEpoch: number;
  /** The pool's host wake parker, unparked after each message while {@link PoolState.HostWatching}. */
  readonly hostWake: SharedArrayBuffer;
  /** The runtime's shared handle, entered for the worker's lifetime, if the pool was given one. */
  readonly shared: SharedHandle | undefined;
}

/** Pool → worker: run this task. `id` is the dispatch sequence number (also put in the Claim slot). */
export interface TaskMessage {
  readonly id: number;
  readonly url: string;
  readonly name: string;
  readonly args: unknown[];
}

/** Worker → pool: the task finished. */
export type ResultMessage =
  | { readonly kind: 'result'; readonly id: number; readonly ok: true; readonly value: unknown }
  | { readonly kind: 'result'; readonly id: number; readonly ok: false; readonly error: EncodedThrown };

/** Worker → pool: the thread is exiting (sent from its `process.on('exit')`), with the uncaught error that killed it, if any. */
export interface ExitMessage {
  readonly kind: 'exit';
  readonly code: number;
  readonly error: EncodedThrown | undefined;
}

/** Any message a worker posts. */
export type WorkerMessage = ResultMessage | ExitMessage;
