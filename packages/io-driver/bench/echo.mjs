// TCP echo on loopback: @tide/io-driver (client and server tasks inside one synchronous
// blockOn) against raw node:net (client and server on the event loop) in the same process.
//
// Two message sizes: 64 KiB (throughput) and 64 bytes (round-trip latency). The client sends a
// message, waits for the whole echo, and repeats. Each repetition runs raw then tide back to back;
// after a warm-up, the medians of REPS repetitions are reported, and the ratios are the medians of
// the per-repetition ratios (robust against load that drifts during the run). CPU time per round
// trip (all threads of the process) is reported too: it does not depend on other processes' load.
//
//   npx turbo run build && npm run bench -w @tide/io-driver
//   REPS=9 LARGE_COUNT=2000 SMALL_COUNT=20000 npm run bench -w @tide/io-driver
//   IO_SPIN_US=0 IO_LINGER_US=0 npm run bench -w @tide/io-driver     (driver options)
import net from 'node:net';
import { spawn } from '@tide/core';
import { CurrentThreadRuntime } from '@tide/current-thread';
import { ioDriver, TcpListener, TcpStream } from '@tide/io-driver';

const REPS = Number(process.env.REPS ?? 7);
const CASES = [
  { name: '64 KiB', size: 64 * 1024, count: Number(process.env.LARGE_COUNT ?? 1000) },
  { name: '64 B', size: 64, count: Number(process.env.SMALL_COUNT ?? 10000) },
];

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const cpuMicros = (since) => {
  const used = process.cpuUsage(since);
  return used.user + used.system;
};

// ------------------------------------------------------------------------------------------------
// raw node:net

async function rawEcho(size, count) {
  const server = net.createServer({ noDelay: true }, (socket) => socket.pipe(socket));
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const client = net.connect({ host: '127.0.0.1', port: server.address().port, noDelay: true });
  await new Promise((resolve) => client.once('connect', resolve));
  const message = Buffer.alloc(size, 7);
  const start = performance.now();
  const cpu = process.cpuUsage();
  await new Promise((resolve) => {
    let left = count;
    let got = 0;
    client.on('data', (chunk) => {
      got += chunk.length;
      if (got < size) return;
      got -= size;
      if (--left === 0) resolve();
      else client.write(message);
    });
    client.write(message);
  });
  const result = { ms: performance.now() - start, cpu: cpuMicros(cpu) };
  client.destroy();
  await new Promise((resolve) => server.close(resolve));
  return result;
}

// ------------------------------------------------------------------------------------------------
// tide

function* serve(listener) {
  const stream = yield* listener.accept();
  stream.setNoDelay(true);
  for (;;) {
    const chunk = yield* stream.read();
    if (chunk === null) break;
    yield* stream.writeAll(chunk);
  }
  stream.close();
}

function* tideEcho(size, count) {
  const listener = yield* TcpListener.bind({ host: '127.0.0.1', port: 0 });
  const server = spawn(serve, listener);
  const client = yield* TcpStream.connect(listener.localAddr(), { noDelay: true });
  const message = new Uint8Array(size).fill(7);
  const start = performance.now();
  const cpu = process.cpuUsage();
  for (let i = 0; i < count; i++) {
    yield* client.writeAll(message);
    yield* client.readExact(size);
  }
  const result = { ms: performance.now() - start, cpu: cpuMicros(cpu) };
  yield* client.shutdown();
  yield* server;
  client.close();
  listener.close();
  return result;
}

// ------------------------------------------------------------------------------------------------

const options = {};
if (process.env.IO_SPIN_US !== undefined) options.idleSpinMicros = Number(process.env.IO_SPIN_US);
if (process.env.IO_LINGER_US !== undefined) options.reactorLingerMicros = Number(process.env.IO_LINGER_US);
const rt = CurrentThreadRuntime.builder().enable(ioDriver(options)).build();

const rows = [];
for (const { name, size, count } of CASES) {
  const raw = [];
  const tide = [];
  for (let rep = -1; rep < REPS; rep++) {
    const r = await rawEcho(size, count);
    const t = rt.blockOn(tideEcho, size, count);
    if (rep >= 0) {
      raw.push(r);
      tide.push(t);
    }
  }
  const mib = (size * count) / (1024 * 1024);
  const rawMs = median(raw.map((r) => r.ms));
  const tideMs = median(tide.map((t) => t.ms));
  rows.push({
    message: name,
    'round trips': count,
    'raw MiB/s': (mib / (rawMs / 1000)).toFixed(1),
    'tide MiB/s': (mib / (tideMs / 1000)).toFixed(1),
    'throughput tide/raw': median(raw.map((r, i) => r.ms / tide[i].ms)).toFixed(2),
    'raw RTT µs': ((rawMs * 1000) / count).toFixed(1),
    'tide RTT µs': ((tideMs * 1000) / count).toFixed(1),
    'latency tide/raw': median(raw.map((r, i) => tide[i].ms / r.ms)).toFixed(2),
    'raw CPU µs/RT': (median(raw.map((r) => r.cpu)) / count).toFixed(1),
    'tide CPU µs/RT': (median(tide.map((t) => t.cpu)) / count).toFixed(1),
  });
}
rt.shutdownBackground();

console.log(`TCP echo on loopback, ${REPS} reps after a warm-up, medians (node ${process.version}, driver options ${JSON.stringify(options)}):`);
console.table(rows);
console.log(`64 KiB throughput: ${rows[0]['throughput tide/raw']}× raw node:net (target ≥ 0.5×)`);
console.log(`64 B round-trip latency: ${rows[1]['latency tide/raw']}× raw node:net`);
