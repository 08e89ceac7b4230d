import { RuntimeShutdownError } from '@tide/core';
import { checkAddr, udpType, type SocketAddrInfo, type ToSocketAddr } from '../address.js';
import { currentIoDriver, type IoDriver } from '../driver.js';
import { IoError, ArgumentRangeError } from '../errors.js';
import { Completed } from '../io/completed.js';
import { InterestSet } from '../io/interest.js';
import type { IoResource } from '../io/resource.js';
import { copyBytes, decodeJson, decodeText } from '../ring/codec.js';
import { Cmd, Cpl, DATAGRAM_OVERHEAD, type AddrWire, type ErrorWire } from '../reactor/protocol.js';
import { checkBytes, checkConstructed } from './checks.js';
import { RecvFuture, SendFuture, UdpBindFuture } from './udp-futures.js';

/** A datagram received by {@link UdpSocket.recv}. */
export interface Datagram {
  /** Its payload. */
  readonly data: Uint8Array;
  /** Who sent it. */
  readonly addr: SocketAddrInfo;
}

/** Options of {@link UdpSocket.bind}. */
export interface UdpBindOptions {
  /** Let several sockets bind the same address (SO_REUSEADDR). */
  readonly reuseAddr?: boolean;
}

/** Largest UDP payload (IPv4: 65,507 bytes; IPv6 allows slightly more, this is the portable bound). */
const MAX_DATAGRAM = 65507;

/**
 * A UDP socket.
 *
 * ```ts
 * const socket = yield* UdpSocket.bind({ host: '127.0.0.1', port: 0 });
 * yield* socket.send(bytes, { host: '127.0.0.1', port: peerPort });
 * const { data, addr } = yield* socket.recv();
 * ```
 *
 * Datagrams are received by the reactor as they arrive and queued here; when a read
 * high-water mark's worth is queued and unread, further datagrams are dropped (counted in the
 * driver's `droppedDatagrams` metric), as a full kernel buffer would drop them.
 */
export class UdpSocket implements IoResource, Disposable {
  /** @internal */
  readonly driver: IoDriver;
  /** @internal */
  readonly rid: number;
  /** @internal Futures waiting in recv(). */
  readonly receivers: InterestSet;
  private readonly local: SocketAddrInfo;
  private readonly queue: Datagram[] = [];
  private unacked = 0;
  private readonly ackThreshold: number;
  /** @internal The socket failed. */
  error: Error | null = null;
  /** @internal `close()` was called. */
  closed = false;

  /** @internal Sockets are created by `UdpSocket.bind`. */
  constructor(driver: IoDriver, rid: number, local: AddrWire) {
    checkConstructed('UdpSocket', 'yield* UdpSocket.bind({ host, port })', driver);
    this.driver = driver;
    this.rid = rid;
    this.local = Object.freeze({ ...local });
    this.receivers = new InterestSet(driver);
    this.ackThreshold = Math.max(1, Math.floor(driver.options.readHighWaterMark / 4));
    driver.register(rid, this);
  }

  /**
   * Binds a UDP socket to `addr` (`port: 0` picks a free port; an IPv6 host makes an IPv6
   * socket). Fails with an {@link IoError} such as `EADDRINUSE`.
   */
  static bind(addr: ToSocketAddr, options: UdpBindOptions = {}): UdpBindFuture {
    const target = checkAddr('UdpSocket.bind', addr, true);
    return new UdpBindFuture(currentIoDriver(), {
      host: target.host,
      port: target.port,
      type: udpType(target.host),
      reuseAddr: options.reuseAddr === true,
    });
  }

  /** The address it is bound to. */
  localAddr(): SocketAddrInfo {
    return this.local;
  }

  /** Sends one datagram to `addr`; completes with the bytes sent. `bytes` must not change until then. */
  send(bytes: Uint8Array, addr: ToSocketAddr): SendFuture {
    checkBytes('UdpSocket.send', bytes);
    if (bytes.length > MAX_DATAGRAM) {
      throw new ArgumentRangeError(`UdpSocket.send: a datagram holds at most ${MAX_DATAGRAM} bytes, got ${bytes.length}`);
    }
    const target = checkAddr('UdpSocket.send', addr, false);
    this.check('send');
    this.driver.checkRuntime('UdpSocket.send');
    return new SendFuture(this, bytes, target);
  }

  /** The next datagram. Cancel-safe: an aborted recv takes nothing. */
  recv(): RecvFuture {
    this.check('recv');
    this.driver.checkRuntime('UdpSocket.recv');
    return new RecvFuture(this);
  }

  /** Closes the socket; waiting futures fail with `IoError` `E_CLOSED`. Idempotent. */
  close(): Completed {
    if (!this.closed) {
      this.closed = true;
      this.driver.unregister(this.rid);
      this.driver.command(Cmd.Close, this.rid);
      this.queue.length = 0;
      this.receivers.wakeAll();
    }
    return new Completed();
  }

  /** Closes the socket (`using socket = yield* UdpSocket.bind(…)`). */
  [Symbol.dispose](): void {
    this.close();
  }

  /** Throws if the socket can no longer be used. @internal */
  check(what: string): void {
    if (this.driver.isShutdown) throw new RuntimeShutdownError(`UdpSocket.${what}`);
    if (this.closed) throw IoError.closed(`UdpSocket.${what}`, what);
  }

  /** The oldest queued datagram, if any. @internal */
  takeDatagram(): Datagram | undefined {
    const datagram = this.queue.shift();
    if (datagram !== undefined) {
      this.unacked += datagram.data.length + DATAGRAM_OVERHEAD;
      if (this.unacked >= this.ackThreshold || this.queue.length === 0) {
        this.driver.command(Cmd.Consumed, this.rid, this.unacked);
        this.unacked = 0;
      }
    }
    return datagram;
  }

  /** @internal */
  onEvent(op: number, a: number, b: number, data: Uint8Array | null): void {
    if (this.closed) return;
    if (op === Cpl.Datagram) {
      const bytes = data ?? new Uint8Array(0);
      const host = decodeText(bytes.subarray(a));
      this.queue.push({ data: copyBytes(bytes.subarray(0, a)), addr: Object.freeze({ host, port: b, family: host.includes(':') ? 'IPv6' : 'IPv4' }) });
    } else if (op === Cpl.ResourceError) {
      this.error ??= IoError.fromWire(decodeJson<ErrorWire>(data));
    } else {
      return;
    }
    this.receivers.wakeAll();
  }

  /** @internal */
  onShutdown(): void {
    this.receivers.wakeAll();
  }

  /** @internal */
  onFailure(error: Error): void {
    this.error ??= error;
    this.receivers.wakeAll();
  }
}
