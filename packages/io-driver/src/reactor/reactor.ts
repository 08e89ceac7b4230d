import { unparkParker } from '@tide/core/parker';
import { ChannelConsumer, type MessageHandler } from '../ring/consumer.js';
import { ChannelProducer } from '../ring/producer.js';
import { copyBytes, decodeJson, decodeText, encodeJson } from '../ring/codec.js';
import { ReactorSocketTable } from '../io/socket-table.js';
import { SpinBackoff } from '../io/spin-backoff.js';
import { toErrorWire } from './error-wire.js';
import { FileOps } from './file-ops.js';
import { Cmd, Control, Cpl, READ_CHUNK_BYTES, ReactorState, type BindRequest, type ConnectRequest, type ListenRequest, type OpenRequest, type ReactorInit } from './protocol.js';
import type { ReactorResource } from './resource.js';
import { TcpConnection } from './tcp-connection.js';
import { TcpServer } from './tcp-server.js';
import { UdpEndpoint } from './udp-endpoint.js';
import { WriteBufferPool } from './write-buffers.js';

const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * The reactor: runs on its own worker thread with its own event loop, performs the socket and
 * file work of one runtime thread on Node's libuv, and talks to that thread only through shared
 * memory: it drains the command channel, posts completions and events on the completion channel,
 * and unparks the runtime thread's parker after posting, so a runtime blocked in `Atomics.wait`
 * (inside a synchronous `blockOn`) wakes up.
 *
 * It waits for commands with `Atomics.waitAsync` on the control block's doorbell, so its event
 * loop keeps serving sockets while it waits.
 *
 * @internal
 */
export class Reactor implements MessageHandler {
  private readonly control: Int32Array;
  private readonly commands: ChannelConsumer;
  private readonly completions: ChannelProducer;
  private readonly parker: Int32Array;
  private readonly resources = new Map<number, ReactorResource>();
  private readonly files: FileOps;
  /**
   * The one buffer every socket reads into (Node's `onread`): read callbacks run one at a time on
   * this thread and copy the bytes into the completion ring at once, so one buffer serves all
   * sockets, and reading allocates nothing (fresh 64 KiB buffers per read cost page faults).
   * {@link READ_CHUNK_BYTES} long, or one completion part if that is smaller.
   */
  readonly readBuffer: Buffer;
  /** Where written bytes are copied out of the arena for `socket.write`. */
  readonly writeBuffers = new WriteBufferPool();
  /** Connected sockets' fds the runtime thread writes to directly (see `io/socket-table.ts`). */
  readonly sockets: ReactorSocketTable;
  /** Unread bytes per socket at which it is paused. */
  readonly readHighWaterMark: number;
  /** Connections get socket-table slots (see `io/socket-table.ts`). */
  readonly directSocketIo: boolean;
  private readonly commandBatch: number;
  private readonly lingerMs: number;
  private nextAcceptedRid = -1;
  private bufferedReadBytes = 0;
  private peakBufferedReadBytes = 0;
  private socketWriteBytes = 0;
  private pausedSockets = 0;
  private droppedDatagrams = 0;
  private stopping = false;
  private unparkScheduled = false;
  private readonly linger = new SpinBackoff();

  /** @param init - the shared memory and settings from the runtime thread. */
  constructor(init: ReactorInit) {
    this.control = new Int32Array(init.control);
    this.commands = new ChannelConsumer(init.commands);
    this.completions = new ChannelProducer(init.completions, init.partBytes);
    this.readBuffer = Buffer.allocUnsafeSlow(Math.min(READ_CHUNK_BYTES, this.completions.partBytes));
    this.parker = new Int32Array(init.parker);
    this.sockets = new ReactorSocketTable(init.sockets);
    this.readHighWaterMark = init.readHighWaterMark;
    this.directSocketIo = init.directSocketIo;
    this.commandBatch = init.commandBatch;
    this.lingerMs = init.lingerMs;
    this.files = new FileOps(this);
  }

  /** The reactor loop: drain commands, then sleep on the doorbell until the runtime rings. */
  async run(): Promise<void> {
    const control = this.control;
    // Announced from inside the event loop: once this is set, Node knows when the loop started,
    // which is what lets the runtime thread tell a stopped reactor thread (ReactorThread.probe).
    await yieldToEventLoop();
    Atomics.store(control, Control.Running, 1);
    for (;;) {
      const seen = Atomics.load(control, Control.Doorbell);
      Atomics.store(control, Control.State, ReactorState.Running);
      if (Atomics.load(control, Control.ShutdownRequested) !== 0) {
        this.shutdown();
        return;
      }
      if (this.completions.hasQueued) this.flushCompletions();
      const handled = this.commands.drain(this.commandBatch, this);
      // The runtime waits for command space: tell it there is some now.
      if (this.commands.takeProducerWaiting()) this.unparkRuntime();
      if (handled === this.commandBatch || this.commands.pending > 0) {
        // More to do: let socket events run first.
        await yieldToEventLoop();
        continue;
      }
      if (this.lingerMs > 0 && this.linger.shouldSpin()) {
        // Stay awake briefly, serving socket events, in case the runtime sends more at once:
        // then it need not notify (a wake-up costs tens of microseconds on both threads).
        const until = performance.now() + this.lingerMs;
        let rung: boolean;
        do {
          await yieldToEventLoop();
          rung = Atomics.load(control, Control.Doorbell) !== seen || this.commands.pending > 0;
        } while (!rung && performance.now() < until);
        if (rung) {
          this.linger.success();
          continue;
        }
        this.linger.failure();
      }
      Atomics.store(control, Control.State, ReactorState.Sleeping);
      if (Atomics.load(control, Control.Doorbell) !== seen || this.commands.pending > 0) continue;
      const wait = Atomics.waitAsync(control, Control.Doorbell, seen);
      if (wait.async) await wait.value;
    }
  }

