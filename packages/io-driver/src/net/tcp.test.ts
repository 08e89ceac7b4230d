import { DriverDisabledError, DriverNotDrivenError, Elapsed, JoinError, NoRuntimeError, RuntimeShutdownError, spawn, yieldNow } from '@tide/core';
import { CurrentThreadRuntime } from '@tide/current-thread';
import { IoError, TcpListener, TcpStream, currentIoDriver, ioDriver } from '@tide/io-driver';
import { sleep, timeDriver, timeout } from '@tide/time-driver';
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { READ_CHUNK_BYTES } from '../reactor/protocol.js';
import { catching, concat, ioRuntime, randomBytes, sameBytes, waitUntil } from '../test-support/runtime.js';

const HOST = '127.0.0.1';
const text = (s: string): Uint8Array => new TextEncoder().encode(s);
const str = (b: Uint8Array | null): string => (b === null ? '<eof>' : new TextDecoder().decode(b));

/** Reads until the end of the stream. */
function* readToEnd(stream: TcpStream) {
  const chunks: Uint8Array[] = [];
  for (;;) {
    const chunk = yield* stream.read();
    if (chunk === null) return concat(chunks);
    chunks.push(chunk);
  }
}

/**
 * Reads `stream` to its end into a `total`-byte buffer, noting the most bytes the driver had
 * waiting in socket writes at any point (the backpressure tests bound it).
 */
function* readAllWatchingWrites(stream: TcpStream, total: number) {
  const driver = currentIoDriver();
  const received = new Uint8Array(total);
  let filled = 0;
  let maxSocketWrite = 0;
  for (;;) {
    const chunk = yield* stream.read();
    if (chunk === null) return { received, filled, maxSocketWrite };
    received.set(chunk, filled);
    filled += chunk.length;
    maxSocketWrite = Math.max(maxSocketWrite, driver.metrics().socketWriteBytes);
  }
}

/** A listener on a free loopback port. */
function bindLocal() {
  return TcpListener.bind({ host: HOST, port: 0 });
}

let rt: CurrentThreadRuntime<'io' | 'time'> | undefined;
afterEach(() => {
  rt?.shutdownBackground();
  rt = undefined;
});

