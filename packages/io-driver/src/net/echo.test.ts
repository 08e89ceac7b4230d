import { spawn } from '@tide/core';
import { TcpListener, TcpStream, currentIoDriver } from '@tide/io-driver';
import { afterEach, describe, expect, it } from 'vitest';
import { ioRuntime, randomBytes, sameBytes } from '../test-support/runtime.js';

const MiB = 1024 * 1024;

/** Echo everything a connection sends until it half-closes, then half-close back. */
function* echo(stream: TcpStream) {
  for (;;) {
    const chunk = yield* stream.read();
    if (chunk === null) break;
    yield* stream.writeAll(chunk);
  }
  yield* stream.shutdown();
  stream.close();
}

/** Listens, serves one connection with `echo`, sends `payload` from a client and returns what came back. */
function* roundTrip(payload: Uint8Array) {
  const listener = yield* TcpListener.bind({ host: '127.0.0.1', port: 0 });
  const { port } = listener.localAddr();
  const server = spawn(function* () {
    const stream = yield* listener.accept();
    yield* echo(stream);
    listener.close();
  });
  const client = yield* TcpStream.connect({ host: '127.0.0.1', port });
  const writer = spawn(function* () {
    yield* client.writeAll(payload);
    yield* client.shutdown();
  });
  const received = new Uint8Array(payload.length);
  let filled = 0;
  for (;;) {
    const chunk = yield* client.read();
    if (chunk === null) break;
    received.set(chunk, filled);
    filled += chunk.length;
  }
  yield* writer;
  yield* server;
  client.close();
  return { received, filled, metrics: currentIoDriver().metrics() };
}

describe('TCP echo', () => {
  let rt: ReturnType<typeof ioRuntime> | undefined;
  afterEach(() => {
    rt?.shutdownBackground();
    rt = undefined;
  });

  it('exchanges 10 MiB byte-exact inside one synchronous blockOn (no host event loop)', () => {
    rt = ioRuntime();
    const payload = randomBytes(10 * MiB);
    const { received, filled, metrics } = rt.blockOn(roundTrip, payload);
    expect(filled).toBe(payload.length);
    expect(sameBytes(received, payload)).toBe(true);
    expect(metrics.reactorStarted).toBe(true);
    expect(metrics.pendingRequests).toBe(0);
    expect(metrics.waitingInterests).toBe(0);
  });

  it('exchanges 10 MiB byte-exact with every read and write through the reactor (directSocketIo: false)', () => {
    rt = ioRuntime({ directSocketIo: false });
    const payload = randomBytes(10 * MiB);
    const { received, filled, metrics } = rt.blockOn(roundTrip, payload);
    expect(filled).toBe(payload.length);
    expect(sameBytes(received, payload)).toBe(true);
    expect(metrics.directWriteBytes).toBe(0);
    expect(metrics.pendingRequests).toBe(0);
  });

  it.each([true, false])('exchanges 4 MiB byte-exact through tiny rings (queued commands and completions, parts; directSocketIo: %s)', (directSocketIo) => {
    rt = ioRuntime({
      directSocketIo,
      commandRingSize: 16,
      completionRingSize: 16,
      commandArenaBytes: 16 * 1024,
      completionArenaBytes: 16 * 1024,
      readHighWaterMark: 32 * 1024,
      writeHighWaterMark: 64 * 1024,
      maxIoEventsPerTick: 3,
    });
    const payload = randomBytes(4 * MiB);
    const { received, filled } = rt.blockOn(roundTrip, payload);
    expect(filled).toBe(payload.length);
    expect(sameBytes(received, payload)).toBe(true);
  });

  it('reads exactly more than the high-water mark at once', () => {
    rt = ioRuntime({ readHighWaterMark: 64 * 1024 });
    const payload = randomBytes(5 * MiB);
    const same = rt.blockOn(function* () {
      const listener = yield* TcpListener.bind({ host: '127.0.0.1', port: 0 });
      const client = yield* TcpStream.connect(listener.localAddr());
      const server = yield* listener.accept();
      const writer = spawn(function* () {
        yield* client.writeAll(payload);
      });
      const got = yield* server.readExact(payload.length);
      yield* writer;
      client.close();
      server.close();
      listener.close();
      return sameBytes(got, payload);
    });
    expect(same).toBe(true);
  });

  it('exchanges 10 MiB byte-exact with the host-driven rt.run', async () => {
    rt = ioRuntime();
    const payload = randomBytes(10 * MiB);
    const { received, filled } = await rt.run(roundTrip, payload);
    expect(filled).toBe(payload.length);
    expect(sameBytes(received, payload)).toBe(true);
  });
});
