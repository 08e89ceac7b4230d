import { HostPark, currentDriver, currentFrame, defineDriver, type Driver, type DriverContext, type DriverFactory, type Parker } from '@tide/core/driver';
import { DriverDisabledError } from '@tide/core';
import { IoError } from './errors.js';
import type { InterestCounter } from './io/interest.js';
import { allocateSocketTable, RuntimeSocketTable } from './io/socket-table.js';
import { SpinBackoff } from './io/spin-backoff.js';
import type { IoRequest } from './io/request.js';
import type { IoResource } from './io/resource.js';
import { READ_BY_REACTOR, READ_DIRECT, READ_POLLED } from './io/read-mode.js';
import type { TcpStream } from './net/tcp-stream.js';
import type { IoDriverMetrics } from './metrics.js';
import { resolveOptions, type IoDriverOptions, type ResolvedIoDriverOptions } from './options.js';
import { Cmd, Control, CONTROL_INTS, Cpl, type ErrorWire, type ReactorInit } from './reactor/protocol.js';
import { ReactorThread } from './reactor/reactor-thread.js';
import { decodeJson } from './ring/codec.js';
import { ChannelConsumer, type MessageHandler } from './ring/consumer.js';
import { allocateChannel } from './ring/layout.js';
import { uint8Slabs, uninitialized } from './ring/slab.js';
import { ChannelProducer } from './ring/producer.js';

/** The largest payload one ring slot carries; larger ones are split (and joined by the reader). */
const MAX_PART_BYTES = 256 * 1024;

/**
 * How long a waiting TCP reader is served by retrying its socket at the driver's turns (a
 * non-blocking read per turn) before the reactor is asked to wait for it, if the runtime does not
 * park sooner (then it is asked at once).
 */
const READ_POLL_MS = 1;

/** The size of the buffer direct socket reads go into (the most one read takes). */
const READ_BUFFER_BYTES = 64 * 1024;

/** Reads of at least this many bytes keep their buffer; smaller ones are copied out of it. */
const READ_KEEP_MIN = 16 * 1024;

/** Commands the reactor handles before it lets its socket events run. */
const REACTOR_COMMAND_BATCH = 256;

/**
 * While IO is pending, the runtime parks at most this long before it checks that the reactor
 * thread still runs (see `ReactorThread.probe`): a reactor stopped from outside would otherwise
 * leave a synchronous `blockOn` waiting forever. One cheap wake-up per second, only while IO waits.
 */
const REACTOR_PROBE_INTERVAL_MS = 1000;

/**
 * The IO driver of one runtime thread. The socket and file work happens on a **reactor thread**
 * (a worker started on the first operation) that owns the real `node:net`, `node:dgram` and
 * `node:fs` objects; this side sends it commands through a `SharedArrayBuffer` ring and receives
 * completions and events through another, with payload bytes in each ring's data arena — no
 * `postMessage` per operation. The reactor unparks the runtime's parker after posting, so the
 * runtime may wait in `Atomics.wait` inside a synchronous `blockOn` (where Node's own event loop
 * cannot run) and still be woken by IO. `turn()` drains completions and wakes the waiting futures.
 *
 * Application code uses the resources (`TcpListener`, `TcpStream`, `UdpSocket`, `fs`); this
 * class is what they talk to. Get the running one with {@link currentIoDriver}.
 */
export class IoDriver implements Driver<'io'>, MessageHandler, InterestCounter {
  /** Always `'io'`: the requirement name of IO futures. */
  readonly name = 'io' as const;
  /** The options in force. @internal */
  readonly options: ResolvedIoDriverOptions;
  /** Where received bytes are copied out of the completion arena. @internal */
  readonly receiveSlabs = uint8Slabs();
  /** Where direct socket reads land first; see {@link IoDriver.claimRead}. */
  private readScratch: Uint8Array | null = null;
  /** The largest payload per ring slot. @internal */
  readonly partBytes: number;
  /** Connected sockets' fds, written to directly from this thread (see `io/socket-table.ts`). @internal */
  readonly sockets: RuntimeSocketTable;
  /** Bytes written through {@link IoDriver.sockets} so far. @internal */
  directWriteBytes = 0;
  private readonly parker: Parker;
  private readonly hostPark: HostPark;
  private readonly runtimeId: number;
  private readonly requestTurn: () => void;
  private readonly control: Int32Array;
  private readonly commands: ChannelProducer;
  private readonly completions: ChannelConsumer;
  private readonly reactor: ReactorThread;
  private readonly resources = new Map<number, IoResource>();
  private readonly requests = new Map<number, IoRequest>();
  private nextRid = 1;
  private nextReq = 1;
  private interests = 0;
  private inFlightWrites = 0;
  private shut = false;
  private failure: IoError | null = null;
  private readonly spin = new SpinBackoff();
  /** Streams whose waiting readers are served by retrying their sockets at turns ({@link READ_POLLED}). */
  private polled: TcpStream[] = [];
  private nextProbeAt = 0;

