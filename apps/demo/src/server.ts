/**
 * The job server: accepts connections on a `TcpListener` and answers each request line under a
 * per-request deadline (`timeout`). Runs as tasks of the server's current-thread runtime.
 */
import { Elapsed, JoinSet } from '@tide/core';
import { IoError, type TcpListener, type TcpStream } from '@tide/io-driver';
import { sleep, timeout } from '@tide/time-driver';
import type { CpuBackend } from './cpu-backend.js';
import { LineReader, parseRequest, writeLine, type Request } from './protocol.js';

/** Server-side counters. */
export interface ServerStats {
  /** Connections accepted. */
  connections: number;
  /** Valid requests received. */
  requests: number;
  /** Requests answered `ERR deadline`. */
  deadlines: number;
  /** Requests answered with another error. */
  errors: number;
  /** CPU jobs answered, by command, then by where they were computed (`computed.PRIMES.multi_thread`). */
  readonly computed: { readonly PRIMES: Record<string, number>; readonly HASH: Record<string, number> };
}

/** Server settings. */
export interface ServerConfig {
  /** Where PRIMES jobs run. */
  readonly backend: CpuBackend;
  /** Per-request deadline, in milliseconds. */
  readonly deadlineMs: number;
  /** Draws the simulated downstream's latency for FETCH. */
  readonly random: () => number;
  /** Counters to update. */
  readonly stats: ServerStats;
}

/** Creates zeroed server counters. */
export function newServerStats(): ServerStats {
  return { connections: 0, requests: 0, deadlines: 0, errors: 0, computed: { PRIMES: {}, HASH: {} } };
}

/** Accepts connections until aborted; each connection is a task, aborted with the server. */
export function* serve(listener: TcpListener, config: ServerConfig) {
  const connections = new JoinSet<void>();
  try {
    for (;;) {
      const stream = yield* listener.accept();
      config.stats.connections++;
      connections.spawn(connection, stream, config);
      while (connections.tryJoinNext() !== undefined); // forget finished connections
    }
  } finally {
    connections.abortAll();
  }
}

/** Answers one connection's requests in order until the client closes it. */
function* connection(stream: TcpStream, config: ServerConfig) {
  stream.setNoDelay();
  const lines = new LineReader(stream);
  try {
    for (;;) {
      const line = yield* lines.readLine();
      if (line === null) break;
      yield* writeLine(stream, yield* answer(line, config));
    }
  } catch (error) {
    // A client that gave up closes its connection: a reset is routine here.
    if (!(error instanceof IoError)) throw error;
  } finally {
    stream.close();
  }
}

/** The reply line to one request line. */
function* answer(line: string, config: ServerConfig) {
  const request = parseRequest(line);
  if (typeof request === 'string') {
    config.stats.errors++;
    return `ERR ${request}`;
  }
  config.stats.requests++;
  try {
    return yield* timeout(config.deadlineMs, execute(request, config));
  } catch (error) {
    if (error instanceof Elapsed) {
      config.stats.deadlines++;
      return 'ERR deadline';
    }
    config.stats.errors++;
    return `ERR ${error instanceof Error ? error.message : String(error)}`;
  }
}

function* execute(request: Request, config: ServerConfig) {
  switch (request.kind) {
    case 'PRIMES':
    case 'HASH': {
      const { answer, where } = request.kind === 'PRIMES' ? yield* config.backend.countPrimes(request.limit) : yield* config.backend.hash(request.password);
      const counts = config.stats.computed[request.kind];
      counts[where] = (counts[where] ?? 0) + 1;
      return `OK ${answer}`;
    }
    case 'FETCH': {
      // A flaky downstream: usually a few milliseconds, one time in ten far beyond the deadline.
      const latency = config.random() < 0.1 ? config.deadlineMs * 4 : 1 + Math.floor(config.random() * 8);
      yield* sleep(latency);
      return `OK ${request.key}=${request.key.length}`;
    }
    case 'ECHO':
      return `OK ${request.text}`;
  }
}