describe('TcpListener and TcpStream', () => {
  it('reports both addresses and echoes a message', () => {
    rt = ioRuntime();
    const result = rt.blockOn(function* () {
      const listener = yield* bindLocal();
      const local = listener.localAddr();
      const server = spawn(function* () {
        const stream = yield* listener.accept();
        const line = yield* stream.readExact(5);
        yield* stream.writeAll(line);
        stream.close();
        return stream.peerAddr();
      });
      const client = yield* TcpStream.connect({ host: HOST, port: local.port });
      yield* client.writeAll(text('hello'));
      const reply = yield* client.readExact(5);
      const eof = yield* client.read();
      const serverSawPeer = yield* server;
      listener.close();
      return { local, reply: str(reply), eof, clientLocal: client.localAddr(), clientPeer: client.peerAddr(), serverSawPeer };
    });
    expect(result.local).toEqual({ host: HOST, port: expect.any(Number) as number, family: 'IPv4' });
    expect(result.local.port).toBeGreaterThan(0);
    expect(result.reply).toBe('hello');
    expect(result.eof).toBeNull();
    expect(result.clientPeer).toEqual(result.local);
    expect(result.serverSawPeer).toEqual(result.clientLocal);
  });

  it('works over IPv6 loopback (::1)', () => {
    rt = ioRuntime();
    const reply = rt.blockOn(function* () {
      const listener = yield* TcpListener.bind({ host: '::1', port: 0 });
      expect(listener.localAddr().family).toBe('IPv6');
      const server = spawn(function* () {
        const stream = yield* listener.accept();
        yield* stream.writeAll(text('six'));
        yield* stream.shutdown();
        stream.close();
      });
      const client = yield* TcpStream.connect(listener.localAddr());
      const data = yield* readToEnd(client);
      yield* server;
      client.close();
      listener.close();
      return str(data);
    });
    expect(reply).toBe('six');
  });

  it('serves 1,000 concurrent connections on loopback', () => {
    rt = ioRuntime();
    const N = 1000;
    const results = rt.blockOn(function* () {
      const listener = yield* TcpListener.bind({ host: HOST, port: 0 }, { backlog: 2048 });
      const addr = listener.localAddr();
      const server = spawn(function* () {
        const handlers = [];
        for (let i = 0; i < N; i++) {
          const stream = yield* listener.accept();
          handlers.push(
            spawn(function* () {
              const request = yield* readToEnd(stream);
              yield* stream.writeAll(request);
              yield* stream.shutdown();
              stream.close();
            }),
          );
        }
        for (const handler of handlers) yield* handler;
      });
      const clients = [];
      for (let i = 0; i < N; i++) {
        clients.push(
          spawn(function* () {
            const stream = yield* TcpStream.connect(addr);
            const message = `client ${i}`;
            yield* stream.writeAll(text(message));
            yield* stream.shutdown();
            const reply = yield* readToEnd(stream);
            stream.close();
            return str(reply) === message;
          }),
        );
      }
      const ok: boolean[] = [];
      for (const client of clients) ok.push(yield* client);
      yield* server;
      listener.close();
      return { ok, metrics: currentIoDriver().metrics() };
    });
    expect(results.ok.filter(Boolean)).toHaveLength(N);
    expect(results.metrics.openResources).toBe(0);
    expect(results.metrics.pendingRequests).toBe(0);
  });

  it('fails to connect with ECONNREFUSED when nothing listens', () => {
    rt = ioRuntime();
    const error = rt.blockOn(function* () {
      // Find a port nobody listens on: bind, note it, close.
      const listener = yield* bindLocal();
      const { port } = listener.localAddr();
      listener.close();
      return yield* catching(TcpStream.connect({ host: HOST, port }));
    });
    expect(error).toBeInstanceOf(IoError);
    expect(error).toMatchObject({ code: 'ECONNREFUSED', syscall: 'connect' });
  });

  it('fails to bind with EADDRINUSE when the port is taken', () => {
    rt = ioRuntime();
    const error = rt.blockOn(function* () {
      const listener = yield* bindLocal();
      const error = yield* catching(TcpListener.bind(listener.localAddr()));
      listener.close();
      return error;
    });
    expect(error).toBeInstanceOf(IoError);
    expect(error).toMatchObject({ code: 'EADDRINUSE', syscall: 'listen' });
  });

  it('reports ECONNRESET when the peer resets the connection mid-read', async () => {
    rt = ioRuntime();
    // The peer is raw node:net on this thread's event loop, so the runtime is driven by rt.run.
    const peer = net.createServer((socket) => {
      socket.write('hello');
      socket.once('data', () => socket.resetAndDestroy());
    });
    await new Promise<void>((resolve) => peer.listen(0, HOST, resolve));
    const { port } = peer.address() as net.AddressInfo;
    try {
      const outcome = await rt.run(function* () {
        const stream = yield* TcpStream.connect({ host: HOST, port });
        const greeting = yield* stream.readExact(5);
        yield* stream.writeAll(text('go'));
        const error = yield* catching(stream.read());
        const again = yield* catching(stream.read());
        stream.close();
        return { greeting: str(greeting), error, again };
      });
      expect(outcome.greeting).toBe('hello');
      expect(outcome.error).toBeInstanceOf(IoError);
      expect(outcome.error).toMatchObject({ code: 'ECONNRESET' });
      expect(outcome.again).toBe(outcome.error);
    } finally {
      peer.close();
    }
  });

  it('half-closes: the peer reads to the end and can still answer', () => {
    rt = ioRuntime();
    const outcome = rt.blockOn(function* () {
      const listener = yield* bindLocal();
      const server = spawn(function* () {
        const stream = yield* listener.accept();
        const request = yield* readToEnd(stream); // ends because the client shut down its side
        yield* stream.writeAll(text(`got ${request.length} bytes`));
        yield* stream.shutdown();
        stream.close();
      });
      const client = yield* TcpStream.connect(listener.localAddr());
      yield* client.writeAll(text('12345'));
      yield* client.shutdown();
      const writeAfter = catchSync(() => client.write(text('x')));
      const reply = yield* readToEnd(client);
      yield* server;
      client.close();
      listener.close();
      return { reply: str(reply), writeAfter };
    });
    expect(outcome.reply).toBe('got 5 bytes');
    expect(outcome.writeAfter).toBeInstanceOf(IoError);
    expect(outcome.writeAfter).toMatchObject({ code: 'EPIPE' });
  });

  it('between two tasks of one runtime, a reader that waits gets every byte and the end: direct writes, writes through the reactor, small writes, close', () => {
    // Whatever path the peer's bytes take (direct writes, the reactor once the socket is full,
    // small writes), none may be missed and the end must arrive.
    rt = ioRuntime();
    const big = randomBytes(8 * 1024 * 1024); // more than the socket takes at once: the rest goes through the reactor
    const outcome = rt.blockOn(function* () {
      const listener = yield* bindLocal();
      const server = spawn(function* () {
        const stream = yield* listener.accept();
        const first = yield* stream.readExact(5); // waits before the client wrote anything
        yield* stream.writeAll(big);
        for (let i = 0; i < 100; i++) yield* stream.writeAll(text('x'));
        stream.close(); // not shutdown: the reader learns of the end from the socket alone
        return str(first);
      });
      const client = yield* TcpStream.connect(listener.localAddr());
      const reader = spawn(readToEnd, client); // waits before the server wrote anything
      yield* yieldNow();
      yield* client.writeAll(text('hello'));
      const received = yield* reader;
      const first = yield* server;
      client.close();
      listener.close();
      return { first, received };
    });
    expect(outcome.first).toBe('hello');
    expect(outcome.received.length).toBe(big.length + 100);
    expect(sameBytes(outcome.received.subarray(0, big.length), big)).toBe(true);
    expect(str(outcome.received.subarray(big.length))).toBe('x'.repeat(100));
  });

  it('times out a read that never arrives (time driver) and releases its interest', () => {
    rt = CurrentThreadRuntime.builder().enable(ioDriver()).enable(timeDriver({ startPaused: true })).build();
    const outcome = rt.blockOn(function* () {
      const listener = yield* bindLocal();
      const client = yield* TcpStream.connect(listener.localAddr());
      const server = yield* listener.accept(); // never writes
      const error = yield* catching(timeout(60_000, client.read()));
      const metrics = currentIoDriver().metrics();
      // The stream is still usable afterwards.
      yield* server.writeAll(text('late'));
      const late = yield* client.readExact(4);
      client.close();
      server.close();
      listener.close();
      return { error, waiting: metrics.waitingInterests, late: str(late) };
    });
    expect(outcome.error).toBeInstanceOf(Elapsed);
    expect(outcome.waiting).toBe(0);
    expect(outcome.late).toBe('late');
  });

  it('aborting a task blocked in accept releases its interest and loses no connection', () => {
    rt = ioRuntime();
    const outcome = rt.blockOn(function* () {
      const listener = yield* bindLocal();
      const acceptor = spawn(function* () {
        return yield* listener.accept();
      });
      yield* yieldNow();
      const waitingBefore = currentIoDriver().metrics().waitingInterests;
      acceptor.abort();
      const joined = yield* catching(acceptor);
      const waitingAfter = currentIoDriver().metrics().waitingInterests;
      const client = yield* TcpStream.connect(listener.localAddr());
      const accepted = yield* listener.accept();
      yield* client.writeAll(text('ok'));
      const got = yield* accepted.readExact(2);
      client.close();
      accepted.close();
      listener.close();
      return { waitingBefore, joined, waitingAfter, got: str(got) };
    });
    expect(outcome.waitingBefore).toBe(1);
    expect(outcome.joined).toBeInstanceOf(JoinError);
    expect((outcome.joined as JoinError).isCancelled()).toBe(true);
    expect(outcome.waitingAfter).toBe(0);
    expect(outcome.got).toBe('ok');
  });

  it('aborting a task blocked in read releases its interest; closing wakes waiters with E_CLOSED', () => {
    rt = ioRuntime();
    const outcome = rt.blockOn(function* () {
      const listener = yield* bindLocal();
      const client = yield* TcpStream.connect(listener.localAddr());
      const server = yield* listener.accept();
      const reader = spawn(function* () {
        return yield* client.read();
      });
      yield* yieldNow();
      reader.abort();
      const aborted = yield* catching(reader);
      const afterAbort = currentIoDriver().metrics().waitingInterests;
      const blocked = spawn(function* () {
        return yield* catching(client.read());
      });
      const acceptBlocked = spawn(function* () {
        return yield* catching(listener.accept());
      });
      yield* yieldNow();
      client.close();
      listener.close();
      const readError = yield* blocked;
      const acceptError = yield* acceptBlocked;
      server.close();
      return { aborted, afterAbort, readError, acceptError, after: currentIoDriver().metrics() };
    });
    expect((outcome.aborted as JoinError).isCancelled()).toBe(true);
    expect(outcome.afterAbort).toBe(0);
    expect(outcome.readError).toMatchObject({ code: 'E_CLOSED', syscall: 'read' });
    expect(outcome.acceptError).toMatchObject({ code: 'E_CLOSED', syscall: 'accept' });
    expect(outcome.after.waitingInterests).toBe(0);
  });

  it('closing a stream fails its pending writeAll with E_CLOSED instead of hanging', () => {
    rt = ioRuntime();
    const outcome = rt.blockOn(function* () {
      const listener = yield* bindLocal();
      const sender = yield* TcpStream.connect(listener.localAddr());
      const receiver = yield* listener.accept(); // never reads: the writer fills the window and waits
      const writer = spawn(function* () {
        return yield* catching(sender.writeAll(new Uint8Array(64 * 1024 * 1024)));
      });
      const driver = currentIoDriver();
      // The kernel's buffers are full: the rest waits in the reactor for the receiver.
      yield* waitUntil(() => driver.metrics().inFlightWriteBytes > 0);
      sender.close();
      const error = yield* writer;
      receiver.close();
      listener.close();
      return { error, pending: driver.metrics().pendingRequests, inFlight: driver.metrics().inFlightWriteBytes };
    });
    expect(outcome.error).toBeInstanceOf(IoError);
    expect(outcome.error).toMatchObject({ code: 'E_CLOSED' });
    expect(outcome.pending).toBe(0);
    expect(outcome.inFlight).toBe(0);
  });

  it('writes straight to the socket while it can; a write after an aborted writeAll never overtakes its bytes', () => {
    rt = ioRuntime({ writeHighWaterMark: 256 * 1024 });
    const total = 16 * 1024 * 1024;
    const outcome = rt.blockOn(function* () {
      const driver = currentIoDriver();
      const listener = yield* bindLocal();
      const sender = yield* TcpStream.connect(listener.localAddr());
      const receiver = yield* listener.accept(); // does not read until the writer was aborted
      yield* sender.writeAll(text('hi'));
      const directAtFirst = driver.metrics().directWriteBytes;
      const payload = randomBytes(total);
      const writer = spawn(function* () {
        yield* sender.writeAll(payload);
      });
      // The kernel's buffers fill up; the rest goes through the reactor, which is still writing it.
      yield* waitUntil(() => driver.metrics().inFlightWriteBytes > 0);
      writer.abort();
      const aborted = yield* catching(writer);
      // Sent while the aborted writer's bytes are still being written: must come after them.
      const ender = spawn(function* () {
        yield* sender.writeAll(text('END'));
        yield* sender.shutdown();
      });
      const received = yield* readToEnd(receiver);
      yield* ender;
      sender.close();
      receiver.close();
      listener.close();
      return { directAtFirst, aborted, received, payload, end: driver.metrics() };
    });
    expect(outcome.directAtFirst).toBe(2);
    expect((outcome.aborted as JoinError).isCancelled()).toBe(true);
    const { received, payload } = outcome;
    const sent = received.length - 5; // 'hi' before, 'END' after
    expect(sent).toBeGreaterThan(0);
    expect(sent).toBeLessThan(total);
    expect(str(received.subarray(0, 2))).toBe('hi');
    expect(sameBytes(received.subarray(2, 2 + sent), payload.subarray(0, sent))).toBe(true);
    expect(str(received.subarray(2 + sent))).toBe('END');
    expect(outcome.end.pendingRequests).toBe(0);
  });

  it('reads byte-exact from a peer that sends in bursts: direct reads and reads the reactor waited for alternate, in order', async () => {
    rt = ioRuntime();
    const total = 1024 * 1024;
    const payload = randomBytes(total);
    // The peer is raw node:net on this thread's event loop (so the runtime is driven by rt.run):
    // a reader often finds the socket empty and the reactor waits for it.
    const peer = net.createServer((socket) => {
      let at = 0;
      const next = (): void => {
        if (at >= total) {
          socket.end();
          return;
        }
        const n = Math.min(total - at, 1 + ((at * 7919) % 40_000));
        socket.write(payload.subarray(at, at + n));
        at += n;
        setTimeout(next, at % 3);
      };
      next();
    });
    await new Promise<void>((resolve) => peer.listen(0, HOST, resolve));
    const { port } = peer.address() as net.AddressInfo;
    try {
      const outcome = await rt.run(function* () {
        const stream = yield* TcpStream.connect({ host: HOST, port });
        const received = new Uint8Array(total);
        let filled = 0;
        for (let i = 0; ; i++) {
          const want = Math.min(total - filled, 1 + ((i * 104_729) % 30_000));
          const chunk = i % 2 === 0 || want === 0 ? yield* stream.read(1 + ((i * 31) % 50_000)) : yield* stream.readExact(want);
          if (chunk === null) break;
          received.set(chunk, filled);
          filled += chunk.length;
        }
        stream.close();
        return { filled, same: sameBytes(received, payload), metrics: currentIoDriver().metrics() };
      });
      expect(outcome.filled).toBe(total);
      expect(outcome.same).toBe(true);
      // Some reads waited for the reactor (each hands one chunk back).
      expect(outcome.metrics.completionsReceived).toBeGreaterThan(2);
      expect(outcome.metrics.waitingInterests).toBe(0);
    } finally {
      peer.close();
    }
  });

  it('fails a write to a connection the peer reset with an IoError instead of hanging', async () => {
    rt = ioRuntime();
    const peer = net.createServer((socket) => {
      socket.once('data', () => socket.resetAndDestroy());
    });
    await new Promise<void>((resolve) => peer.listen(0, HOST, resolve));
    const { port } = peer.address() as net.AddressInfo;
    try {
      const outcome = await rt.run(function* () {
        const stream = yield* TcpStream.connect({ host: HOST, port });
        yield* stream.writeAll(text('go'));
        const readError = yield* catching(stream.read());
        const errors: unknown[] = [];
        // The first writes may still be taken by the kernel; then the reset shows.
        for (let i = 0; i < 4; i++) errors.push(yield* catching(stream.writeAll(new Uint8Array(1024))));
        stream.close();
        return { readError, errors };
      });
      expect(outcome.readError).toMatchObject({ code: 'ECONNRESET' });
      expect(outcome.errors.at(-1)).toBeInstanceOf(IoError);
    } finally {
      peer.close();
    }
  });

  it('leaves unread bytes in the kernel when a peer sends 50 MiB to a task that does not read (backpressure, direct socket IO)', () => {
    const writeHighWaterMark = 1024 * 1024;
    rt = ioRuntime({ writeHighWaterMark });
    const total = 50 * 1024 * 1024;
    const outcome = rt.blockOn(function* () {
      const driver = currentIoDriver();
      const listener = yield* bindLocal();
      const sender = yield* TcpStream.connect(listener.localAddr());
      const receiver = yield* listener.accept();
      const payload = randomBytes(total);
      const writer = spawn(function* () {
        yield* sender.writeAll(payload);
        yield* sender.shutdown();
      });
      // The sender runs ahead until the kernel's buffers are full and the rest waits in the reactor.
      yield* waitUntil(() => driver.metrics().inFlightWriteBytes > 0);
      yield* sleep(50);
      const stalled = driver.metrics();
      const { received, filled, maxSocketWrite } = yield* readAllWatchingWrites(receiver, total);
      yield* writer;
      const afterRead = driver.metrics();
      sender.close();
      receiver.close();
      listener.close();
      return { stalled, filled, same: sameBytes(received, payload), maxSocketWrite, afterRead };
    });
    // Nobody read: the bytes stayed in the kernel (whose window closed), not in the reactor.
    expect(outcome.stalled.bufferedReadBytes).toBe(0);
    expect(outcome.stalled.inFlightWriteBytes).toBeLessThanOrEqual(writeHighWaterMark);
    expect(outcome.filled).toBe(total);
    expect(outcome.same).toBe(true);
    // The reactor read at most one chunk at a time for the reader, never ahead of it.
    expect(outcome.afterRead.peakBufferedReadBytes).toBeLessThanOrEqual(READ_CHUNK_BYTES);
    expect(outcome.maxSocketWrite).toBeLessThanOrEqual(writeHighWaterMark);
    expect(outcome.afterRead.directWriteBytes).toBeGreaterThan(0);
  });

  it('keeps reactor memory bounded when a peer sends 50 MiB to a task that does not read (backpressure, all IO through the reactor)', () => {
    const readHighWaterMark = 1024 * 1024;
    const writeHighWaterMark = 1024 * 1024;
    rt = ioRuntime({ readHighWaterMark, writeHighWaterMark, directSocketIo: false });
    const total = 50 * 1024 * 1024;
    const outcome = rt.blockOn(function* () {
      const driver = currentIoDriver();
      const listener = yield* bindLocal();
      const sender = yield* TcpStream.connect(listener.localAddr());
      const receiver = yield* listener.accept();
      const payload = randomBytes(total);
      const writer = spawn(function* () {
        yield* sender.writeAll(payload);
        yield* sender.shutdown();
      });
      // Let the sender run ahead until the reactor pauses the receiving socket.
      yield* waitUntil(() => driver.metrics().pausedSockets > 0);
      const whilePaused = driver.metrics();
      const { received, filled, maxSocketWrite } = yield* readAllWatchingWrites(receiver, total);
      yield* writer;
      const afterRead = driver.metrics();
      sender.close();
      receiver.close();
      listener.close();
      // The reactor publishes its counters asynchronously: let it process the closes.
      const settled = yield* waitUntil(() => driver.metrics().bufferedReadBytes === 0 && driver.metrics().pausedSockets === 0);
      return { whilePaused, filled, same: sameBytes(received, payload), maxSocketWrite, afterRead, settled, end: driver.metrics() };
    });
    expect(outcome.whilePaused.pausedSockets).toBe(1);
    expect(outcome.whilePaused.bufferedReadBytes).toBeLessThanOrEqual(readHighWaterMark + READ_CHUNK_BYTES);
    expect(outcome.filled).toBe(total);
    expect(outcome.same).toBe(true);
    // Never more than the high-water mark (plus one socket read) buffered, during the whole transfer.
    expect(outcome.afterRead.peakBufferedReadBytes).toBeLessThanOrEqual(readHighWaterMark + READ_CHUNK_BYTES);
    expect(outcome.afterRead.peakBufferedReadBytes).toBeGreaterThanOrEqual(readHighWaterMark);
    // The writer never had more than its window inside the reactor's socket buffers.
    expect(outcome.maxSocketWrite).toBeLessThanOrEqual(writeHighWaterMark);
    expect(outcome.settled).toBe(true);
  });
});