  /** @internal Built by the runtime from {@link ioDriver}. */
  constructor(options: IoDriverOptions, cx: DriverContext) {
    this.options = resolveOptions(options);
    this.parker = cx.parker;
    this.hostPark = new HostPark(cx.parker);
    this.runtimeId = cx.runtimeId;
    this.requestTurn = () => cx.requestTurn();
    const o = this.options;
    const control = new SharedArrayBuffer(CONTROL_INTS * 4);
    const commands = allocateChannel(o.commandRingSize, o.commandArenaBytes);
    const completions = allocateChannel(o.completionRingSize, o.completionArenaBytes);
    this.partBytes = Math.min(MAX_PART_BYTES, Math.floor(Math.min(o.commandArenaBytes, o.completionArenaBytes) / 4));
    this.control = new Int32Array(control);
    this.commands = new ChannelProducer(commands, this.partBytes);
    this.completions = new ChannelConsumer(completions);
    const sockets = allocateSocketTable();
    this.sockets = new RuntimeSocketTable(sockets);
    const init: ReactorInit = {
      control,
      commands,
      completions,
      parker: cx.parker.buffer,
      sockets,
      partBytes: this.partBytes,
      readHighWaterMark: o.readHighWaterMark,
      commandBatch: REACTOR_COMMAND_BATCH,
      directSocketIo: o.directSocketIo,
      lingerMs: o.reactorLingerMicros / 1000,
    };
    this.reactor = new ReactorThread(init);
  }

  /** True after shutdown: every IO operation fails with `RuntimeShutdownError`. */
  get isShutdown(): boolean {
    return this.shut;
  }

  // ---------------------------------------------------------------------------------------------
  // The driver contract

  /** Drains up to `maxIoEventsPerTick` completions and wakes the futures they concern. */
  turn(): number {
    if (this.shut) return 0;
    if (this.failure === null && this.reactor.started && (this.reactor.exited || this.reactor.startupRemaining() === 0)) this.reactorDied();
    let dispatched = this.completions.pending > 0 ? this.completions.drain(this.options.maxIoEventsPerTick, this) : 0;
    if (this.polled.length > 0) dispatched += this.pollReadsNow();
    // The reactor waits for completion space: ring it so it posts the rest.
    if (this.completions.takeProducerWaiting()) this.reactor.ring();
    if (this.commands.hasQueued) {
      // Commands that did not fit earlier (the reactor unparks us when it drained some). Ring
      // for any slot written, a part of a split message included: the reactor must see it.
      const before = this.commands.sentSlots;
      this.commands.flush();
      if (this.commands.sentSlots !== before) this.reactor.ring();
    }
    this.syncRef();
    return dispatched;
  }

  /**
   * 0 while completions wait to be drained, else Infinity when no IO is pending: IO has no
   * deadlines. While IO is pending, the time until the next check that the reactor thread still
   * runs (at most a second; 0 if it is gone), or while a new reactor thread has not confirmed
   * that it runs, the time left for it to do so.
   */
  parkTimeout(): number {
    if (this.shut || this.failure !== null) return Infinity;
    if (this.completions.pending > 0) return 0;
    // About to park: the reactor waits for the sockets that were being retried.
    if (this.polled.length > 0) this.handReadsToReactor();
    if (!this.reactor.started || !this.hasPendingWork()) return Infinity;
    if (this.reactor.exited) return 0;
    const startup = this.reactor.startupRemaining();
    if (startup !== Infinity) return startup;
    const now = performance.now();
    if (now >= this.nextProbeAt) {
      this.nextProbeAt = now + REACTOR_PROBE_INTERVAL_MS;
      if (this.reactor.probe()) return 0;
    }
    return this.nextProbeAt - now;
  }

  /**
   * The runtime is about to park: if IO is in flight, watch the completion ring for
   * `idleSpinMicros` first (a loopback reply often arrives sooner than a park and wake-up take),
   * backing off after spins that found nothing (see `SpinBackoff`).
   */
  onIdle(): boolean {
    if (this.polled.length > 0) this.handReadsToReactor();
    const spinMs = this.options.idleSpinMicros / 1000;
    if (spinMs === 0 || this.shut || (this.requests.size === 0 && this.interests === 0) || !this.spin.shouldSpin()) return false;
    const spinUntil = performance.now() + spinMs;
    do {
      if (this.completions.pending > 0) {
        this.spin.success();
        this.turn();
        return true;
      }
    } while (performance.now() < spinUntil);
    this.spin.failure();
    return false;
  }

