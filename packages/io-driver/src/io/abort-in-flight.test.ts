// Aborting a task while the operation it waits for is in flight in the reactor releases what
// that operation opens: nothing stays open in the reactor, no descriptor leaks.
import { JoinError, spawn, yieldNow } from '@tide/core';
import { CurrentThreadRuntime } from '@tide/current-thread';
import { currentIoDriver, TcpListener, TcpStream } from '@tide/io-driver';
import { timeout } from '@tide/time-driver';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { catching, ioRuntime, waitUntil } from '../test-support/runtime.js';

const HOST = '127.0.0.1';
const dir = mkdtempSync(join(tmpdir(), 'tide-io-abort-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let rt: CurrentThreadRuntime<'io' | 'time'> | undefined;
afterEach(() => {
  rt?.shutdownBackground();
  rt = undefined;
});

interface AbortReport {
  started: boolean;
  settled: boolean;
  baseline: { fds: number; handles: number };
  inFlight: { fds: number; handles: number; requests: number };
  after: { fds: number; handles: number; requests: number; interests: number };
  connects: { cancelled: number; connected: number };
  openCancelled: boolean;
}

describe('aborting a task while its operation is in flight', () => {
  // The fixture counts /proc/self/fd and makes a FIFO: Linux.
  it.runIf(process.platform === 'linux')(
    'connect (to a listener whose accept queue is full) and fs.open (of a FIFO nobody writes): released in the reactor, no descriptor leaks',
    async () => {
      const fixture = fileURLToPath(new URL('../../test-fixtures/abort-in-flight.mjs', import.meta.url));
      const packageDir = fileURLToPath(new URL('../..', import.meta.url));
      const { code, killed, stdout } = await new Promise<{ code: number | null; killed: boolean; stdout: string }>((resolve) => {
        const child = execFile(process.execPath, [fixture, dir], { cwd: packageDir, timeout: 45_000 }, (error, out) =>
          resolve({ code: child.exitCode, killed: error?.killed === true || child.signalCode !== null, stdout: out }),
        );
      });
      expect(killed).toBe(false);
      expect(code).toBe(0);
      const report = JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as AbortReport;
      expect(report.started).toBe(true);
      // In flight: six connect sockets in the kernel and seven operations registered in the reactor.
      expect(report.inFlight.fds).toBeGreaterThanOrEqual(report.baseline.fds + 6);
      expect(report.inFlight.handles).toBe(report.baseline.handles + 7);
      // The kernel queues at most backlog + 1 connections; the others were still connecting.
      expect(report.connects.cancelled).toBeGreaterThanOrEqual(1);
      expect(report.connects.cancelled + report.connects.connected).toBe(6);
      expect(report.openCancelled).toBe(true);
      // Everything was closed: the reactor's own count and the process's descriptors are back.
      expect(report.settled).toBe(true);
      expect(report.after).toEqual({ fds: report.baseline.fds, handles: report.baseline.handles, requests: 0, interests: 0 });
    },
  );

  it('a connect that completed in the same turn as the abort: the stream nobody will see is closed', () => {
    rt = ioRuntime();
    const outcome = rt.blockOn(function* () {
      const listener = yield* TcpListener.bind({ host: HOST, port: 0 });
      const driver = currentIoDriver();
      const connecting = spawn(function* () {
        return yield* TcpStream.connect(listener.localAddr());
      });
      yield* yieldNow(); // the task sends its connect
      // Stay runnable until a turn dispatched the connect's completion. That turn woke the task
      // behind this one in the run queue: it has its stream but has not run to take it.
      const deadline = performance.now() + 20_000;
      while (driver.metrics().pendingRequests > 0 && performance.now() < deadline) yield* yieldNow();
      const dispatched = driver.metrics().pendingRequests === 0;
      connecting.abort();
      const joined = yield* catching(connecting);
      // The connection reached the listener; the reactor closed the client side, so it reads EOF.
      const server = yield* listener.accept();
      let eof: unknown;
      try {
        eof = yield* timeout(20_000, server.read());
      } catch (error) {
        eof = error;
      }
      server.close();
      listener.close();
      const released = yield* waitUntil(() => driver.metrics().reactorHandles === 0 && driver.metrics().openResources === 0);
      return { dispatched, joined, eof, released };
    });
    expect(outcome.dispatched).toBe(true);
    expect(outcome.joined).toBeInstanceOf(JoinError);
    expect((outcome.joined as JoinError).isCancelled()).toBe(true);
    expect(outcome.eof).toBeNull();
    expect(outcome.released).toBe(true);
  });
});
