import { FutureBase, PENDING, type Context, type Poll, type Waker } from '@tide/core';
import type { SocketAddr } from '../address.js';
import type { IoDriver } from '../driver.js';
import type { Interest } from '../io/interest.js';
import { RequestFuture } from '../io/request.js';
import { concatBytes, decodeJson, encodeJson, encodeText } from '../ring/codec.js';
import { Cmd, type AddrWire, type BindRequest } from '../reactor/protocol.js';
import { UdpSocket, type Datagram } from './udp-socket.js';

/** `UdpSocket.bind(addr)`: completes with the bound {@link UdpSocket}. */
export class UdpBindFuture extends RequestFuture<UdpSocket> {
  private rid = 0;

  /** @internal Use `UdpSocket.bind()`. */
  constructor(
    driver: IoDriver,
    private readonly request: BindRequest,
  ) {
    super(driver, 'UdpSocket.bind');
  }

  /** @internal */
  protected start(): number {
    this.rid = this.driver.allocateRid();
    return this.driver.request(Cmd.UdpBind, this.rid, 0, 0, 0, encodeJson(this.request), this);
  }

  /** @internal */
  protected result(_a: number, _b: number, _x: number, data: Uint8Array | null): UdpSocket {
    return new UdpSocket(this.driver, this.rid, decodeJson<AddrWire>(data));
  }

  /** @internal */
  protected override abandon(): void {
    this.driver.command(Cmd.Close, this.rid);
  }
}

/** `socket.send(bytes, addr)`: completes with the number of bytes sent. */
export class SendFuture extends RequestFuture<number> {
  /** @internal Use `socket.send()`. */
  constructor(
    private readonly socket: UdpSocket,
    private readonly bytes: Uint8Array,
    private readonly addr: SocketAddr,
  ) {
    super(socket.driver, 'UdpSocket.send');
  }

  /** @internal */
  protected start(): number {
    this.socket.check('send');
    const data = concatBytes(this.bytes, encodeText(this.addr.host));
    return this.driver.request(Cmd.UdpSend, this.socket.rid, this.bytes.length, this.addr.port, 0, data, this);
  }

  /** @internal */
  protected result(a: number): number {
    return a;
  }
}

/** `socket.recv()`: the next datagram and its sender. */
export class RecvFuture extends FutureBase<Datagram, 'io'> implements Interest {
  /** @internal */
  waker: Waker | null = null;

  /** @internal Use `socket.recv()`. */
  constructor(private readonly socket: UdpSocket) {
    super();
  }

  /** Ready with a datagram; throws the socket's error, `E_CLOSED` or `RuntimeShutdownError`. */
  poll(cx: Context): Poll<Datagram> {
    const socket = this.socket;
    socket.check('recv');
    const datagram = socket.takeDatagram();
    if (datagram !== undefined) {
      if (this.waker !== null) socket.receivers.unregister(this);
      return datagram;
    }
    if (socket.error !== null) throw socket.error;
    socket.receivers.register(this, cx.waker, 'UdpSocket.recv');
    return PENDING;
  }

  /** Stops waiting (the task was aborted); no datagram is lost. */
  override [Symbol.dispose](): void {
    this.socket.receivers.unregister(this);
  }
}