  /** True while an operation is in flight or a future waits for a resource event. */
  hasPendingWork(): boolean {
    return !this.shut && (this.requests.size > 0 || this.interests > 0 || this.commands.hasQueued);
  }

  /** Blocks this thread until the reactor posts something or `timeoutMs` passes, then turns. */
  park(timeoutMs: number): void {
    this.parker.park(Math.min(timeoutMs, this.parkTimeout()));
    this.turn();
  }

  /** Waits without blocking the thread until the reactor posts something, `timeoutMs` passes or `signal` aborts; then turns. */
  async parkAsync(timeoutMs: number, signal?: AbortSignal): Promise<void> {
    await this.hostPark.wait(Math.min(timeoutMs, this.parkTimeout()), signal);
    this.turn();
  }

  /** Wakes a thread parked in this driver. Callable from any thread. */
  unpark(): void {
    this.parker.unpark();
  }

  /**
   * Shuts down: waiting futures wake and fail with `RuntimeShutdownError`, the reactor closes
   * every socket, listener and file descriptor and its thread exits. Nothing is left that keeps
   * the process alive.
   */
  shutdown(): void {
    if (this.shut) return;
    this.shut = true;
    this.hostPark.cancelTimer();
    const requests = [...this.requests.values()];
    const resources = [...this.resources.values()];
    this.requests.clear();
    this.resources.clear();
    for (const request of requests) safely(() => request.onShutdown());
    for (const resource of resources) safely(() => resource.onShutdown());
    this.reactor.shutdown(this.options.shutdownTimeoutMs);
  }

  // ---------------------------------------------------------------------------------------------
  // What resources use

  /** A new resource id. @internal */
  allocateRid(): number {
    return this.nextRid++;
  }

  /** Routes events of `rid` to `resource`. @internal */
  register(rid: number, resource: IoResource): void {
    this.resources.set(rid, resource);
  }

  /** Stops routing events of `rid`. @internal */
  unregister(rid: number): void {
    this.resources.delete(rid);
  }

  /**
   * Sends a command whose completion `target` waits for; returns the request id. Throws the
   * reactor's failure if it died.
   *
   * @internal
   */
  request(op: number, rid: number, a: number, b: number, x: number, data: Uint8Array | null, target: IoRequest): number {
    if (this.failure !== null) throw this.failure;
    const req = this.nextReq++;
    if (this.nextReq > 0x7fffffff) this.nextReq = 1;
    this.requests.set(req, target);
    this.send(op, rid, req, a, b, x, data);
    if (this.requests.size === 1) this.pendingChanged();
    return req;
  }

  /**
   * Throws `IoError` `E_OTHER_RUNTIME` if the calling code runs on a runtime (or a runtime thread)
   * whose io driver is not this one: a resource belongs to the driver that opened it, and only
   * that driver's turns complete its operations — waiting on it from elsewhere would wait
   * forever. Called where an operation starts to wait, not on every poll. Code outside any
   * runtime (host code awaiting a future while the runtime is driven) is let through.
   *
   * @internal
   */
  checkRuntime(what: string): void {
    const error = this.foreignRuntimeError(what);
    if (error !== null) throw error;
  }

  /**
   * The error {@link IoDriver.checkRuntime} would throw, or null: `E_OTHER_RUNTIME`, or what the
   * calling runtime says about its own io driver when it cannot wait on one here
   * (`DriverNotDrivenError` inside `Handle.blockOn`, `RuntimeShutdownError`).
   *
   * @internal
   */
  foreignRuntimeError(what: string): Error | null {
    const frame = currentFrame();
    if (frame === null) return null;
    let here: unknown;
    try {
      here = frame.runtime.driver('io');
    } catch (error) {
      if (!(error instanceof DriverDisabledError)) return error as Error;
      here = undefined;
    }
    if (here === this) return null;
    return new IoError(
      `${what}: this socket, listener or file was opened by the io driver of runtime #${this.runtimeId}, and is used from a task of runtime #${frame.runtime.handle.id}` +
        `${here === undefined ? ' (which has no io driver here)' : ''}. An IO resource belongs to the runtime thread that opened it: use it from that runtime's tasks, or open a new one on this runtime.`,
      { code: 'E_OTHER_RUNTIME' },
    );
  }

