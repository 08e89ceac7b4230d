import { RuntimeShutdownError } from '@tide/core';
import { show, checkConstructed } from './checks.js';
import { checkAddr, type SocketAddrInfo, type ToSocketAddr } from '../address.js';
import { currentIoDriver, type IoDriver } from '../driver.js';
import { IoError, ArgumentRangeError } from '../errors.js';
import { Completed } from '../io/completed.js';
import { InterestSet } from '../io/interest.js';
import type { IoResource } from '../io/resource.js';
import { decodeJson } from '../ring/codec.js';
import { Cmd, Cpl, type AddrWire, type ErrorWire, type StreamAddrs } from '../reactor/protocol.js';
import { AcceptFuture } from './accept-future.js';
import { ListenFuture } from './listen-future.js';
import { TcpStream } from './tcp-stream.js';

/** Options of {@link TcpListener.bind}. */
export interface BindOptions {
  /** The kernel's queue of connections not yet accepted by Node (default: Node's, 511). */
  readonly backlog?: number;
  /** For an IPv6 host: accept IPv6 only (no IPv4-mapped addresses). */
  readonly ipv6Only?: boolean;
}

/**
 * A TCP socket listening for connections.
 *
 * ```ts
 * const listener = yield* TcpListener.bind({ host: '127.0.0.1', port: 0 });
 * const { port } = listener.localAddr();
 * const stream = yield* listener.accept();
 * ```
 *
 * The reactor accepts connections as they arrive and queues them here until a task calls
 * `accept()`; a queued connection already receives data (up to the read high-water mark).
 */
export class TcpListener implements IoResource, Disposable {
  /** @internal */
  readonly driver: IoDriver;
  /** @internal */
  readonly rid: number;
  /** @internal Futures waiting in accept(). */
  readonly acceptors: InterestSet;
  private readonly local: SocketAddrInfo;
  private readonly backlog: TcpStream[] = [];
  /** @internal The listener failed; accept() fails with it. */
  error: Error | null = null;
  /** @internal `close()` was called. */
  closed = false;

  /** @internal Listeners are created by `TcpListener.bind`. */
  constructor(driver: IoDriver, rid: number, local: AddrWire) {
    checkConstructed('TcpListener', 'yield* TcpListener.bind({ host, port })', driver);
    this.driver = driver;
    this.rid = rid;
    this.local = Object.freeze({ ...local });
    this.acceptors = new InterestSet(driver);
    driver.register(rid, this);
  }

  /**
   * Listens on `addr` (`{ host, port }`; `port: 0` picks a free port — read it from
   * `localAddr()`; a bare number is a port on 127.0.0.1). Fails with an {@link IoError} such as
   * `EADDRINUSE` or `EACCES`. An invalid address is a `TypeError` or `RangeError` at the call.
   */
  static bind(addr: ToSocketAddr, options: BindOptions = {}): ListenFuture {
    const target = checkAddr('TcpListener.bind', addr, true);
    const { backlog, ipv6Only } = options;
    if (backlog !== undefined && (!Number.isInteger(backlog) || backlog < 1 || backlog > 65535)) {
      throw new ArgumentRangeError(`TcpListener.bind: backlog must be an integer from 1 to 65535, got ${show(backlog)}`);
    }
    return new ListenFuture(currentIoDriver(), {
      host: target.host,
      port: target.port,
      ...(backlog !== undefined ? { backlog } : {}),
      ...(ipv6Only !== undefined ? { ipv6Only: ipv6Only === true } : {}),
    });
  }

  /** The address it listens on (with the port the system picked for `port: 0`). */
  localAddr(): SocketAddrInfo {
    return this.local;
  }

  /**
   * The next connection. Waits until one arrives; an abort stops waiting without losing a
   * connection (the next `accept()` gets it).
   */
  accept(): AcceptFuture {
    this.check('accept');
    this.driver.checkRuntime('TcpListener.accept');
    return new AcceptFuture(this);
  }

  /**
   * Stops listening (the port is released at once) and closes the connections not accepted yet;
   * futures waiting in `accept()` fail with `IoError` `E_CLOSED`. Returns a future that is
   * already complete. Idempotent.
   */
  close(): Completed {
    if (!this.closed) {
      this.closed = true;
      this.driver.unregister(this.rid);
      this.driver.command(Cmd.Close, this.rid);
      for (const stream of this.backlog.splice(0)) stream.close();
      this.acceptors.wakeAll();
    }
    return new Completed();
  }

  /** Stops listening (`using listener = yield* TcpListener.bind(…)`). */
  [Symbol.dispose](): void {
    this.close();
  }

  /** Throws if the listener can no longer be used. @internal */
  check(what: string): void {
    if (this.driver.isShutdown) throw new RuntimeShutdownError(`TcpListener.${what}`);
    if (this.closed) throw IoError.closed(`TcpListener.${what}`, what);
  }

  /** The oldest connection not accepted yet, if any. @internal */
  takeConnection(): TcpStream | undefined {
    return this.backlog.shift();
  }

  /** @internal */
  onEvent(op: number, a: number, b: number, data: Uint8Array | null): void {
    if (op === Cpl.Connection) {
      const stream = new TcpStream(this.driver, a, decodeJson<StreamAddrs>(data), b);
      if (this.closed) {
        stream.close();
        return;
      }
      this.backlog.push(stream);
    } else if (op === Cpl.ResourceError) {
      this.error ??= IoError.fromWire(decodeJson<ErrorWire>(data));
    } else {
      return;
    }
    this.acceptors.wakeAll();
  }

  /** @internal */
  onShutdown(): void {
    this.acceptors.wakeAll();
  }

  /** @internal */
  onFailure(error: Error): void {
    this.error ??= error;
    this.acceptors.wakeAll();
  }
}
