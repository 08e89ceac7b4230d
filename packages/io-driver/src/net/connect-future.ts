import type { SocketAddr } from '../address.js';
import type { IoDriver } from '../driver.js';
import { RequestFuture } from '../io/request.js';
import { decodeJson, encodeJson } from '../ring/codec.js';
import { Cmd, type ConnectRequest, type StreamAddrs } from '../reactor/protocol.js';
import { TcpStream } from './tcp-stream.js';

/** `TcpStream.connect(addr)`: completes with the connected {@link TcpStream}. */
export class ConnectFuture extends RequestFuture<TcpStream> {
  private rid = 0;

  /** @internal Use `TcpStream.connect()`. */
  constructor(
    driver: IoDriver,
    private readonly addr: SocketAddr,
    private readonly noDelay: boolean,
  ) {
    super(driver, 'TcpStream.connect');
  }

  /** @internal */
  protected start(): number {
    this.rid = this.driver.allocateRid();
    const request: ConnectRequest = { host: this.addr.host, port: this.addr.port, noDelay: this.noDelay };
    return this.driver.request(Cmd.TcpConnect, this.rid, 0, 0, 0, encodeJson(request), this);
  }

  /** @internal */
  protected result(a: number, _b: number, _x: number, data: Uint8Array | null): TcpStream {
    return new TcpStream(this.driver, this.rid, decodeJson<StreamAddrs>(data), a);
  }

  /** @internal Aborted while connecting: the reactor drops the socket. */
  protected override abandon(): void {
    this.driver.command(Cmd.Close, this.rid);
  }
}
