/**
 * `@tide/io-driver`: Tokio's IO driver for tide — TCP, UDP and files through a reactor thread,
 * so IO works even inside a synchronous `blockOn`, where Node's own event loop cannot run.
 *
 * ```ts
 * const rt = CurrentThreadRuntime.builder().enable(ioDriver()).build();
 * const reply = rt.blockOn(function* () {
 *   const stream = yield* TcpStream.connect({ host: '127.0.0.1', port: 8080 });
 *   yield* stream.writeAll(new TextEncoder().encode('ping'));
 *   return yield* stream.read();
 * });
 * ```
 *
 * Operations that open something (`connect`, `bind`, `readFile`, …) start when their future is
 * first polled (`yield*` / `await`); `close()` acts at the call.
 *
 * @packageDocumentation
 */
export { ioDriver, currentIoDriver, IoDriver } from './driver.js';
export type { IoDriverOptions, ResolvedIoDriverOptions } from './options.js';
export type { IoDriverMetrics } from './metrics.js';
export { IoError, InvalidArgumentError, ArgumentRangeError, type IoErrorFields } from './errors.js';
export type { SocketAddr, SocketAddrInfo, ToSocketAddr } from './address.js';
export { Completed } from './io/completed.js';
export { TcpListener, type BindOptions } from './net/tcp-listener.js';
export { TcpStream, type ConnectOptions } from './net/tcp-stream.js';
export { UdpSocket, type Datagram, type UdpBindOptions } from './net/udp-socket.js';
export { ListenFuture } from './net/listen-future.js';
export { AcceptFuture } from './net/accept-future.js';
export { ConnectFuture } from './net/connect-future.js';
export { ReadFuture, ReadExactFuture } from './net/read-future.js';
export { WriteFuture } from './net/write-future.js';
export { ShutdownFuture } from './net/shutdown-future.js';
export { UdpBindFuture, SendFuture, RecvFuture } from './net/udp-futures.js';
/** File system operations as `'io'` futures: `readFile`, `writeFile`, `open`, `stat`, `readDir`. */
export * as fs from './fs/index.js';
export { FileHandle, FileReadFuture, FileWriteFuture, FileStatFuture, FileCloseFuture } from './fs/file-handle.js';
export { ReadFileFuture, WriteFileFuture, StatFuture, ReadDirFuture, OpenFuture } from './fs/fs-futures.js';
export type { FileStat } from './fs/file-stat.js';
export type { OpenFlags, PathLike } from './fs/path.js';
