import { show } from './net/checks.js';
import { InvalidArgumentError, ArgumentRangeError } from './errors.js';

/**
 * A socket address, as `node:net` takes it: `{ host: '127.0.0.1', port: 8080 }`. `port: 0` asks
 * the system for a free port when binding.
 */
export interface SocketAddr {
  /** An IP address (`'127.0.0.1'`, `'::1'`) or a host name (`'localhost'`). */
  readonly host: string;
  /** The port, 0–65535. */
  readonly port: number;
}

/** A socket address as the system reports it (`localAddr()`, `peerAddr()`, a datagram's sender). */
export interface SocketAddrInfo extends SocketAddr {
  /** The address family: `'IPv4'` or `'IPv6'`. */
  readonly family: string;
}

/** What the address-taking functions accept: a {@link SocketAddr}, or a port on 127.0.0.1. */
export type ToSocketAddr = SocketAddr | number;

/** The host a bare port number means. */
const DEFAULT_HOST = '127.0.0.1';

/**
 * Validates an address at the call: a `TypeError` for a missing or non-string host, a
 * `RangeError` for a port that is not an integer in range (`0` only where `allowZeroPort`).
 *
 * @internal
 */
export function checkAddr(what: string, addr: ToSocketAddr, allowZeroPort: boolean): SocketAddr {
  let host: unknown;
  let port: unknown;
  if (typeof addr === 'number') {
    host = DEFAULT_HOST;
    port = addr;
  } else if (typeof addr === 'object' && addr !== null) {
    host = addr.host;
    port = addr.port;
  } else if (typeof (addr as unknown) === 'string' && /^\[?[^\]]*\]?:\d+$/.test(String(addr))) {
    // 'host:port', as in a URL: say how to write it.
    const text = String(addr);
    const at = text.lastIndexOf(':');
    const hint = `{ host: ${JSON.stringify(text.slice(0, at).replace(/^\[|\]$/g, ''))}, port: ${text.slice(at + 1)} }`;
    throw new InvalidArgumentError(`${what}: expected an address { host, port } or a port number, got ${show(addr)}. Write ${hint}.`);
  } else {
    throw new InvalidArgumentError(`${what}: expected an address { host, port } or a port number, got ${show(addr)}`);
  }
  if (typeof host !== 'string' || host.length === 0) {
    throw new InvalidArgumentError(`${what}: the host must be a non-empty string such as '127.0.0.1' or '::1', got ${show(host)}`);
  }
  const min = allowZeroPort ? 0 : 1;
  if (typeof port !== 'number' || !Number.isInteger(port) || port < min || port > 65535) {
    throw new ArgumentRangeError(
      `${what}: the port must be an integer from ${min} to 65535${allowZeroPort ? ' (0 picks a free port)' : ''}, got ${show(port)}`,
    );
  }
  return { host, port };
}

/** `'udp6'` for an IPv6 literal, else `'udp4'`. @internal */
export function udpType(host: string): 'udp4' | 'udp6' {
  return host.includes(':') ? 'udp6' : 'udp4';
}
