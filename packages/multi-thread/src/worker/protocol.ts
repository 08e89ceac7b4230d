import type { MessagePort } from 'node:worker_threads';
import type { SendableDriverFactory } from '@tide/core/driver';
import type { SharedBuffers } from '../shared/memory.js';
import type { OwnerWatchWords } from './owner-watch.js';

/**
 * What the owner and a worker thread exchange outside shared memory: the worker's start-up data
 * and the few messages that are not on the hot path (pinned tasks whose arguments need
 * postMessage, results that need it, shutdown).
 *
 * @internal
 * @packageDocumentation
 */

/** A hook task by name, with its structured-clone arguments. */
export interface HookRef {
  readonly url: string;
  readonly name: string;
  readonly args: unknown[];
}

/** A worker's `workerData`. */
export interface WorkerInit {
  /** The worker's index (1-based); a replacement gets the dead worker's. */
  readonly index: number;
  readonly runtimeId: number;
  readonly name: string | undefined;
  readonly buffers: SharedBuffers;
  /** The worker's end of its control channel with the owner. */
  readonly port: MessagePort;
  readonly drivers: readonly SendableDriverFactory[];
  readonly driverNames: readonly string[];
  readonly eventInterval: number;
  readonly globalQueueInterval: number;
  readonly maxBlockingThreads: number;
  readonly threadKeepAliveMs: number;
  readonly onThreadStart: HookRef | undefined;
  readonly onThreadStop: HookRef | undefined;
  /**
   * Where in `buffers.workerBlocks` this worker's exit hook reports (the `W.Exited`, `W.ExitCode`
   * and `W.OwnerMail` words), so the entry script needs no import to install it.
   */
  readonly exitWords: { readonly exited: number; readonly exitCode: number; readonly ownerMail: number };
  /** Modules of tasks spawned so far: import them ahead of their first task (a replacement worker). */
  readonly preload: readonly string[];
  /**
   * The worker's end of the watch channel: the owner posts on it the parker (a SharedArrayBuffer)
   * that a delivery to the owner must also unpark while another runtime parks the owner thread.
   */
  readonly watchPort: MessagePort;
  /** Where the `C.Watching` and `C.WatchEpoch` words are in `buffers.control`. */
  readonly watchWords: OwnerWatchWords;
}

/** Owner → worker. */
export type ToWorker =
  /** Run this task (already claimed for this worker); its arguments needed postMessage. */
  | { readonly op: 'task'; readonly slot: number; readonly args: unknown[] }
  /** A result for a task this worker spawned, relayed from the worker that ran it. */
  | { readonly op: 'result'; readonly slot: number; readonly outcome: number; readonly value: unknown }
  /** A task module is in use: import it now, so its first task here does not wait for the import. */
  | { readonly op: 'preload'; readonly url: string }
  /** Stop: cancel everything, run the stop hook, exit. */
  | { readonly op: 'shutdown'; readonly timeoutMs: number };

/** Worker → owner. */
export type ToOwner =
  /** A result for a task the owner spawned that needed postMessage. */
  | { readonly op: 'result'; readonly slot: number; readonly outcome: number; readonly value: unknown }
  /** The same for a task another worker spawned: forward it (moving its buffer on if `transfer`). */
  | { readonly op: 'relay'; readonly to: number; readonly slot: number; readonly outcome: number; readonly value: unknown; readonly transfer: boolean };
