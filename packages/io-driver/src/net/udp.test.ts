import { spawn, yieldNow } from '@tide/core';
import { IoError, UdpSocket, currentIoDriver } from '@tide/io-driver';
import { afterEach, describe, expect, it } from 'vitest';
import { catching, ioRuntime } from '../test-support/runtime.js';

const text = (s: string): Uint8Array => new TextEncoder().encode(s);
const str = (b: Uint8Array): string => new TextDecoder().decode(b);

let rt: ReturnType<typeof ioRuntime> | undefined;
afterEach(() => {
  rt?.shutdownBackground();
  rt = undefined;
});

describe('UdpSocket', () => {
  for (const host of ['127.0.0.1', '::1']) {
    it(`sends and receives datagrams with their sender (${host})`, () => {
      rt = ioRuntime();
      const outcome = rt.blockOn(function* () {
        const a = yield* UdpSocket.bind({ host, port: 0 });
        const b = yield* UdpSocket.bind({ host, port: 0 });
        const sent = yield* a.send(text('ping'), b.localAddr());
        const first = yield* b.recv();
        yield* b.send(text('pong'), first.addr);
        const second = yield* a.recv();
        a.close();
        b.close();
        return { sent, first: str(first.data), from: first.addr, second: str(second.data), aAddr: a.localAddr(), secondFrom: second.addr, bAddr: b.localAddr() };
      });
      expect(outcome.sent).toBe(4);
      expect(outcome.first).toBe('ping');
      expect(outcome.from).toEqual(outcome.aAddr);
      expect(outcome.second).toBe('pong');
      expect(outcome.secondFrom).toEqual(outcome.bAddr);
    });
  }

  it('keeps datagram boundaries and order on loopback, empty datagrams included', () => {
    rt = ioRuntime();
    const received = rt.blockOn(function* () {
      const a = yield* UdpSocket.bind({ host: '127.0.0.1', port: 0 });
      const b = yield* UdpSocket.bind({ host: '127.0.0.1', port: 0 });
      for (const message of ['one', '', 'three']) yield* a.send(text(message), b.localAddr());
      const got: string[] = [];
      for (let i = 0; i < 3; i++) got.push(str((yield* b.recv()).data));
      a.close();
      b.close();
      return got;
    });
    expect(received).toEqual(['one', '', 'three']);
  });

  it('an aborted recv takes nothing; close wakes a waiting recv with E_CLOSED', () => {
    rt = ioRuntime();
    const outcome = rt.blockOn(function* () {
      const a = yield* UdpSocket.bind({ host: '127.0.0.1', port: 0 });
      const b = yield* UdpSocket.bind({ host: '127.0.0.1', port: 0 });
      const waiting = spawn(function* () {
        return yield* b.recv();
      });
      yield* yieldNow();
      waiting.abort();
      yield* catching(waiting);
      const interestsAfterAbort = currentIoDriver().metrics().waitingInterests;
      yield* a.send(text('kept'), b.localAddr());
      const kept = str((yield* b.recv()).data);
      const blocked = spawn(function* () {
        return yield* catching(b.recv());
      });
      yield* yieldNow();
      b.close();
      const closedError = yield* blocked;
      a.close();
      return { interestsAfterAbort, kept, closedError };
    });
    expect(outcome.interestsAfterAbort).toBe(0);
    expect(outcome.kept).toBe('kept');
    expect(outcome.closedError).toBeInstanceOf(IoError);
    expect(outcome.closedError).toMatchObject({ code: 'E_CLOSED' });
  });

  it('fails to bind a taken port with EADDRINUSE and rejects bad input at the call', () => {
    rt = ioRuntime();
    const outcome = rt.blockOn(function* () {
      const a = yield* UdpSocket.bind({ host: '127.0.0.1', port: 0 });
      const inUse = yield* catching(UdpSocket.bind(a.localAddr()));
      const calls = {
        badPort: attempt(() => a.send(text('x'), { host: '127.0.0.1', port: 0 })),
        notBytes: attempt(() => a.send('x' as never, { host: '127.0.0.1', port: 9 })),
        tooBig: attempt(() => a.send(new Uint8Array(70_000), { host: '127.0.0.1', port: 9 })),
        badBind: attempt(() => UdpSocket.bind({ host: '127.0.0.1', port: 70_000 })),
      };
      a.close();
      return { inUse, ...calls };
    });
    expect(outcome.inUse).toMatchObject({ code: 'EADDRINUSE', syscall: 'bind' });
    expect(outcome.badPort).toBeInstanceOf(RangeError);
    expect(outcome.notBytes).toBeInstanceOf(TypeError);
    expect(outcome.tooBig).toBeInstanceOf(RangeError);
    expect(outcome.badBind).toBeInstanceOf(RangeError);
  });
});

function attempt(fn: () => unknown): unknown {
  try {
    fn();
    return null;
  } catch (error) {
    return error;
  }
}
