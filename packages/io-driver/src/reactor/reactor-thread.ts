import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { workerExecArgv } from '@tide/core/driver';
import { Control, ReactorState, type ReactorInit } from './protocol.js';

/** How long a new reactor thread may take to start before its runtime gives up on it. */
const STARTUP_TIMEOUT_MS = 30_000;

/** The reactor script beside the built driver (the package's `dist`). */
const REACTOR_URL = new URL('./reactor-worker.js', import.meta.url);

/**
 * The runtime thread's side of the reactor thread: starts the worker on first use, rings its
 * doorbell, keeps it `ref()`ed only while operations are pending, and shuts it down.
 *
 * @internal
 */
export class ReactorThread {
  private worker: Worker | null = null;
  private startedAt = 0;
  private refed = false;
  private readonly control: Int32Array;

  /** @param init - the shared memory and settings for the worker. */
  constructor(private readonly init: ReactorInit) {
    this.control = new Int32Array(init.control);
  }

  /** True once the worker was started. */
  get started(): boolean {
    return this.worker !== null;
  }

  /** True once the reactor thread is exiting or gone. */
  get exited(): boolean {
    return Atomics.load(this.control, Control.Exited) !== 0;
  }

  /**
   * Milliseconds left for a worker that was started to report that its loop runs; 0 once it is
   * overdue (it will never run: its script failed to load), Infinity once it runs.
   */
  startupRemaining(): number {
    if (this.worker === null || Atomics.load(this.control, Control.Running) !== 0) return Infinity;
    return Math.max(0, this.startedAt + STARTUP_TIMEOUT_MS - performance.now());
  }

  /** Starts the worker if it is not running (it drains the commands already sent). */
  start(): void {
    if (this.worker !== null) return;
    const path = fileURLToPath(REACTOR_URL);
    if (!existsSync(path)) {
      throw new Error(
        `@tide/io-driver: the reactor thread's script ${path} does not exist. ` +
          'The driver must be loaded from the package\'s built dist (run its build), not from its TypeScript sources.',
      );
    }
    const worker = new Worker(REACTOR_URL, { workerData: this.init, name: 'tide-io-reactor', execArgv: workerExecArgv() });
    // The reactor never keeps the process alive by itself.
    worker.unref();
    worker.on('error', () => {
      // Reported through the control block (the reactor's exit handler); nothing to do here.
    });
    worker.on('exit', () => {
      Atomics.store(this.control, Control.Exited, 1);
    });
    this.worker = worker;
    this.refed = false;
    this.startedAt = performance.now();
  }

  /** Tells the reactor that commands were sent: notifies it only if it sleeps on the doorbell. */
  ring(): void {
    const control = this.control;
    Atomics.add(control, Control.Doorbell, 1);
    if (Atomics.compareExchange(control, Control.State, ReactorState.Sleeping, ReactorState.Waking) === ReactorState.Sleeping) {
      Atomics.notify(control, Control.Doorbell);
    }
  }

  /** Keeps the process alive while operations are pending (`true`), or not. */
  setRef(ref: boolean): void {
    const worker = this.worker;
    if (worker === null || ref === this.refed) return;
    this.refed = ref;
    if (ref) worker.ref();
    else worker.unref();
  }

  /**
   * Asks the reactor to close every socket, listener and file and exit; waits (synchronously)
   * up to `timeoutMs` for it to confirm, then terminates the worker.
   */
  shutdown(timeoutMs: number): void {
    const worker = this.worker;
    if (worker === null) return;
    const control = this.control;
    Atomics.store(control, Control.ShutdownRequested, 1);
    this.ring();
    Atomics.notify(control, Control.Doorbell);
    const deadline = performance.now() + timeoutMs;
    while (Atomics.load(control, Control.ShutdownDone) === 0 && Atomics.load(control, Control.Exited) === 0) {
      const remaining = deadline - performance.now();
      if (remaining <= 0) break;
      Atomics.wait(control, Control.ShutdownDone, 0, remaining);
    }
    this.refed = false;
    worker.unref();
    void worker.terminate().catch(() => {});
  }
}
