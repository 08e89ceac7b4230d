import type { RequirementsOf, TaskOutput, TideFuture } from '@tide/core';
import type { CurrentThreadRuntime } from '@tide/current-thread';
import { TcpListener, TcpStream, UdpSocket, fs, type Datagram, type FileHandle, type FileStat } from '@tide/io-driver';
import type { sleep } from '@tide/time-driver';
import { describe, expectTypeOf, it } from 'vitest';

function* fetchLine(port: number) {
  const stream = yield* TcpStream.connect({ host: '127.0.0.1', port });
  const line = yield* stream.readExact(4);
  stream.close();
  return line;
}

function* serveOnce() {
  const listener = yield* TcpListener.bind({ host: '127.0.0.1', port: 0 });
  const stream = yield* listener.accept();
  const data = yield* stream.read();
  yield* stream.writeAll(data ?? new Uint8Array(0));
  return data;
}

declare const ioRt: CurrentThreadRuntime<'io'>;
declare const timeRt: CurrentThreadRuntime<'time'>;
declare const delay: typeof sleep;

describe("IO futures carry the 'io' requirement", () => {
  it('in their types', () => {
    expectTypeOf(TcpStream.connect(80)).toExtend<TideFuture<TcpStream, 'io'>>();
    expectTypeOf(TcpListener.bind(0)).toExtend<TideFuture<TcpListener, 'io'>>();
    expectTypeOf(UdpSocket.bind(0)).toExtend<TideFuture<UdpSocket, 'io'>>();
    expectTypeOf(fs.readFile('x')).toExtend<TideFuture<Uint8Array, 'io'>>();
    expectTypeOf(fs.open('x', 'r')).toExtend<TideFuture<FileHandle, 'io'>>();
    expectTypeOf(fs.stat('x')).toExtend<TideFuture<FileStat, 'io'>>();
  });

  it('infers them for generator tasks, with the values', () => {
    expectTypeOf<RequirementsOf<typeof fetchLine>>().toEqualTypeOf<'io'>();
    expectTypeOf<TaskOutput<typeof fetchLine>>().toEqualTypeOf<Uint8Array>();
    expectTypeOf(ioRt.blockOn(serveOnce)).toEqualTypeOf<Uint8Array | null>();
    function* both() {
      yield* delay(1);
      const socket = yield* UdpSocket.bind(0);
      const datagram = yield* socket.recv();
      return datagram;
    }
    expectTypeOf<RequirementsOf<typeof both>>().toEqualTypeOf<'io' | 'time'>();
    expectTypeOf<TaskOutput<typeof both>>().toEqualTypeOf<Datagram>();
    expectTypeOf(both).toBeFunction();
  });

  it('lets a runtime with the io driver run them, and refuses one without it', () => {
    expectTypeOf(ioRt.blockOn(fetchLine, 80)).toEqualTypeOf<Uint8Array>();
    // @ts-expect-error the runtime was built without the io driver
    timeRt.blockOn(fetchLine, 80);
  });
});
