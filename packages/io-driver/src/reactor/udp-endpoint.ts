import dgram from 'node:dgram';
import { concatBytes, encodeJson, encodeText } from '../ring/codec.js';
import { toErrorWire } from './error-wire.js';
import { Cpl, DATAGRAM_OVERHEAD, type BindRequest } from './protocol.js';
import type { Reactor } from './reactor.js';
import type { ReactorResource } from './resource.js';
import { addrOf } from './tcp-connection.js';

/**
 * A UDP socket in the reactor. Datagrams are posted to the runtime as they arrive; when the
 * runtime has not consumed a high-water mark's worth, new datagrams are dropped (and counted), as
 * a full kernel buffer would drop them.
 *
 * @internal
 */
export class UdpEndpoint implements ReactorResource {
  private readonly socket: dgram.Socket;
  private bound = false;
  private closed = false;
  private outstanding = 0;

  /**
   * @param reactor - the reactor.
   * @param rid - the resource id.
   * @param req - the bind request, completed with the bound address.
   * @param request - where to bind.
   */
  constructor(
    private readonly reactor: Reactor,
    rid: number,
    req: number,
    request: BindRequest,
  ) {
    const socket = dgram.createSocket({ type: request.type, reuseAddr: request.reuseAddr === true });
    this.socket = socket;
    socket.on('message', (message, rinfo) => {
      if (this.closed) return;
      const cost = message.length + DATAGRAM_OVERHEAD;
      if (this.outstanding + cost > reactor.readHighWaterMark && this.outstanding > 0) {
        reactor.addDropped();
        return;
      }
      this.outstanding += cost;
      reactor.addBufferedRead(cost);
      reactor.event(Cpl.Datagram, rid, message.length, rinfo.port, concatBytes(message, encodeText(rinfo.address)));
    });
    socket.on('error', (error) => {
      if (this.closed) return;
      if (!this.bound) {
        this.closed = true;
        reactor.remove(rid, this);
        reactor.fail(req, error);
        try {
          socket.close();
        } catch {
          // already closed
        }
        return;
      }
      reactor.event(Cpl.ResourceError, rid, 0, 0, encodeJson(toErrorWire(error)));
    });
    socket.bind({ address: request.host, port: request.port }, () => {
      this.bound = true;
      if (this.closed) return;
      const address = socket.address();
      reactor.doneJson(req, addrOf(address.address, address.port, address.family));
    });
  }

  /** Sends one datagram; `req` completes with the byte count. */
  send(req: number, payload: Uint8Array, port: number, host: string): void {
    const reactor = this.reactor;
    this.socket.send(payload, 0, payload.length, port, host, (error, bytes) => {
      if (error) reactor.fail(req, error);
      else reactor.done(req, bytes);
    });
  }

  /** The runtime consumed datagrams worth `cost`. */
  consumed(cost: number): void {
    this.outstanding -= cost;
    this.reactor.addBufferedRead(-cost);
  }

  /** Closes the socket. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.outstanding !== 0) {
      this.reactor.addBufferedRead(-this.outstanding);
      this.outstanding = 0;
    }
    try {
      this.socket.close();
    } catch {
      // already closed
    }
  }
}
