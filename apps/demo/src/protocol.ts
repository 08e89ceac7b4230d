/**
 * The job server's line protocol: one request per line, one reply line per request.
 *
 *   PRIMES <limit>   → OK <count of primes below limit>   (CPU-heavy: runs on other threads, in parallel parts)
 *   HASH <password>  → OK <hex PBKDF2-SHA256 key>           (CPU-heavy and synchronous: runs on a blocking pool)
 *   FETCH <key>      → OK <key>=<value>                     (a flaky downstream: usually a few ms, sometimes too slow)
 *   ECHO <text>      → OK <text>
 *   anything else    → ERR <reason>;  a request past the server's deadline → ERR deadline
 */
import type { Suspend } from '@tide/core';
import type { TcpStream } from '@tide/io-driver';

/** A parsed request. */
export type Request =
  | { readonly kind: 'PRIMES'; readonly limit: number }
  | { readonly kind: 'HASH'; readonly password: string }
  | { readonly kind: 'FETCH'; readonly key: string }
  | { readonly kind: 'ECHO'; readonly text: string };

/** The commands, for per-command statistics. */
export const COMMANDS = ['PRIMES', 'HASH', 'FETCH', 'ECHO'] as const;

/** Parses a request line; a string is the reason it is invalid. */
export function parseRequest(line: string): Request | string {
  const space = line.indexOf(' ');
  const verb = space < 0 ? line : line.slice(0, space);
  const rest = space < 0 ? '' : line.slice(space + 1);
  switch (verb) {
    case 'PRIMES': {
      const limit = Number(rest);
      return Number.isInteger(limit) && limit > 0 && limit <= 50_000_000 ? { kind: 'PRIMES', limit } : 'PRIMES needs an integer limit in [1, 5e7]';
    }
    case 'HASH':
      return /^[\w.-]{1,64}$/.test(rest) ? { kind: 'HASH', password: rest } : 'HASH needs a password of 1 to 64 word characters';
    case 'FETCH':
      return /^[\w.-]{1,64}$/.test(rest) ? { kind: 'FETCH', key: rest } : 'FETCH needs a key of 1 to 64 word characters';
    case 'ECHO':
      return { kind: 'ECHO', text: rest };
    default:
      return `unknown command '${verb}'`;
  }
}

/** Formats a request as its line (without the newline). */
export function formatRequest(request: Request): string {
  switch (request.kind) {
    case 'PRIMES':
      return `PRIMES ${request.limit}`;
    case 'HASH':
      return `HASH ${request.password}`;
    case 'FETCH':
      return `FETCH ${request.key}`;
    case 'ECHO':
      return `ECHO ${request.text}`;
  }
}

const encoder = new TextEncoder();

/** Writes `line` and a newline. */
export function writeLine(stream: TcpStream, line: string) {
  return stream.writeAll(encoder.encode(`${line}\n`));
}

/** Reads a TCP stream line by line (UTF-8, `\n`-terminated). */
export class LineReader {
  private buffered = '';
  private readonly decoder = new TextDecoder();

  /** @param stream - the connection to read from. */
  constructor(private readonly stream: TcpStream) {}

  /** The next line without its newline, or `null` at the end of the stream. */
  *readLine(): Generator<Suspend<'io'>, string | null, unknown> {
    for (;;) {
      const newline = this.buffered.indexOf('\n');
      if (newline >= 0) {
        const line = this.buffered.slice(0, newline);
        this.buffered = this.buffered.slice(newline + 1);
        return line;
      }
      const chunk = yield* this.stream.read();
      if (chunk === null) {
        const last = this.buffered;
        this.buffered = '';
        return last.length > 0 ? last : null;
      }
      this.buffered += this.decoder.decode(chunk, { stream: true });
    }
  }
}
