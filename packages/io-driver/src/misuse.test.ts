// What a new user tries first, done wrong: each attempt fails at once with an exported error
// class, a stable code and a message that says what to write instead — never a hang, never a
// TypeError from deep inside the driver.
import { DeadlockError, DriverNotDrivenError } from '@tide/core';
import { CurrentThreadRuntime } from '@tide/current-thread';
import {
  ArgumentRangeError,
  currentIoDriver,
  FileHandle,
  fs,
  InvalidArgumentError,
  ioDriver,
  IoError,
  TcpListener,
  TcpStream,
  UdpSocket,
} from '@tide/io-driver';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { catching, ioRuntime, waitUntil } from './test-support/runtime.js';

const dir = mkdtempSync(join(tmpdir(), 'tide-io-misuse-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const HOST = '127.0.0.1';

const runtimes: CurrentThreadRuntime<'io' | 'time'>[] = [];
afterEach(() => {
  for (const runtime of runtimes.splice(0)) runtime.shutdownBackground();
});
function runtime(): CurrentThreadRuntime<'io' | 'time'> {
  const rt = ioRuntime();
  runtimes.push(rt);
  return rt;
}

function thrown(fn: () => unknown): unknown {
  try {
    fn();
    return null;
  } catch (error) {
    return error;
  }
}

describe('misuse a new user would try', () => {
  it('bad arguments are InvalidArgumentError (a TypeError) or ArgumentRangeError (a RangeError) with a stable code', () => {
    const rt = runtime();
    const errors = rt.blockOn(function* () {
      const listener = yield* TcpListener.bind({ host: HOST, port: 0 });
      const stream = yield* TcpStream.connect(listener.localAddr());
      const result = {
        hostPort: thrown(() => TcpStream.connect('127.0.0.1:8080' as never)),
        ipv6HostPort: thrown(() => TcpStream.connect('[::1]:8080' as never)),
        stringPort: thrown(() => TcpStream.connect({ host: 'localhost', port: '8080' as never })),
        text: thrown(() => stream.writeAll('hello' as never)),
        negative: thrown(() => stream.readExact(-1)),
        path: thrown(() => fs.readFile(42 as never)),
        flags: thrown(() => fs.open('/tmp/x', 'read' as never)),
        options: thrown(() => ioDriver({ readHighWaterMark: '1mb' as never })),
      };
      stream.close();
      listener.close();
      return result;
    });
    expect(errors.hostPort).toBeInstanceOf(InvalidArgumentError);
    expect(errors.hostPort).toBeInstanceOf(TypeError);
    expect(errors.hostPort).toMatchObject({ code: 'E_INVALID_ARGUMENT', name: 'InvalidArgumentError' });
    expect((errors.hostPort as Error).message).toContain('Write { host: "127.0.0.1", port: 8080 }');
    expect((errors.ipv6HostPort as Error).message).toContain('Write { host: "::1", port: 8080 }');
    expect(errors.stringPort).toBeInstanceOf(ArgumentRangeError);
    expect(errors.stringPort).toBeInstanceOf(RangeError);
    expect(errors.stringPort).toMatchObject({ code: 'E_ARGUMENT_OUT_OF_RANGE', name: 'ArgumentRangeError' });
    expect((errors.stringPort as Error).message).toContain('got the string "8080"');
    expect((errors.text as Error).message).toContain('new TextEncoder().encode(text)');
    expect(errors.text).toMatchObject({ code: 'E_INVALID_ARGUMENT' });
    expect(errors.negative).toMatchObject({ code: 'E_ARGUMENT_OUT_OF_RANGE' });
    expect(errors.path).toMatchObject({ code: 'E_INVALID_ARGUMENT' });
    expect(errors.flags).toMatchObject({ code: 'E_INVALID_ARGUMENT' });
    expect((errors.flags as Error).message).toContain('got the string "read"');
    expect(errors.options).toMatchObject({ code: 'E_ARGUMENT_OUT_OF_RANGE' });
  });

  it('new TcpStream() and friends say which factory opens one', () => {
    for (const [make, hint] of [
      [() => new (TcpStream as unknown as new () => unknown)(), 'TcpStream.connect'],
      [() => new (TcpListener as unknown as new () => unknown)(), 'TcpListener.bind'],
      [() => new (UdpSocket as unknown as new () => unknown)(), 'UdpSocket.bind'],
      [() => new (FileHandle as unknown as new () => unknown)(), 'fs.open'],
    ] as const) {
      const error = thrown(make);
      expect(error).toBeInstanceOf(InvalidArgumentError);
      expect((error as Error).message).toContain(hint);
    }
  });

  it('a resource opened by one runtime, used from a task of another: E_OTHER_RUNTIME instead of waiting forever', () => {
    const a = runtime();
    const b = runtime();
    const { listener, stream, readLater, connectLater } = a.blockOn(function* () {
      const listener = yield* TcpListener.bind({ host: HOST, port: 0 });
      const stream = yield* TcpStream.connect(listener.localAddr());
      // Futures made on runtime A and awaited on runtime B.
      return { listener, stream, readLater: stream.read(), connectLater: TcpStream.connect(listener.localAddr()) };
    });
    const outcome = b.blockOn(function* () {
      return {
        accept: thrown(() => listener.accept()),
        read: thrown(() => stream.read()),
        writeAll: thrown(() => stream.writeAll(new Uint8Array(4))),
        shutdown: thrown(() => stream.shutdown()),
        readLater: yield* catching(readLater),
        connectLater: yield* catching(connectLater),
      };
    });
    for (const [what, error] of Object.entries(outcome)) {
      expect(error, what).toBeInstanceOf(IoError);
      expect(error, what).toMatchObject({ code: 'E_OTHER_RUNTIME' });
      expect((error as Error).message, what).toMatch(/opened by the io driver of runtime #\d+, and is used from a task of runtime #\d+.*use it from that runtime's tasks/);
    }
    // Back on its own runtime everything works: the failed attempts registered nothing.
    const metrics = a.blockOn(function* () {
      const server = yield* listener.accept();
      yield* server.writeAll(new Uint8Array([7]));
      const got = yield* stream.readExact(1);
      server.close();
      stream.close();
      listener.close();
      return { got: got[0], waiting: currentIoDriver().metrics().waitingInterests };
    });
    expect(metrics).toEqual({ got: 7, waiting: 0 });
  });

  it('closing a file twice, or from a task of another runtime, neither throws nor leaks', () => {
    const a = runtime();
    const b = runtime();
    const path = join(dir, 'closing.txt');
    const { first, second, handlesBefore } = a.blockOn(function* () {
      yield* fs.writeFile(path, 'x');
      const first = yield* fs.open(path, 'r');
      const second = yield* fs.open(path, 'r');
      yield* first.close();
      yield* first.close(); // a no-op
      return { first, second, handlesBefore: currentIoDriver().metrics().reactorHandles };
    });
    // From runtime B's task: closed without waiting (B could never see A's completion).
    b.blockOn(function* () {
      yield* second.close();
    });
    const after = a.blockOn(function* () {
      const driver = currentIoDriver();
      const released = yield* waitUntil(() => driver.metrics().reactorHandles === handlesBefore - 1);
      return { released, reading: thrown(() => second.read()), firstAgain: yield* catching(first.close()) };
    });
    expect(after.released).toBe(true);
    expect(after.reading).toMatchObject({ code: 'E_CLOSED' });
    expect(after.firstAgain).toBeNull();
  });

  it('a resource used inside Handle.blockOn (which turns no drivers): DriverNotDrivenError at the call, not a hang', () => {
    const rt = runtime();
    const { listener, stream } = rt.blockOn(function* () {
      const listener = yield* TcpListener.bind({ host: HOST, port: 0 });
      return { listener, stream: yield* TcpStream.connect(listener.localAddr()) };
    });
    const error = thrown(() =>
      rt.handle().blockOn(function* () {
        return yield* stream.read();
      } as never),
    );
    expect(error).toBeInstanceOf(DriverNotDrivenError);
    stream.close();
    listener.close();
  });

  it('an async root task awaiting IO inside the synchronous blockOn: DeadlockError that says to write a generator', () => {
    const rt = runtime();
    const error = thrown(() =>
      rt.blockOn((async () => {
        const listener = await TcpListener.bind({ host: HOST, port: 0 });
        listener.close();
      }) as never),
    );
    expect(error).toBeInstanceOf(DeadlockError);
    expect((error as Error).message).toMatch(/generator function.*runtime\.run/);
  });

  it('enable(ioDriver) without calling it, and enabling it twice, fail when the runtime is built', () => {
    expect(() => CurrentThreadRuntime.builder().enable(ioDriver as never)).toThrow(/call the factory function/);
    expect(() => CurrentThreadRuntime.builder().enable(ioDriver()).enable(ioDriver())).toThrow(/already enabled/);
  });
});
