// Opens a listener, a connected pair of streams (with a write in flight) and a file inside a
// synchronous blockOn (or rt.run with `run` as argv[2]), then shuts the runtime down with all of
// them open. It never calls process.exit: the test checks that the process ends by itself.
// Prints the number of open file descriptors before and after the shutdown.
//
// With `idle` as argv[2] it does some IO, closes everything, and neither shuts the runtime down
// nor exits: the reactor thread, idle and unref'd, must not keep the process alive.
import { existsSync, readdirSync } from 'node:fs';
import { CurrentThreadRuntime } from '@tide/current-thread';
import { fs, ioDriver, TcpListener, TcpStream } from '@tide/io-driver';

const [mode, filePath] = process.argv.slice(2);
const openFds = () => (existsSync('/proc/self/fd') ? readdirSync('/proc/self/fd').length : -1);

function* openEverything() {
  const listener = yield* TcpListener.bind({ host: '127.0.0.1', port: 0 });
  const client = yield* TcpStream.connect(listener.localAddr());
  const server = yield* listener.accept();
  const file = yield* fs.open(filePath, 'w');
  yield* file.write(new TextEncoder().encode('open'));
  yield* client.writeAll(new Uint8Array(1024));
  return { listener, client, server, file };
}

const rt = CurrentThreadRuntime.builder().enable(ioDriver()).build();
if (mode === 'idle') {
  const done = rt.blockOn(function* () {
    const kept = yield* openEverything();
    kept.listener.close();
    kept.client.close();
    kept.server.close();
    yield* kept.file.close();
    return 'done';
  });
  console.log(JSON.stringify({ done }));
} else {
  const kept = mode === 'run' ? await rt.run(openEverything) : rt.blockOn(openEverything);
  const before = openFds();
  rt.shutdownBackground();
  const after = openFds();
  let shutdownError = null;
  try {
    kept.client.read();
  } catch (error) {
    shutdownError = error.code;
  }
  console.log(JSON.stringify({ before, after, shutdownError }));
}
