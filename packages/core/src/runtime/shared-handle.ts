import type { MessagePort } from 'node:worker_threads';
import type { RuntimeFlavor } from './runtime-handle.js';

/**
 * A runtime handle in a form that can be posted to a worker thread (structured clone / transfer
 * list). Turn it back into a handle there with `Handle.fromShared(shared)`.
 */
export interface SharedHandle {
  /** Brand for run-time checks. */
  readonly kind: 'tide.shared-handle';
  /** The runtime's id. */
  readonly id: number;
  /** The runtime's flavor. */
  readonly flavor: RuntimeFlavor;
  /** The runtime's name. */
  readonly name: string | undefined;
  /** The runtime's driver names. */
  readonly drivers: readonly string[];
  /**
   * How `Handle.fromShared(shared).blockOn(task)` runs the task. True when the runtime's flavor
   * runs tasks on its own threads, which turn its drivers (multi-thread): the task is sent to the
   * runtime and the calling thread waits for its outcome, so it may use every driver. False when
   * the runtime runs only while a caller drives it (current-thread): the task runs on the calling
   * thread, without the runtime's drivers.
   */
  readonly runsRemoteBlockOn: boolean;
  /** Where spawn requests go: the runtime's inject port. */
  readonly port: MessagePort;
  /** The runtime thread's parker state, to wake it after posting. */
  readonly parker: SharedArrayBuffer;
}