  /** Sends a command nobody waits for (close, consumed, no-delay). @internal */
  command(op: number, rid: number, a = 0, data: Uint8Array | null = null): void {
    if (this.shut || this.failure !== null) return;
    this.send(op, rid, 0, a, 0, 0, data);
  }

  /** Forgets request `req`: its completion will be ignored (the waiting future was dropped). @internal */
  forget(req: number): void {
    if (this.requests.delete(req) && this.requests.size === 0) this.syncRef();
  }

  /**
   * True while this thread may read and write sockets' fds directly (see `io/socket-table.ts`): the
   * driver runs and its reactor thread is alive. A reactor that exits normally closes every slot
   * first; one stopped from outside (terminated, out of memory) closes its sockets without running
   * any code, so this asks Node whether the thread still runs ({@link ReactorThread.probe}: once the
   * thread is stopping, the answer is no, before its handles are closed). @internal
   */
  directIoAllowed(): boolean {
    return !this.shut && this.failure === null && !this.reactor.probe();
  }

  /**
   * `stream` has a waiting reader and nothing to read: retry its socket at the next turns (data
   * sent by a task of this thread arrives without the reactor), until the runtime is about to
   * park or {@link READ_POLL_MS} passed; then the reactor waits for it. @internal
   */
  pollReads(stream: TcpStream): void {
    if (stream.readMode !== READ_DIRECT) return;
    stream.readMode = READ_POLLED;
    stream.polledSince = performance.now();
    this.polled.push(stream);
  }

  /** Retries the polled streams' sockets; returns how many delivered something. */
  private pollReadsNow(): number {
    const polled = this.polled;
    const now = performance.now();
    let delivered = 0;
    let kept = 0;
    for (let i = 0; i < polled.length; i++) {
      const stream = polled[i]!;
      if (stream.closed || stream.readMode !== READ_POLLED) continue;
      if (stream.readers.size === 0) {
        // Its reader was aborted: nobody waits.
        stream.readMode = READ_DIRECT;
        continue;
      }
      // Nothing was written from this thread since the socket was found empty: do not retry.
      if (stream.emptyAt !== this.directWriteBytes && stream.pollDirect()) {
        stream.readMode = READ_DIRECT;
        delivered++;
        continue;
      }
      if (now - stream.polledSince >= READ_POLL_MS) {
        this.readByReactor(stream);
        continue;
      }
      polled[kept++] = stream;
    }
    polled.length = kept;
    return delivered;
  }

  /** The runtime is about to wait: the reactor reads the polled streams' sockets for their readers. */
  private handReadsToReactor(): void {
    const polled = this.polled;
    this.polled = [];
    for (const stream of polled) {
      if (stream.closed || stream.readMode !== READ_POLLED) continue;
      if (stream.readers.size === 0) stream.readMode = READ_DIRECT;
      else this.readByReactor(stream);
    }
  }

  private readByReactor(stream: TcpStream): void {
    stream.readMode = READ_BY_REACTOR;
    this.command(Cmd.TcpReadOnce, stream.rid);
  }

  /** The buffer a direct socket read goes into; {@link IoDriver.claimRead} takes what it got. @internal */
  readBuffer(): Uint8Array {
    return (this.readScratch ??= uninitialized(READ_BUFFER_BYTES));
  }

  /**
   * The `n` bytes a read just put at the start of {@link IoDriver.readBuffer}, as memory the
   * reader owns: a big read keeps the buffer itself (no copy; the next read gets a new one), a
   * small one is copied into the receive slabs and the buffer is reused (a few bytes must not
   * hold 64 KiB alive). One allocation per big read, of one size, like Node's own socket reads:
   * memory the allocator recycles. @internal
   */
  claimRead(n: number): Uint8Array {
    const buffer = this.readScratch!;
    if (n < READ_KEEP_MIN) return this.receiveSlabs.copy(buffer.subarray(0, n));
    this.readScratch = null;
    return n === buffer.length ? buffer : buffer.subarray(0, n);
  }

  /** Interests were registered (+) or released (-). @internal */
  interestDelta(delta: number): void {
    const before = this.interests;
    this.interests = before + delta;
    if (before === 0 || this.interests === 0) this.pendingChanged();
  }

  /** Bytes handed to the reactor for writing (+) or acknowledged (-). @internal */
  writeDelta(delta: number): void {
    this.inFlightWrites += delta;
  }

