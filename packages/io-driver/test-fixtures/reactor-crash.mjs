// Run with `node --import ./crash-reactor-preload.mjs reactor-crash.mjs <dir>`. Inside one
// synchronous blockOn, with an accept, a read and a write pending, it makes the reactor thread
// die of an uncaught error, then tries more operations. Prints what each one did as JSON. It
// never calls process.exit: the test checks that the process ends by itself.
import { spawn, yieldNow } from '@tide/core';
import { CurrentThreadRuntime } from '@tide/current-thread';
import { currentIoDriver, fs, ioDriver, TcpListener, TcpStream } from '@tide/io-driver';
import { join } from 'node:path';

const dir = process.argv[2];

function* catching(work) {
  try {
    yield* work;
    return 'completed';
  } catch (error) {
    return `${error.name} ${error.code}: ${error.message}`;
  }
}

const rt = CurrentThreadRuntime.builder().enable(ioDriver()).build();
const report = rt.blockOn(function* () {
  const listener = yield* TcpListener.bind({ host: '127.0.0.1', port: 0 });
  const client = yield* TcpStream.connect(listener.localAddr());
  const server = yield* listener.accept();
  const acceptor = spawn(function* () {
    return yield* catching(listener.accept());
  });
  const reader = spawn(function* () {
    return yield* catching(client.read());
  });
  const writer = spawn(function* () {
    return yield* catching(client.writeAll(new Uint8Array(64 * 1024 * 1024)));
  });
  yield* yieldNow();
  const crash = yield* catching(fs.open(join(dir, 'crash-the-reactor'), 'r'));
  return {
    crash,
    pending: { accept: yield* acceptor, read: yield* reader, writeAll: yield* writer },
    later: {
      // (the client has nothing buffered: the server never wrote)
      read: yield* catching(client.read()),
      bind: yield* catching(TcpListener.bind({ host: '127.0.0.1', port: 0 })),
      connect: yield* catching(TcpStream.connect(listener.localAddr())),
      stat: yield* catching(fs.stat(dir)),
    },
    close: [client.close(), server.close(), listener.close()].length,
    metrics: currentIoDriver().metrics(),
  };
});
rt.shutdownBackground();
console.log(JSON.stringify(report));
