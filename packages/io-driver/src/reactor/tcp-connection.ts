import net from 'node:net';
import { encodeJson } from '../ring/codec.js';
import { toErrorWire } from './error-wire.js';
import { Cpl, type AddrWire, type ConnectRequest, type StreamAddrs } from './protocol.js';
import type { Reactor } from './reactor.js';
import type { ReactorResource } from './resource.js';

/** The address of one end of a socket, as the runtime receives it. */
export function addrOf(host: string | undefined, port: number | undefined, family: string | undefined): AddrWire {
  return { host: host ?? '', port: port ?? 0, family: family ?? '' };
}

/** The parts of Node's socket internals that direct writes rely on. */
interface SocketFdInternals {
  _handle?: { fd?: unknown; reading?: boolean; readStart?: unknown; readStop?: unknown } | null;
  _destroy?: unknown;
}

/** Starts (`true`) or stops the native reads of a socket whose reading the reactor controls. */
type ReadSwitch = (on: boolean) => void;

/** Both ends of a connected socket. */
export function addrsOf(socket: net.Socket): StreamAddrs {
  return {
    local: addrOf(socket.localAddress, socket.localPort, socket.localFamily),
    remote: addrOf(socket.remoteAddress, socket.remotePort, socket.remoteFamily),
  };
}

/**
 * Node's `onread` option for a socket of `reactor` that reads into the reactor's shared read
 * buffer and hands each chunk to `target()` (the connection, once it exists).
 */
export function sharedRead(reactor: Reactor, target: () => TcpConnection | undefined): net.OnReadOpts {
  return {
    buffer: reactor.readBuffer,
    callback: (bytes: number, buffer: Uint8Array): boolean => {
      target()?.onChunk(buffer.subarray(0, bytes));
      return true;
    },
  };
}

/**
 * A TCP socket in the reactor. Reads eagerly (into the reactor's shared read buffer, through
 * Node's `onread`) and posts every chunk to the runtime, counting the bytes the runtime has not
 * consumed yet; at the high-water mark it pauses the socket (so the kernel's window closes and
 * the peer slows down) until the runtime reports it consumed enough. Writes complete when
 * `socket.write`'s callback fires, that is when the kernel took the bytes.
 *
 * @internal
 */
export class TcpConnection implements ReactorResource {
  private outstanding = 0;
  private paused = false;
  private closed = false;
  private connectReq = 0;
  /** The connection's socket-table slot (the runtime reads and writes its fd directly), or -1. */
  private slot = -1;
  /**
   * True once the connection has a slot: the reactor does not read the socket on its own (the
   * runtime does), only after a `TcpReadOnce`, until the first chunk.
   */
  private onDemand = false;
  /** Starts or stops the socket's reads (on-demand connections). */
  private switchReads: ReadSwitch | null = null;
  /** True while an on-demand connection reads for the runtime. */
  private readingOnce = false;

  /**
   * @param reactor - the reactor.
   * @param rid - the resource id.
   * @param socket - the socket (connected, or connecting when `connectReq` is set). If it does
   *   not read through `onread` ({@link sharedRead}), its 'data' events are used.
   */
  constructor(
    private readonly reactor: Reactor,
    private readonly rid: number,
    private readonly socket: net.Socket,
  ) {
    socket.on('data', this.onData);
    socket.on('end', this.onEnd);
    socket.on('error', this.onError);
    socket.on('close', this.onClose);
  }

  /** Starts connecting; request `req` completes with both addresses or fails. */
  static connect(reactor: Reactor, rid: number, req: number, request: ConnectRequest): TcpConnection {
    const socket: net.Socket = net.connect({
      host: request.host,
      port: request.port,
      allowHalfOpen: true,
      noDelay: request.noDelay === true,
      // Read callbacks come from the event loop, after `conn` below exists.
      onread: sharedRead(reactor, (): TcpConnection => conn),
    });
    const conn: TcpConnection = new TcpConnection(reactor, rid, socket);
    conn.connectReq = req;
    socket.once('connect', () => {
      const pending = conn.connectReq;
      conn.connectReq = 0;
      if (pending !== 0 && !conn.closed) reactor.done(pending, conn.publishFd(true), 0, 0, encodeJson(addrsOf(socket)));
    });
    return conn;
  }

