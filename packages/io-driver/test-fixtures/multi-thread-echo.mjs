// TCP inside TaskRefs on a multi-thread runtime: every worker builds its own io driver (with its
// own reactor thread) from the sendable factory. Run as a script, it prints the results as JSON.
import { defineTask, spawn } from '@tide/core';
import { MultiThreadRuntime, spawnLocal } from '@tide/multi-thread';
import { ioDriver, TcpListener, TcpStream } from '@tide/io-driver';

function* echo(stream) {
  for (;;) {
    const chunk = yield* stream.read();
    if (chunk === null) break;
    yield* stream.writeAll(chunk);
  }
  yield* stream.shutdown();
  stream.close();
}

/** Echo server and client on the worker that runs it; true if `size` bytes came back intact. */
export const echoOnWorker = defineTask(import.meta.url, 'echoOnWorker', function* (size) {
  const listener = yield* TcpListener.bind({ host: '127.0.0.1', port: 0 });
  const client = yield* TcpStream.connect(listener.localAddr());
  const server = yield* listener.accept();
  const serving = spawnLocal(echo, server);
  const message = new Uint8Array(size).map((_, i) => (i * 7) & 0xff);
  yield* client.writeAll(message);
  yield* client.shutdown();
  const back = new Uint8Array(size);
  let filled = 0;
  for (;;) {
    const chunk = yield* client.read();
    if (chunk === null) break;
    back.set(chunk, filled);
    filled += chunk.length;
  }
  yield* serving;
  client.close();
  listener.close();
  return filled === size && back.every((b, i) => b === ((i * 7) & 0xff));
});

/** Runs `count` echoes at once, spread over the workers. */
export const echoes = defineTask(import.meta.url, 'echoes', function* (count, size) {
  const jobs = [];
  for (let i = 0; i < count; i++) jobs.push(spawn(echoOnWorker, size));
  const ok = [];
  for (const job of jobs) ok.push(yield* job);
  return ok;
});

if (process.argv[1] === new URL(import.meta.url).pathname) {
  const rt = MultiThreadRuntime.builder().workerThreads(2).enable(ioDriver()).build();
  const results = rt.blockOn(echoes, 4, 1024 * 1024);
  rt.shutdownTimeout(2000);
  console.log(JSON.stringify({ results }));
}
