import net from 'node:net';
import { encodeJson } from '../ring/codec.js';
import { toErrorWire } from './error-wire.js';
import { Cpl, type ListenRequest } from './protocol.js';
import type { Reactor } from './reactor.js';
import type { ReactorResource } from './resource.js';
import { addrOf, addrsOf, sharedRead, TcpConnection } from './tcp-connection.js';

/** The parts of Node's socket internals that {@link adoptWithSharedRead} relies on. */
interface SocketInternals {
  _handle: { readStart?: unknown; useUserBuffer?: unknown } | null;
}

/**
 * An accepted socket that reads through `onread`. Node's server has no `onread` option, so the
 * accepted connection's handle (not reading yet: the server pauses on connect) is moved into a
 * new socket created with it — Node's documented `onread` path. If the handle does not look as
 * expected (another Node version), the socket is returned as is and reads through 'data' events.
 */
function adoptWithSharedRead(socket: net.Socket, onread: net.OnReadOpts): net.Socket {
  const internals = socket as unknown as SocketInternals;
  const handle = internals._handle;
  if (handle === null || typeof handle !== 'object' || typeof handle.readStart !== 'function' || typeof handle.useUserBuffer !== 'function') {
    return socket;
  }
  internals._handle = null;
  socket.destroy(); // closes nothing (no handle); keeps the server's connection count right
  return new net.Socket({ handle, allowHalfOpen: true, readable: true, writable: true, onread } as net.SocketConstructorOpts);
}

/**
 * A listening TCP socket in the reactor. Node accepts connections as they come; each one is
 * registered as a {@link TcpConnection} under a reactor-numbered id and announced to the runtime,
 * whose listener queues it until a task calls `accept()`.
 *
 * @internal
 */
export class TcpServer implements ReactorResource {
  private readonly server: net.Server;
  private listening = false;
  private closed = false;

  /**
   * @param reactor - the reactor.
   * @param rid - the resource id.
   * @param req - the bind request, completed with the bound address.
   * @param request - where to listen.
   */
  constructor(
    private readonly reactor: Reactor,
    private readonly rid: number,
    req: number,
    request: ListenRequest,
  ) {
    // Paused on connect: the socket must not start reading before it reads into the shared buffer.
    const server = net.createServer({ allowHalfOpen: true, pauseOnConnect: true });
    this.server = server;
    server.on('connection', (socket) => {
      if (this.closed) {
        socket.destroy();
        return;
      }
      const addrs = addrsOf(socket);
      let conn: TcpConnection | undefined;
      const reading = adoptWithSharedRead(socket, sharedRead(reactor, () => conn));
      let slot = -1;
      const accepted = reactor.addAccepted((id) => {
        conn = new TcpConnection(reactor, id, reading);
        slot = conn.publishFd(reading !== socket);
        return conn;
      });
      if (reading === socket && slot === -1) socket.resume();
      reactor.event(Cpl.Connection, rid, accepted, slot, encodeJson(addrs));
    });
    server.on('error', (error) => {
      if (this.closed) return;
      if (!this.listening) {
        this.closed = true;
        reactor.remove(rid, this);
        reactor.fail(req, error);
        return;
      }
      reactor.event(Cpl.ResourceError, rid, 0, 0, encodeJson(toErrorWire(error)));
    });
    server.listen(
      {
        host: request.host,
        port: request.port,
        ...(request.backlog !== undefined ? { backlog: request.backlog } : {}),
        ...(request.ipv6Only !== undefined ? { ipv6Only: request.ipv6Only } : {}),
      },
      () => {
        this.listening = true;
        if (this.closed) return;
        const address = server.address() as net.AddressInfo;
        reactor.doneJson(req, addrOf(address.address, address.port, address.family));
      },
    );
  }

  /** Stops listening (the port is released at once). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.server.close();
  }
}