  /** A snapshot of the driver's counters. */
  metrics(): IoDriverMetrics {
    const c = this.control;
    return {
      reactorStarted: this.reactor.started,
      openResources: this.resources.size,
      reactorHandles: Atomics.load(c, Control.OpenHandles),
      pendingRequests: this.requests.size,
      waitingInterests: this.interests,
      bufferedReadBytes: Atomics.load(c, Control.BufferedReadBytes),
      peakBufferedReadBytes: Atomics.load(c, Control.PeakBufferedReadBytes),
      pausedSockets: Atomics.load(c, Control.PausedSockets),
      inFlightWriteBytes: this.inFlightWrites,
      socketWriteBytes: Atomics.load(c, Control.SocketWriteBytes),
      directWriteBytes: this.directWriteBytes,
      droppedDatagrams: Atomics.load(c, Control.DroppedDatagrams),
      commandsSent: this.commands.sentMessages + this.commands.queuedMessages,
      completionsReceived: this.completions.receivedMessages,
      queuedCommands: this.commands.queuedMessages,
    };
  }

  // ---------------------------------------------------------------------------------------------
  // Internals

  private send(op: number, rid: number, req: number, a: number, b: number, x: number, data: Uint8Array | null): void {
    if (!this.reactor.started) this.reactor.start();
    this.commands.send(op, rid, req, a, b, x, 0, data);
    this.reactor.ring();
  }

  /** Pending work appeared or vanished: the process is kept alive only while it exists. */
  private pendingChanged(): void {
    this.syncRef();
    // From host code (an async task) while the runtime waits: it must re-read hasPendingWork.
    this.requestTurn();
  }

  private syncRef(): void {
    this.reactor.setRef(!this.shut && (this.requests.size > 0 || this.interests > 0));
  }

  /** Dispatches one completion or event (called by the completion channel during `turn`). @internal */
  onMessage(op: number, rid: number, req: number, a: number, b: number, x: number, _y: number, data: Uint8Array | null): void {
    if (req !== 0) {
      const target = this.requests.get(req);
      if (target === undefined) return;
      this.requests.delete(req);
      if (op === Cpl.Done) safely(() => target.complete(req, a, b, x, data));
      else safely(() => target.fail(req, IoError.fromWire(decodeJson<ErrorWire>(data))));
      return;
    }
    const resource = this.resources.get(rid);
    if (resource === undefined) {
      // A connection accepted for a listener that was closed meanwhile: close it too.
      if (op === Cpl.Connection) this.command(Cmd.Close, a);
      return;
    }
    safely(() => resource.onEvent(op, a, b, data));
  }

  /** The reactor thread died: every pending operation and resource fails. */
  private reactorDied(): void {
    const error = new IoError(
      !this.reactor.exited
        ? 'the io reactor thread did not start (its script could not be loaded); IO is unavailable in this runtime.'
        : this.reactor.running
          ? 'the io reactor thread exited unexpectedly; every socket and file of this runtime is lost. Build a new runtime.'
          : "the io reactor thread exited before it started (its script failed to load: is the package's dist being rebuilt?); IO is unavailable in this runtime.",
      { code: 'E_REACTOR_EXITED' },
      this.reactor.error === null ? undefined : { cause: this.reactor.error },
    );
    this.failure = error;
    const requests = [...this.requests.entries()];
    const resources = [...this.resources.values()];
    this.requests.clear();
    this.resources.clear();
    for (const [req, request] of requests) safely(() => request.fail(req, error));
    for (const resource of resources) safely(() => resource.onFailure(error));
  }
}

function safely(fn: () => void): void {
  try {
    fn();
  } catch (error) {
    console.error('[tide] an io completion handler failed', error);
  }
}

const factory = defineDriver<'io', IoDriverOptions>(import.meta.url, 'ioDriver', 'io', (options, cx) => new IoDriver(options, cx));

/**
 * The IO driver factory: `CurrentThreadRuntime.builder().enable(ioDriver())`. Sendable (module
 * URL, export name and structured-clone options), so a multi-thread runtime builds one driver —
 * with its own reactor thread — per worker. Options are validated here: a bad size is a
 * `RangeError` at the call.
 */
export function ioDriver(options: IoDriverOptions = {}): DriverFactory<'io', IoDriverOptions> {
  resolveOptions(options);
  return factory({ ...options });
}

/**
 * This thread's IO driver. Throws `NoRuntimeError` outside a runtime, `DriverDisabledError`
 * ("enable the io driver: .enable(ioDriver())") if the runtime was built without it,
 * `DriverNotDrivenError` where it is not turned, and `RuntimeShutdownError` after shutdown.
 */
export function currentIoDriver(): IoDriver {
  return currentDriver<IoDriver>('io', '.enable(ioDriver())');
}