  /** Handles one command (see `protocol.ts`). */
  onMessage(op: number, rid: number, req: number, a: number, b: number, x: number, _y: number, data: Uint8Array | null): void {
    try {
      switch (op) {
        case Cmd.TcpWrite: {
          const conn = this.resources.get(rid);
          if (conn instanceof TcpConnection) conn.write(req, data);
          else this.failClosed(req, 'write');
          return;
        }
        case Cmd.TcpReadOnce: {
          const conn = this.resources.get(rid);
          if (conn instanceof TcpConnection) conn.readOnce();
          return;
        }
        case Cmd.Consumed:
          this.resources.get(rid)?.consumed?.(a);
          return;
        case Cmd.TcpListen:
          this.add(rid, new TcpServer(this, rid, req, decodeJson<ListenRequest>(data)));
          return;
        case Cmd.TcpConnect:
          this.add(rid, TcpConnection.connect(this, rid, req, decodeJson<ConnectRequest>(data)));
          return;
        case Cmd.TcpShutdown: {
          const conn = this.resources.get(rid);
          if (conn instanceof TcpConnection) conn.shutdown(req);
          else this.failClosed(req, 'shutdown');
          return;
        }
        case Cmd.TcpNoDelay: {
          const conn = this.resources.get(rid);
          if (conn instanceof TcpConnection) conn.setNoDelay(a !== 0);
          return;
        }
        case Cmd.Close:
          this.closeResource(rid);
          return;
        case Cmd.UdpBind:
          this.add(rid, new UdpEndpoint(this, rid, req, decodeJson<BindRequest>(data)));
          return;
        case Cmd.UdpSend: {
          const udp = this.resources.get(rid);
          if (udp instanceof UdpEndpoint && data !== null) udp.send(req, copyBytes(data.subarray(0, a)), b, decodeText(data.subarray(a)));
          else this.failClosed(req, 'send');
          return;
        }
        case Cmd.FsReadFile:
          this.files.readFile(req, decodeText(data));
          return;
        case Cmd.FsWriteFile:
          this.files.writeFile(req, decodeText(data === null ? null : data.subarray(0, a)), data === null ? new Uint8Array(0) : copyBytes(data.subarray(a)));
          return;
        case Cmd.FsOpen:
          this.files.open(rid, req, decodeJson<OpenRequest>(data));
          return;
        case Cmd.FsRead:
          this.files.read(rid, req, a, x);
          return;
        case Cmd.FsWrite:
          this.files.write(rid, req, data === null ? new Uint8Array(0) : copyBytes(data), x);
          return;
        case Cmd.FsFstat:
          this.files.fstat(rid, req);
          return;
        case Cmd.FsClose:
          this.files.close(rid, req);
          return;
        case Cmd.FsStat:
          this.files.stat(req, decodeText(data));
          return;
        case Cmd.FsReadDir:
          this.files.readDir(req, decodeText(data));
          return;
        default:
          if (req !== 0) this.fail(req, { message: `unknown reactor command ${op}`, code: 'EINVAL' });
      }
    } catch (error) {
      // A command must never take the reactor down: report it to whoever waits.
      if (req !== 0) this.fail(req, error);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Posting to the runtime

  /** Completes request `req`. */
  done(req: number, a = 0, b = 0, x = 0, data: Uint8Array | null = null): void {
    this.post(Cpl.Done, 0, req, a, b, x, data);
  }

  /** Completes request `req` with JSON data. */
  doneJson(req: number, value: unknown): void {
    this.post(Cpl.Done, 0, req, 0, 0, 0, encodeJson(value));
  }

  /** Fails request `req` with a Node error (or an error description). */
  fail(req: number, error: unknown): void {
    const wire = typeof error === 'object' && error !== null && !(error instanceof Error) ? error : toErrorWire(error);
    this.post(Cpl.Failed, 0, req, 0, 0, 0, encodeJson(wire));
  }

  /** Posts an event about resource `rid`. */
  event(op: number, rid: number, a = 0, b = 0, data: Uint8Array | null = null): void {
    this.post(op, rid, 0, a, b, 0, data);
  }

  /**
   * Posts bytes read into {@link Reactor.readBuffer} (copied now if they cannot be posted at once);
   * `handOff`: the reactor stopped reading the socket, the runtime reads it directly again.
   */
  dataEvent(rid: number, chunk: Uint8Array, handOff = false): void {
    if (this.stopping) return;
    this.completions.send(Cpl.Data, rid, 0, handOff ? 1 : 0, 0, 0, 0, chunk, true);
    this.scheduleUnpark();
  }

  private failClosed(req: number, syscall: string): void {
    if (req !== 0) this.fail(req, { message: `${syscall}: the resource is closed`, code: 'E_CLOSED', syscall });
  }

  private post(op: number, rid: number, req: number, a: number, b: number, x: number, data: Uint8Array | null): void {
    if (this.stopping) return;
    this.completions.send(op, rid, req, a, b, x, 0, data);
    this.scheduleUnpark();
  }

  private flushCompletions(): void {
    this.completions.flush();
    this.scheduleUnpark();
  }

  /**
   * Completions are visible in the ring at once (a spinning runtime sees them), but the wake-up
   * of a parked runtime is deferred by one event-loop iteration: waking a thread is the most
   * expensive step of the whole exchange, and on loopback the peer's data — or the next write's
   * completion — usually arrives in that iteration, so one wake-up carries them all.
   */
  private scheduleUnpark(): void {
    if (this.unparkScheduled) return;
    this.unparkScheduled = true;
    setImmediate(this.unparkNextIteration);
  }

  private readonly unparkNextIteration = (): void => {
    setImmediate(this.unparkNow);
  };

  private readonly unparkNow = (): void => {
    this.unparkScheduled = false;
    this.unparkRuntime();
  };

  /** Unparks the runtime thread (`@tide/core/parker`: the parker protocol without the rest of core). */
  private unparkRuntime(): void {
    unparkParker(this.parker);
  }

  // ---------------------------------------------------------------------------------------------
  // Resources

  /** Registers a resource the runtime numbered. */
  add(rid: number, resource: ReactorResource): void {
    this.resources.set(rid, resource);
    Atomics.store(this.control, Control.OpenHandles, this.resources.size);
  }

  /** Registers an accepted connection and returns the id the reactor gave it. */
  addAccepted(resource: (rid: number) => ReactorResource): number {
    const rid = this.nextAcceptedRid--;
    this.add(rid, resource(rid));
    return rid;
  }

  /** Forgets a resource that closed. */
  remove(rid: number, resource: ReactorResource): void {
    if (this.resources.get(rid) !== resource) return;
    this.resources.delete(rid);
    Atomics.store(this.control, Control.OpenHandles, this.resources.size);
  }

  /** The resource `rid`, if open. */
  get(rid: number): ReactorResource | undefined {
    return this.resources.get(rid);
  }

  private closeResource(rid: number): void {
    const resource = this.resources.get(rid);
    if (resource === undefined) return;
    this.remove(rid, resource);
    resource.close();
  }

  // ---------------------------------------------------------------------------------------------
  // Counters published for the driver's metrics

  /** Bytes were delivered to (positive) or consumed by (negative) the runtime. */
  addBufferedRead(delta: number): void {
    this.bufferedReadBytes += delta;
    Atomics.store(this.control, Control.BufferedReadBytes, this.bufferedReadBytes);
    if (this.bufferedReadBytes > this.peakBufferedReadBytes) {
      this.peakBufferedReadBytes = this.bufferedReadBytes;
      Atomics.store(this.control, Control.PeakBufferedReadBytes, this.peakBufferedReadBytes);
    }
  }

  /** A socket was paused (+1) or resumed (-1). */
  addPaused(delta: number): void {
    this.pausedSockets += delta;
    Atomics.store(this.control, Control.PausedSockets, this.pausedSockets);
  }

  /** Bytes entered (positive) or left (negative) `socket.write` buffers. */
  addSocketWrite(delta: number): void {
    this.socketWriteBytes += delta;
    Atomics.store(this.control, Control.SocketWriteBytes, this.socketWriteBytes);
  }

  /** A datagram was dropped. */
  addDropped(): void {
    this.droppedDatagrams++;
    Atomics.store(this.control, Control.DroppedDatagrams, this.droppedDatagrams);
  }

  // ---------------------------------------------------------------------------------------------
  // Shutdown

  /** Closes every resource (file descriptors included) and tells the runtime it is done. */
  shutdown(): void {
    if (this.stopping) return;
    this.stopping = true;
    for (const [rid, resource] of [...this.resources]) {
      this.resources.delete(rid);
      try {
        resource.close();
      } catch {
        // Closing everything matters more than one failure.
      }
    }
    Atomics.store(this.control, Control.OpenHandles, 0);
    Atomics.store(this.control, Control.ShutdownDone, 1);
    Atomics.notify(this.control, Control.ShutdownDone);
    this.unparkRuntime();
  }
}