describe('bad input and misuse fail at the call', () => {
  it('rejects invalid addresses, lengths and bytes with RangeError / TypeError', () => {
    rt = ioRuntime();
    const errors = rt.blockOn(function* () {
      const listener = yield* bindLocal();
      const stream = yield* TcpStream.connect(listener.localAddr());
      const result = {
        negativePort: catchSync(() => TcpStream.connect({ host: HOST, port: -1 })),
        zeroConnectPort: catchSync(() => TcpStream.connect({ host: HOST, port: 0 })),
        bigPort: catchSync(() => TcpListener.bind({ host: HOST, port: 65536 })),
        fractionalPort: catchSync(() => TcpListener.bind({ host: HOST, port: 1.5 })),
        noHost: catchSync(() => TcpStream.connect({ host: '', port: 80 })),
        notAnAddress: catchSync(() => TcpStream.connect('localhost:80' as never)),
        negativeExact: catchSync(() => stream.readExact(-1)),
        zeroRead: catchSync(() => stream.read(0)),
        notBytes: catchSync(() => stream.write('text' as never)),
        arrayNotBytes: catchSync(() => stream.writeAll([1, 2, 3] as never)),
      };
      stream.close();
      const writeClosed = catchSync(() => stream.write(text('x')));
      const readClosed = catchSync(() => stream.read());
      listener.close();
      const acceptClosed = catchSync(() => listener.accept());
      return { ...result, writeClosed, readClosed, acceptClosed };
    });
    for (const key of ['negativePort', 'zeroConnectPort', 'bigPort', 'fractionalPort', 'negativeExact', 'zeroRead'] as const) {
      expect(errors[key], key).toBeInstanceOf(RangeError);
    }
    for (const key of ['noHost', 'notAnAddress', 'notBytes', 'arrayNotBytes'] as const) {
      expect(errors[key], key).toBeInstanceOf(TypeError);
    }
    expect(errors.writeClosed).toMatchObject({ code: 'E_CLOSED', syscall: 'write' });
    expect(errors.readClosed).toMatchObject({ code: 'E_CLOSED', syscall: 'read' });
    expect(errors.acceptClosed).toMatchObject({ code: 'E_CLOSED', syscall: 'accept' });
    expect(errors.writeClosed).toBeInstanceOf(IoError);
    expect((errors.writeClosed as Error).message).toMatch(/closed/);
  });

  it('throws NoRuntimeError outside a runtime', () => {
    expect(() => TcpStream.connect({ host: HOST, port: 80 })).toThrow(NoRuntimeError);
    expect(() => TcpListener.bind({ host: HOST, port: 0 })).toThrow(NoRuntimeError);
  });

  it('throws DriverDisabledError naming ioDriver() without the driver', () => {
    const plain = CurrentThreadRuntime.builder().build();
    try {
      let error: unknown = null;
      plain.blockOn(() => {
        error = catchSync(() => TcpStream.connect({ host: HOST, port: 80 }));
      });
      expect(error).toBeInstanceOf(DriverDisabledError);
      expect((error as Error).message).toContain('.enable(ioDriver())');
    } finally {
      plain.shutdownBackground();
    }
  });

  it('Handle.blockOn refuses to wait on IO with DriverNotDrivenError instead of hanging', () => {
    rt = ioRuntime();
    const handle = rt.handle();
    let error: unknown = null;
    try {
      handle.blockOn(function* () {
        yield* TcpListener.bind({ host: HOST, port: 0 });
      } as never);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(DriverNotDrivenError);
    expect((error as DriverNotDrivenError).drivers).toEqual(['io']);
    // The abandoned bind left nothing pending.
    expect(rt.blockOn(() => currentIoDriver().metrics().pendingRequests)).toBe(0);
  });

  it('validates driver options when the factory is created', () => {
    expect(() => ioDriver({ maxIoEventsPerTick: 0 })).toThrow(RangeError);
    expect(() => ioDriver({ commandArenaBytes: 10 })).toThrow(RangeError);
    expect(() => ioDriver({ readHighWaterMark: 1.5 })).toThrow(RangeError);
    expect(() => ioDriver({ directSocketIo: 'yes' as unknown as boolean })).toThrow(TypeError);
    expect(ioDriver({ maxIoEventsPerTick: 16 }).name).toBe('io');
    expect(ioDriver({ directSocketIo: false }).name).toBe('io');
  });
});

describe('shutdown', () => {
  it('fails resources with RuntimeShutdownError afterwards and frees their ports', async () => {
    rt = ioRuntime();
    const { listener, stream, port } = rt.blockOn(function* () {
      const listener = yield* bindLocal();
      const stream = yield* TcpStream.connect(listener.localAddr());
      return { listener, stream, port: listener.localAddr().port };
    });
    rt.shutdownBackground();
    expect(() => stream.read()).toThrow(RuntimeShutdownError);
    expect(() => stream.writeAll(text('x'))).toThrow(RuntimeShutdownError);
    expect(() => listener.accept()).toThrow(RuntimeShutdownError);
    // The reactor closed the listening socket: the port can be bound again at once.
    const again = net.createServer();
    await new Promise<void>((resolve, reject) => {
      again.once('error', reject);
      again.listen(port, HOST, resolve);
    });
    await new Promise<void>((resolve) => again.close(() => resolve()));
  });

  it('wakes an async task awaiting a read with RuntimeShutdownError', async () => {
    rt = ioRuntime();
    let settled: Promise<unknown> | undefined;
    const runtime = rt;
    await rt.run(function* () {
      const listener = yield* bindLocal();
      const client = yield* TcpStream.connect(listener.localAddr());
      yield* listener.accept();
      settled = (async () => {
        try {
          await client.read();
          return null;
        } catch (error) {
          return error;
        }
      })();
      yield* yieldNow();
    });
    runtime.shutdownBackground();
    await expect(settled).resolves.toBeInstanceOf(RuntimeShutdownError);
  });
});

function catchSync(fn: () => unknown): unknown {
  try {
    fn();
    return null;
  } catch (error) {
    return error;
  }
}