  /**
   * Publishes the connected socket's fd in a socket-table slot, so the runtime thread can read and
   * write it directly, and returns the slot (-1 if there is none: direct socket IO is off, no fd on
   * this platform, a full table, a socket that does not read through `onread`, or Node internals
   * that do not look as expected — then every read and write goes through here). The slot is
   * closed before Node closes the fd, whatever closes it (see `io/socket-table.ts`).
   *
   * From then on the reactor never reads the socket on its own: the runtime reads the fd, and two
   * readers of one socket could deliver its bytes out of order. Node would start reading by itself
   * (after connecting, or when the stream resumes), so the handle's `readStart` is replaced by one
   * that starts only while the runtime asked for a read ({@link TcpConnection.readOnce}).
   *
   * @param viaOnread - the socket reads through `onread` (every chunk comes to {@link TcpConnection.onChunk}).
   */
  publishFd(viaOnread: boolean): number {
    const internals = this.socket as unknown as SocketFdInternals;
    const handle = internals._handle;
    const fd = handle?.fd;
    const destroy = internals._destroy;
    const readStart = handle?.readStart;
    const readStop = handle?.readStop;
    if (
      this.slot !== -1 ||
      this.closed ||
      !viaOnread ||
      !this.reactor.directSocketIo ||
      handle == null ||
      typeof fd !== 'number' ||
      typeof destroy !== 'function' ||
      typeof readStart !== 'function' ||
      typeof readStop !== 'function'
    ) {
      return this.slot;
    }
    this.slot = this.reactor.sockets.allocate(fd);
    if (this.slot === -1) return -1;
    this.onDemand = true;
    handle.readStart = (): number => (this.readingOnce ? (readStart as () => number).call(handle) : 0);
    this.switchReads = (on: boolean): void => {
      this.readingOnce = on;
      handle.reading = on;
      if (on) (readStart as () => number).call(handle);
      else (readStop as () => number).call(handle);
    };
    // It may have started reading already (an accepted socket starts when it is created).
    this.switchReads(false);
    // Node closes the fd in `_destroy` (a reset, both directions ended, `destroy()`): the runtime
    // must stop using it first.
    internals._destroy = (...args: unknown[]): unknown => {
      this.closeSlot();
      return (destroy as (...a: unknown[]) => unknown).apply(this.socket, args);
    };
    return this.slot;
  }

  /**
   * The runtime found nothing to read and waits: read until the first chunk (or the end of the
   * stream, or an error), post it and stop reading again.
   */
  readOnce(): void {
    if (!this.onDemand || this.closed || this.readingOnce) return;
    if (this.socket.destroyed) {
      // Nothing more will arrive (the error, if any, was posted when it happened).
      this.reactor.event(Cpl.Eof, this.rid);
      return;
    }
    this.switchReads!(true);
  }

  /** Writes bytes; `req` completes once the kernel took them. */
  write(req: number, data: Uint8Array | null): void {
    const length = data === null ? 0 : data.length;
    const slot = this.slot;
    if (length === 0) {
      this.writeDone(slot);
      this.reactor.done(req, 0);
      return;
    }
    const reactor = this.reactor;
    reactor.addSocketWrite(length);
    // The payload is a view into the ring's arena, reused as soon as this returns: copy it.
    const buffer = reactor.writeBuffers.copy(data!);
    this.socket.write(buffer.bytes, (error) => {
      reactor.writeBuffers.release(buffer);
      reactor.addSocketWrite(-length);
      this.writeDone(slot);
      if (error) reactor.fail(req, error);
      else reactor.done(req, length);
    });
  }

  /** A write the runtime counted in `slot` finished (unless the slot was freed meanwhile). */
  private writeDone(slot: number): void {
    if (slot !== -1 && slot === this.slot) this.reactor.sockets.writeDone(slot);
  }

  /** The runtime must stop writing to the fd (it is about to close). */
  private closeSlot(): void {
    if (this.slot !== -1) this.reactor.sockets.close(this.slot);
  }

