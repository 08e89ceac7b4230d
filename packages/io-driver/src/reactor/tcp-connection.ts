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
      if (pending !== 0 && !conn.closed) reactor.doneJson(pending, addrsOf(socket));
    });
    return conn;
  }

  /** Writes bytes; `req` completes once the kernel took them. */
  write(req: number, data: Uint8Array | null): void {
    const length = data === null ? 0 : data.length;
    if (length === 0) {
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
      if (error) reactor.fail(req, error);
      else reactor.done(req, length);
    });
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
