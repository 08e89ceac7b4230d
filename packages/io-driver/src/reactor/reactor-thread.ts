import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { workerExecArgv } from '@tide/core/driver';
import { unparkParker } from '@tide/core/parker';
import { Control, ReactorState, type ReactorInit } from './protocol.js';

/** What {@link ReactorThread.probe} reads from Node's native worker handle. */
interface NativeWorkerHandle {
  /** When the thread's event loop started (ms, as `performance.now()`), or -1 once it stopped. */
  loopStartTime(): number;
}

/**
 * The native handle behind a `Worker` (Node keeps it under a symbol described `kHandle`; the
 * public `eventLoopUtilization()` reads the same method, but only after the thread's `online`
 * message went through this thread's event loop). Null if this Node has no such handle: then a
 * reactor stopped from outside is not noticed while a synchronous `blockOn` waits (a thread that
 * exits by itself still is).
 */
function nativeHandle(worker: Worker): NativeWorkerHandle | null {
  const symbol = Object.getOwnPropertySymbols(worker).find((s) => s.description === 'kHandle');
  const handle = symbol === undefined ? undefined : (worker as unknown as Record<symbol, unknown>)[symbol];
  if (typeof handle !== 'object' || handle === null) return null;
  const loopStartTime = (handle as { loopStartTime?: unknown }).loopStartTime;
  return typeof loopStartTime === 'function' ? { loopStartTime: () => loopStartTime.call(handle) as number } : null;
}

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
  private readonly runtimeParker: Int32Array;
  private native: NativeWorkerHandle | null | undefined;
  /** What the reactor thread threw, if it died of an uncaught error and this thread has heard of it. */
  error: Error | null = null;

  /** @param init - the shared memory and settings for the worker. */
  constructor(private readonly init: ReactorInit) {
    this.control = new Int32Array(init.control);
    this.runtimeParker = new Int32Array(init.parker);
  }

  /** True once the worker was started. */
  get started(): boolean {
    return this.worker !== null;
  }

  /** True once the reactor thread announced that its loop runs. */
  get running(): boolean {
    return Atomics.load(this.control, Control.Running) !== 0;
  }

  /** True once the reactor thread is exiting or gone (as far as it was announced or {@link ReactorThread.probe}d). */
  get exited(): boolean {
    return Atomics.load(this.control, Control.Exited) !== 0;
  }

  /**
   * Asks Node, synchronously, whether the reactor thread still runs, and marks it exited if not.
   * A thread that dies of an uncaught error or `process.exit` announces it from its `exit`
   * handler; one that is stopped from outside (`terminate()`, out of memory) runs no handler,
   * and the worker's `exit` event — like everything else `Worker` learns about its thread,
   * `eventLoopUtilization()` included — arrives through this thread's event loop, which does not
   * run while a synchronous `blockOn` holds the thread. So this reads the thread's loop start
   * time from the worker's native handle, which answers at once: -1 once the thread has stopped
   * (the reactor announces `Running` only from inside its event loop, so a live one has a start
   * time by then). Returns {@link ReactorThread.exited}.
   */
  probe(): boolean {
    const worker = this.worker;
    if (worker === null || this.exited) return this.exited;
    if (Atomics.load(this.control, Control.Running) === 0) return false;
    this.native ??= nativeHandle(worker);
    if (this.native !== null && this.native.loopStartTime() === -1) Atomics.store(this.control, Control.Exited, 1);
    return this.exited;
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
    worker.on('error', (error) => {
      // The runtime learns of the exit through the control block (the reactor's exit handler);
      // the error itself arrives here only when this thread's event loop runs. A reactor that
      // throws is a bug: say what it threw, once, instead of letting it vanish.
      this.error ??= error;
      console.error('[tide] the io reactor thread crashed:', error);
    });
    worker.on('exit', () => {
      // Seen here only when this thread's event loop runs (host-driven): wake the runtime, which
      // may be waiting for an IO event that will never come now.
      if (Atomics.exchange(this.control, Control.Exited, 1) === 0) unparkParker(this.runtimeParker);
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
