import type { IoDriver } from '../driver.js';
import { RequestFuture } from '../io/request.js';
import { decodeJson, encodeJson } from '../ring/codec.js';
import { Cmd, type AddrWire, type ListenRequest } from '../reactor/protocol.js';
import { TcpListener } from './tcp-listener.js';

/** `TcpListener.bind(addr)`: completes with the listening {@link TcpListener}. */
export class ListenFuture extends RequestFuture<TcpListener> {
  private rid = 0;

  /** @internal Use `TcpListener.bind()`. */
  constructor(
    driver: IoDriver,
    private readonly request: ListenRequest,
  ) {
    super(driver, 'TcpListener.bind');
  }

  /** @internal */
  protected start(): number {
    this.rid = this.driver.allocateRid();
    return this.driver.request(Cmd.TcpListen, this.rid, 0, 0, 0, encodeJson(this.request), this);
  }

  /** @internal */
  protected result(_a: number, _b: number, _x: number, data: Uint8Array | null): TcpListener {
    return new TcpListener(this.driver, this.rid, decodeJson<AddrWire>(data));
  }

  /** @internal Aborted while binding: the reactor closes the listener. */
  protected override abandon(): void {
    this.driver.command(Cmd.Close, this.rid);
  }
}