  /** Half-closes: sends FIN after the pending writes; `req` completes then. */
  shutdown(req: number): void {
    let settled = false;
    const settle = (error?: Error | null): void => {
      if (settled) return;
      settled = true;
      this.socket.off('finish', onFinish);
      this.socket.off('close', onClose);
      if (error) this.reactor.fail(req, error);
      else this.reactor.done(req);
    };
    const onFinish = (): void => settle();
    const onClose = (): void => settle(Object.assign(new Error('shutdown: the socket closed before the end of stream was sent'), { code: 'ECONNRESET', syscall: 'shutdown' }));
    this.socket.once('finish', onFinish);
    this.socket.once('close', onClose);
    this.socket.end();
  }

  /** Turns Nagle's algorithm off (`true`) or on. */
  setNoDelay(noDelay: boolean): void {
    this.socket.setNoDelay(noDelay);
  }

  /** The runtime consumed `bytes`: resume reading below the high-water mark. */
  consumed(bytes: number): void {
    if (this.onDemand) return;
    this.outstanding -= bytes;
    this.reactor.addBufferedRead(-bytes);
    if (this.paused && this.outstanding < this.reactor.readHighWaterMark) {
      this.paused = false;
      this.reactor.addPaused(-1);
      this.socket.resume();
    }
  }

  /** Destroys the socket (the kernel closes the connection). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.release();
    if (this.slot !== -1) {
      // The runtime closed the stream (or shuts down): it never uses the slot again.
      this.reactor.sockets.release(this.slot);
      this.slot = -1;
    }
    this.socket.destroy();
  }

  private release(): void {
    if (this.outstanding !== 0) {
      this.reactor.addBufferedRead(-this.outstanding);
      this.outstanding = 0;
    }
    if (this.paused) {
      this.paused = false;
      this.reactor.addPaused(-1);
    }
  }

  /** Bytes read into the shared read buffer: post them (copied before the next read). */
  onChunk(chunk: Uint8Array): void {
    if (this.closed) return;
    if (this.onDemand) {
      // One chunk per TcpReadOnce: the runtime reads the rest directly.
      this.switchReads!(false);
      this.reactor.dataEvent(this.rid, chunk, true);
      return;
    }
    const length = chunk.length;
    this.outstanding += length;
    this.reactor.addBufferedRead(length);
    this.reactor.dataEvent(this.rid, chunk);
    this.checkHighWaterMark();
  }

  /** A 'data' event (a socket that does not read through `onread`). */
  private readonly onData = (chunk: Buffer): void => {
    if (this.closed) return;
    const length = chunk.length;
    this.outstanding += length;
    this.reactor.addBufferedRead(length);
    this.reactor.event(Cpl.Data, this.rid, 0, 0, chunk);
    this.checkHighWaterMark();
  };

  private checkHighWaterMark(): void {
    if (!this.paused && this.outstanding >= this.reactor.readHighWaterMark) {
      this.paused = true;
      this.reactor.addPaused(1);
      this.socket.pause();
    }
  }

  private readonly onEnd = (): void => {
    if (!this.closed) this.reactor.event(Cpl.Eof, this.rid);
  };

  private readonly onError = (error: Error): void => {
    if (this.closed) return;
    if (this.connectReq !== 0) {
      const req = this.connectReq;
      this.connectReq = 0;
      this.closed = true;
      this.release();
      this.reactor.remove(this.rid, this);
      this.reactor.fail(req, error);
      return;
    }
    this.reactor.event(Cpl.ResourceError, this.rid, 0, 0, encodeJson(toErrorWire(error)));
  };

  private readonly onClose = (): void => {
    // The entry stays until the runtime closes the stream: its unread bytes are still accounted.
    if (this.connectReq === 0 || this.closed) return;
    const req = this.connectReq;
    this.connectReq = 0;
    this.closed = true;
    this.release();
    this.reactor.remove(this.rid, this);
    this.reactor.fail(req, { message: 'connect: the socket closed before it connected', code: 'ECONNRESET', syscall: 'connect' });
  };
}
