// When the reactor thread dies, every pending operation fails with IoError E_REACTOR_EXITED,
// nothing hangs (not even a synchronous blockOn, where this thread's event loop cannot run), and
// every later operation fails the same way. Two real ways to die: stopped from outside
// (`Worker.terminate()`, which runs no handler in the thread — as when it runs out of memory),
// and an uncaught error thrown inside it (in a child process, injected with `--import`).
import { spawn, yieldNow, type Suspend } from '@tide/core';
import { CurrentThreadRuntime } from '@tide/current-thread';
import { currentIoDriver, fs, IoError, TcpListener, TcpStream, type IoDriver } from '@tide/io-driver';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Worker } from 'node:worker_threads';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { catching, ioRuntime } from '../test-support/runtime.js';

const HOST = '127.0.0.1';
const dir = mkdtempSync(join(tmpdir(), 'tide-io-death-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let rt: CurrentThreadRuntime<'io' | 'time'> | undefined;
afterEach(() => {
  rt?.shutdownBackground();
  rt = undefined;
});

/** Stops the driver's reactor thread from outside, as `Worker.terminate()` does (the test reaches into the driver for it). */
function terminateReactor(driver: IoDriver): void {
  const worker = (driver as unknown as { reactor: { worker: Worker | null } }).reactor.worker;
  if (worker === null) throw new Error('the reactor thread was not started');
  void worker.terminate();
}

/** Opens a listener and a connected pair, and starts an accept, a read and a write that stay pending. */
function* pendingOperations() {
  const listener = yield* TcpListener.bind({ host: HOST, port: 0 });
  const client = yield* TcpStream.connect(listener.localAddr());
  const server = yield* listener.accept();
  // Nothing connects again, the server never writes, and nobody reads 64 MiB from the server.
  const accept = spawn(function* () {
    return yield* catching(listener.accept());
  });
  const read = spawn(function* () {
    return yield* catching(client.read());
  });
  const writeAll = spawn(function* () {
    return yield* catching(client.writeAll(new Uint8Array(64 * 1024 * 1024)));
  });
  yield* yieldNow();
  return { listener, client, server, accept, read, writeAll };
}

/** What each later operation does once the reactor is gone (`stream` has nothing buffered). */
function* laterOperations(stream: TcpStream, port: number): Generator<Suspend<'io'>, Record<string, unknown>, unknown> {
  return {
    read: yield* catching(stream.read()),
    bind: yield* catching(TcpListener.bind({ host: HOST, port: 0 })),
    connect: yield* catching(TcpStream.connect({ host: HOST, port })),
    readFile: yield* catching(fs.readFile(join(dir, 'nothing'))),
  };
}

const reactorExited = { code: 'E_REACTOR_EXITED', message: expect.stringMatching(/reactor thread exited unexpectedly.*Build a new runtime/) as string };

describe('the reactor thread dies', () => {
  it('stopped from outside during a synchronous blockOn: pending operations fail with E_REACTOR_EXITED, later ones too, nothing hangs', () => {
    rt = ioRuntime();
    const outcome = rt.blockOn(function* () {
      const ops = yield* pendingOperations();
      const file = yield* fs.open(join(dir, 'open-at-death.txt'), 'w');
      const driver = currentIoDriver();
      const before = driver.metrics();
      terminateReactor(driver);
      const pending = { accept: yield* ops.accept, read: yield* ops.read, writeAll: yield* ops.writeAll };
      const later = yield* laterOperations(ops.client, ops.listener.localAddr().port);
      // Closing what is left neither throws nor waits.
      const closeFile = yield* catching(file.close());
      ops.client.close();
      ops.server.close();
      ops.listener.close();
      return { before, pending, later, closeFile, after: driver.metrics() };
    });
    // The accept and the read wait on interests (the writeAll's requests come and go as the kernel takes bytes).
    expect(outcome.before.waitingInterests).toBeGreaterThanOrEqual(2);
    for (const error of [...Object.values(outcome.pending), ...Object.values(outcome.later)]) {
      expect(error).toBeInstanceOf(IoError);
      expect(error).toMatchObject(reactorExited);
    }
    expect(outcome.closeFile).toMatchObject(reactorExited);
    expect(outcome.after).toMatchObject({ pendingRequests: 0, waitingInterests: 0 });
    // Shutting the runtime down afterwards does not wait for the dead thread either.
    rt.shutdownTimeout(10_000);
  });

  it('stopped from outside while host-driven (rt.run): async tasks awaiting IO fail with E_REACTOR_EXITED', async () => {
    rt = ioRuntime();
    // Opened in one run, so that a failure there could not be mistaken for the one under test.
    const { listener, client, server } = await rt.run(async () => {
      const listener = await TcpListener.bind({ host: HOST, port: 0 });
      const client = await TcpStream.connect(listener.localAddr());
      const server = await listener.accept();
      return { listener, client, server };
    });
    const outcome = await rt.run(async () => {
      const reading = server.read().then(
        () => null,
        (error: unknown) => error,
      );
      await Promise.resolve();
      terminateReactor(currentIoDriver());
      const read = await reading;
      let connect: unknown = null;
      try {
        await TcpStream.connect(listener.localAddr());
      } catch (error) {
        connect = error;
      }
      client.close();
      return { read, connect };
    });
    expect(outcome.read).toMatchObject(reactorExited);
    expect(outcome.connect).toMatchObject(reactorExited);
  });

  it.runIf(process.platform !== 'win32')('crashed by an uncaught error inside it: the same, and the process still ends by itself', async () => {
    const packageDir = fileURLToPath(new URL('../..', import.meta.url));
    const { code, killed, stdout } = await new Promise<{ code: number | null; killed: boolean; stdout: string }>((resolve) => {
      const child = execFile(
        process.execPath,
        ['--import', './test-fixtures/crash-reactor-preload.mjs', './test-fixtures/reactor-crash.mjs', dir],
        { cwd: packageDir, timeout: 30_000 },
        (error, out) => resolve({ code: child.exitCode, killed: error?.killed === true || child.signalCode !== null, stdout: out }),
      );
    });
    expect(killed).toBe(false);
    expect(code).toBe(0);
    const report = JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as {
      crash: string;
      pending: Record<string, string>;
      later: Record<string, string>;
      metrics: { pendingRequests: number; waitingInterests: number };
    };
    const exited = /^IoError E_REACTOR_EXITED: the io reactor thread exited unexpectedly/;
    expect(report.crash).toMatch(exited);
    for (const result of [...Object.values(report.pending), ...Object.values(report.later)]) expect(result).toMatch(exited);
    expect(report.metrics).toMatchObject({ pendingRequests: 0, waitingInterests: 0 });
  });
});
