/**
 * tide demo: a line-oriented job server on loopback, and a load generator hammering it — one
 * synchronous program (no `async`, no `await`): everything runs inside `server.blockOn(demo)`.
 *
 * - The server is a current-thread runtime with the IO, time and (third-party) mailbox drivers.
 * - CPU-heavy jobs run elsewhere: on a multi-thread runtime (PRIMES as TaskRefs on its workers,
 *   with work stealing; HASH on its blocking pool with `spawnBlocking`), or with
 *   `--flavor current-thread` on the server runtime's blocking pool. PRIMES uses the same helper
 *   on both flavors, written only against @tide/core (src/lib/parallel.ts).
 * - Every request has a deadline (`timeout`); clients retry with back-off (`sleep`).
 *
 *   npm start -- --duration 5000 --concurrency 16 --flavor current-thread
 */
import { spawn } from '@tide/core';
import { CurrentThreadRuntime } from '@tide/current-thread';
import { mailboxDriver } from '@tide/driver-example';
import { TcpListener, ioDriver } from '@tide/io-driver';
import { MultiThreadRuntime } from '@tide/multi-thread';
import { interval, timeDriver } from '@tide/time-driver';
import { blockingPoolBackend, multiThreadBackend, type CpuBackend } from './cpu-backend.js';
import { generateLoad, type LoadStats } from './load.js';
import { USAGE, UsageError, parseOptions, type DemoOptions } from './options.js';
import { COMMANDS } from './protocol.js';
import { seededRandom } from './random.js';
import { newServerStats, serve, type ServerStats } from './server.js';
import { ms } from './stats.js';

const PARTS_PER_JOB = 4;
const MAX_ATTEMPTS = 3;

/** Prints a progress line every 500 ms (when stderr is a terminal) until aborted. */
function* progress(stats: ServerStats, startedAt: number) {
  if (!process.stderr.isTTY) return;
  const ticks = interval(500);
  for (;;) {
    yield* ticks.tick();
    process.stderr.write(`\r  ${((performance.now() - startedAt) / 1000).toFixed(1)} s: ${stats.requests} requests served`);
  }
}

/** The whole run, as one task: server, load, and the results. */
function* demo(options: DemoOptions, backend: CpuBackend) {
  const listener = yield* TcpListener.bind({ host: '127.0.0.1', port: 0 });
  const { port } = listener.localAddr();
  const stats = newServerStats();
  const server = spawn(serve, listener, { backend, deadlineMs: options.deadlineMs, random: seededRandom(options.seed), stats });
  const startedAt = performance.now();
  const ticker = spawn(progress, stats, startedAt);
  const load = yield* generateLoad({
    port,
    clients: options.concurrency,
    endAt: startedAt + options.durationMs,
    attemptDeadlineMs: options.deadlineMs * 2,
    maxAttempts: MAX_ATTEMPTS,
    seed: options.seed,
  });
  const elapsedMs = performance.now() - startedAt;
  ticker.abort();
  server.abort();
  listener.close();
  if (process.stderr.isTTY) process.stderr.write('\n');
  return { port, load, server: stats, elapsedMs };
}

function summary(options: DemoOptions, backend: CpuBackend, result: { port: number; load: LoadStats; server: ServerStats; elapsedMs: number }): string[] {
  const { load, server, elapsedMs } = result;
  const lat = load.latency;
  const lines = [
    `tide demo — a line-oriented job server on 127.0.0.1:${result.port}`,
    `  server:   current-thread runtime 'server' (io + time + mailbox drivers), inside one synchronous blockOn`,
    `  CPU jobs: ${backend.label}`,
    `  load:     ${options.concurrency} clients for ${(options.durationMs / 1000).toFixed(1)} s, deadline ${options.deadlineMs} ms per request, up to ${MAX_ATTEMPTS} attempts`,
    '',
    `requests: ${load.ok} ok, ${load.failed} failed — ${Math.round(load.ok / (elapsedMs / 1000))} req/s`,
    `  retries: ${load.retries} (server deadlines ${load.serverDeadlines}, client timeouts ${load.clientTimeouts})`,
    `latency ms: p50 ${ms(lat.percentile(50))}  p90 ${ms(lat.percentile(90))}  p99 ${ms(lat.percentile(99))}  max ${ms(lat.percentile(100))}`,
  ];
  for (const command of COMMANDS) {
    const l = load.byCommand[command];
    lines.push(`  ${command.padEnd(6)}  n=${String(l.count).padEnd(6)} p50 ${ms(l.percentile(50))}  p90 ${ms(l.percentile(90))}  p99 ${ms(l.percentile(99))}`);
  }
  const computed = (kind: 'PRIMES' | 'HASH') => Object.entries(server.computed[kind]).map(([where, n]) => `${n} on ${where}`).join(', ') || 'none';
  lines.push(
    `server: ${server.connections} connections, ${server.requests} requests, ${server.deadlines} past the deadline, ${server.errors} errors`,
    `  PRIMES computed: ${computed('PRIMES')}`,
    `  HASH computed: ${computed('HASH')}`,
  );
  return lines;
}

function main(): number {
  let options: DemoOptions | 'help';
  try {
    options = parseOptions(process.argv.slice(2));
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error(`${error.message}\n\n${USAGE}`);
    return 2;
  }
  if (options === 'help') {
    console.log(USAGE);
    return 0;
  }

  // The application picks a flavor per package of work.
  const server = CurrentThreadRuntime.builder()
    .name('server')
    .enable(ioDriver())
    .enable(timeDriver())
    .enable(mailboxDriver())
    .maxBlockingThreads(options.workers)
    .build(); // CurrentThreadRuntime<'io' | 'time' | 'mailbox'>
  const cpu =
    options.flavor === 'multi-thread'
      ? MultiThreadRuntime.builder().name('cpu').workerThreads(options.workers).maxBlockingThreads(options.workers).build()
      : undefined;
  const backend = cpu ? multiThreadBackend(cpu, PARTS_PER_JOB) : blockingPoolBackend(PARTS_PER_JOB);

  try {
    // The whole program is this one synchronous call.
    const result = server.blockOn(demo, options, backend);
    for (const line of summary(options, backend, result)) console.log(line);
    const sm = server.metrics();
    const sw = sm.workers[0];
    console.log(
      `runtime 'server' (current_thread): ${sm.spawnedTasksCount} tasks spawned, ${sw?.pollCount ?? 0} polls, ${sw?.parkCount ?? 0} parks, ` +
        `busy ${ms(sw?.busyMs ?? 0)} ms, ${sm.numBlockingThreads} blocking threads`,
    );
    if (cpu) {
      const cm = cpu.metrics();
      const perWorker = cm.workers.map((w, i) => `#${i} ${w.pollCount} polls, ${w.stealCount} steals, busy ${ms(w.busyMs)} ms`).join('; ');
      console.log(
        `runtime 'cpu' (multi_thread, ${cm.numWorkers} workers): ${cm.spawnedTasksCount} tasks spawned, ${cm.numBlockingThreads} blocking threads; ${perWorker}`,
      );
    }
  } finally {
    server.shutdownTimeout(2_000);
    cpu?.shutdownTimeout(2_000);
  }
  return 0;
}

process.exitCode = main();
