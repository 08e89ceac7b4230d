/**
 * The built-in load generator: `clients` tasks on the server's own runtime, each with its own
 * loopback connection, sending requests back to back until the run's end. Each request has a
 * client-side deadline (`timeout`) and is retried with a growing back-off (`sleep`) when the
 * server answers `ERR deadline` or the deadline passes.
 */
import { Elapsed, JoinSet } from '@tide/core';
import { IoError, TcpStream } from '@tide/io-driver';
import { sleep, timeout } from '@tide/time-driver';
import { COMMANDS, LineReader, formatRequest, writeLine, type Request } from './protocol.js';
import { seededRandom } from './random.js';
import { Latencies } from './stats.js';

/** Load settings. */
export interface LoadConfig {
  /** The server's port on 127.0.0.1. */
  readonly port: number;
  /** Concurrent clients (connections). */
  readonly clients: number;
  /** When to stop sending, as a `performance.now()` time. */
  readonly endAt: number;
  /** Client-side deadline of one attempt, in milliseconds. */
  readonly attemptDeadlineMs: number;
  /** Attempts per request before it counts as failed. */
  readonly maxAttempts: number;
  /** Seed of the request mix. */
  readonly seed: number;
}

/** What the load generator measured. */
export interface LoadStats {
  /** Requests answered OK (possibly after retries). */
  ok: number;
  /** Requests that failed every attempt, or got a non-retryable error. */
  failed: number;
  /** Attempts beyond the first. */
  retries: number;
  /** Attempts answered `ERR deadline` by the server. */
  serverDeadlines: number;
  /** Attempts whose client-side deadline passed (the connection is then replaced). */
  clientTimeouts: number;
  /** Latency of OK requests, first attempt to answer, in milliseconds. */
  readonly latency: Latencies;
  /** The same, by command. */
  readonly byCommand: Record<(typeof COMMANDS)[number], Latencies>;
}

/** Sends load until `config.endAt`; returns the measurements. */
export function* generateLoad(config: LoadConfig) {
  const stats: LoadStats = {
    ok: 0,
    failed: 0,
    retries: 0,
    serverDeadlines: 0,
    clientTimeouts: 0,
    latency: new Latencies(),
    byCommand: { PRIMES: new Latencies(), HASH: new Latencies(), FETCH: new Latencies(), ECHO: new Latencies() },
  };
  const clients = new JoinSet<void>();
  for (let id = 0; id < config.clients; id++) clients.spawn(client, id, config, stats);
  while ((yield* clients.joinNext()) !== undefined);
  return stats;
}

/** One client's request: PRIMES 25%, HASH 20% (CPU jobs), FETCH 25% (the flaky downstream), ECHO 30%. */
function nextRequest(random: () => number, n: number): Request {
  const pick = random();
  if (pick < 0.25) return { kind: 'PRIMES', limit: 50_000 + Math.floor(random() * 150_000) };
  if (pick < 0.45) return { kind: 'HASH', password: `secret-${Math.floor(random() * 1000)}` };
  if (pick < 0.7) return { kind: 'FETCH', key: `user-${Math.floor(random() * 1000)}` };
  return { kind: 'ECHO', text: `hello ${n}` };
}

/** A client connection with its line reader. */
class Connection {
  private readonly lines: LineReader;
  constructor(readonly stream: TcpStream) {
    this.lines = new LineReader(stream);
  }
  /** Sends one request line and reads the reply line. */
  *roundTrip(line: string) {
    yield* writeLine(this.stream, line);
    const reply = yield* this.lines.readLine();
    if (reply === null) throw new Error('the server closed the connection');
    return reply;
  }
}

function* connect(port: number) {
  const stream = yield* TcpStream.connect({ host: '127.0.0.1', port }, { noDelay: true });
  return new Connection(stream);
}

function* client(id: number, config: LoadConfig, stats: LoadStats) {
  const random = seededRandom(config.seed * 1_000 + id);
  let conn: Connection | null = null;
  try {
    for (let n = 0; performance.now() < config.endAt; n++) {
      const request = nextRequest(random, n);
      const line = formatRequest(request);
      const started = performance.now();
      let ok = false;
      for (let attempt = 1; attempt <= config.maxAttempts && !ok; attempt++) {
        if (attempt > 1) {
          stats.retries++;
          yield* sleep(5 * 2 ** (attempt - 2)); // 5 ms, 10 ms, 20 ms, …
        }
        conn ??= yield* connect(config.port);
        let reply: string;
        try {
          reply = yield* timeout(config.attemptDeadlineMs, conn.roundTrip(line));
        } catch (error) {
          if (!(error instanceof Elapsed) && !(error instanceof IoError)) throw error;
          // The reply may still come: this connection's framing is lost, so start a new one.
          stats.clientTimeouts++;
          conn.stream.close();
          conn = null;
          continue;
        }
        if (reply.startsWith('OK ')) ok = true;
        else if (reply === 'ERR deadline') stats.serverDeadlines++;
        else break; // not worth retrying
      }
      if (ok) {
        const elapsed = performance.now() - started;
        stats.ok++;
        stats.latency.add(elapsed);
        stats.byCommand[request.kind].add(elapsed);
      } else {
        stats.failed++;
      }
    }
  } finally {
    conn?.stream.close();
  }
}
