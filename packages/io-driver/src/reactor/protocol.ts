/**
 * The wire protocol between a runtime thread's IO driver and its reactor thread.
 *
 * Two channels (see `ring/`): commands flow runtime → reactor, completions reactor → runtime.
 * A message is `(op, rid, req, a, b, x, y, data)`: `rid` names a resource (a socket, a listener,
 * an open file), `req` a request whose future waits for exactly one completion (0 for none).
 * Resource ids are allocated by the runtime (1, 2, …) except for accepted connections, which the
 * reactor numbers downwards (-1, -2, …) so the two never collide.
 *
 * A control block (Int32s in its own `SharedArrayBuffer`) carries the doorbell the reactor waits
 * on with `Atomics.waitAsync`, its sleeping state, the exit flag, and counters the reactor
 * publishes for the driver's metrics.
 *
 * @internal
 * @packageDocumentation
 */

/** Commands (runtime → reactor). */
export const Cmd = {
  /** Listen: rid, req; data = JSON {@link ListenRequest}. Completes with `Done` (data = JSON address). */
  TcpListen: 1,
  /**
   * Connect: rid, req; data = JSON {@link ConnectRequest}. Completes with `Done` (a = the
   * connection's socket-table slot or -1, data = JSON {@link StreamAddrs}).
   */
  TcpConnect: 2,
  /**
   * Write: rid, req; data = the bytes. Completes with `Done` (a = bytes) once the kernel took them.
   * The runtime counts it in the connection's socket-table slot (if it has one) before sending it;
   * the reactor uncounts it when the write completed or failed.
   */
  TcpWrite: 3,
  /** Half-close the write side: rid, req. Completes with `Done` once the FIN was sent. */
  TcpShutdown: 4,
  /** Close a socket, listener or UDP socket at once: rid. No completion. */
  Close: 5,
  /** The task consumed `a` bytes (or datagram bytes) of resource rid: the reactor may read more. */
  Consumed: 6,
  /** Nagle off (a = 1) or on (a = 0): rid. No completion. */
  TcpNoDelay: 7,
  /**
   * Read for the runtime: rid. A connection with a socket-table slot is not read by the reactor on
   * its own (the runtime reads its fd directly); this makes the reactor read it until the first
   * chunk (posted as `Data` with a = 1), the end of the stream or an error, then stop again. No
   * completion.
   */
  TcpReadOnce: 8,
  /** Bind a UDP socket: rid, req; data = JSON {@link BindRequest}. Completes with `Done` (data = JSON address). */
  UdpBind: 10,
  /** Send a datagram: rid, req, a = payload length, b = port; data = payload then host (UTF-8). Completes with `Done` (a = bytes). */
  UdpSend: 11,
  /** Read a whole file: req; data = path. Completes with `Done` (data = contents). */
  FsReadFile: 20,
  /** Write a whole file: req, a = path length in bytes; data = path then contents. Completes with `Done`. */
  FsWriteFile: 21,
  /** Open a file: rid, req; data = JSON {@link OpenRequest}. Completes with `Done`. */
  FsOpen: 22,
  /** Read from an open file: rid, req, a = max bytes, x = position (-1: current). Completes with `Done` (data = bytes, a = count). */
  FsRead: 23,
  /** Write to an open file: rid, req, x = position (-1: current); data = bytes. Completes with `Done` (a = bytes). */
  FsWrite: 24,
  /** Stat an open file: rid, req. Completes with `Done` (data = JSON {@link FileStatWire}). */
  FsFstat: 25,
  /** Close an open file: rid, req. Completes with `Done`. */
  FsClose: 26,
  /** Stat a path: req; data = path. Completes with `Done` (data = JSON {@link FileStatWire}). */
  FsStat: 27,
  /** List a directory: req; data = path. Completes with `Done` (data = JSON string[]). */
  FsReadDir: 28,
} as const;

/**
 * Completions and events (reactor → runtime). Their payloads are views into the arena while
 * they are handled: handlers copy what they keep.
 */
export const Cpl = {
  /** Request req succeeded; a, b, x, data depend on the command. */
  Done: 101,
  /** Request req failed; data = JSON {@link ErrorWire}. */
  Failed: 102,
  /**
   * Bytes arrived on stream rid; data = the bytes. a = 1 after a `TcpReadOnce`: the reactor stopped
   * reading, the runtime reads the socket directly again.
   */
  Data: 110,
  /** The peer of stream rid half-closed (end of stream). */
  Eof: 111,
  /** Resource rid failed (a reset, a listener error); data = JSON {@link ErrorWire}. */
  ResourceError: 112,
  /** Listener rid accepted a connection, now resource `a`, socket-table slot `b` (or -1); data = JSON {@link StreamAddrs}. */
  Connection: 113,
  /** A datagram arrived on UDP socket rid: a = payload length, b = sender port; data = payload then sender host. */
  Datagram: 114,
} as const;

/** Int32 indexes of the control block. */
export const Control = {
  /** Incremented by the runtime after it sent commands; the reactor waits on it. */
  Doorbell: 0,
  /** The reactor's state: {@link ReactorState}. */
  State: 1,
  /** 1 once the reactor thread is exiting (set from its `exit` handler). */
  Exited: 2,
  /** Bytes delivered to the runtime and not yet consumed by tasks, summed over resources. */
  BufferedReadBytes: 3,
  /** The highest value {@link Control.BufferedReadBytes} reached. */
  PeakBufferedReadBytes: 4,
  /** Sockets the reactor paused because their unread bytes reached the high-water mark. */
  PausedSockets: 5,
  /** Sockets, listeners and files open in the reactor. */
  OpenHandles: 6,
  /** Datagrams dropped because the socket's unread datagrams reached the high-water mark. */
  DroppedDatagrams: 7,
  /** Bytes handed to `socket.write` whose callback has not fired yet. */
  SocketWriteBytes: 8,
  /** 1 once the reactor closed everything at shutdown. */
  ShutdownDone: 9,
  /**
   * Set to 1 by the runtime to shut the reactor down: it closes every resource (file descriptors
   * included), sets {@link Control.ShutdownDone} and exits. A flag, not a command, so that a full
   * command channel cannot delay it.
   */
  ShutdownRequested: 10,
  /** Set to 1 by the reactor thread once its loop runs (the runtime gives up on it if it never does). */
  Running: 11,
} as const;

/**
 * What one datagram counts against a socket's high-water mark: its bytes plus a fixed overhead,
 * so that a flood of empty datagrams is bounded too. The runtime reports consumption the same way.
 */
export const DATAGRAM_OVERHEAD = 64;

/**
 * The most bytes one socket read takes (and so one `Data` event carries), when the completion
 * channel's part size allows. Larger than a 64 KiB message on purpose: libuv reads a socket again
 * after a read that filled its buffer, so with a 64 KiB buffer every 64 KiB message costs a second
 * `read` call that only finds the socket empty.
 */
export const READ_CHUNK_BYTES = 128 * 1024;

/** Int32s of the control block. */
export const CONTROL_INTS = 16;

/** Values of {@link Control.State}. */
export const ReactorState = {
  /** Processing; will look at the channel again before sleeping. */
  Running: 0,
  /** Waiting on the doorbell: the runtime must notify it. */
  Sleeping: 1,
  /** Notified and not yet running (no need to notify again). */
  Waking: 2,
} as const;

/** What the reactor worker receives as `workerData`. */
export interface ReactorInit {
  /** The control block. */
  readonly control: SharedArrayBuffer;
  /** The command channel (runtime → reactor). */
  readonly commands: SharedArrayBuffer;
  /** The completion channel (reactor → runtime). */
  readonly completions: SharedArrayBuffer;
  /** The runtime thread's parker, unparked after completions are posted. */
  readonly parker: SharedArrayBuffer;
  /** The socket table (`io/socket-table.ts`): connected sockets' fds the runtime thread writes to directly. */
  readonly sockets: SharedArrayBuffer;
  /** The largest payload per completion slot. */
  readonly partBytes: number;
  /** Unread bytes per socket at which the reactor pauses it. */
  readonly readHighWaterMark: number;
  /** Commands handled before the reactor lets socket events run. */
  readonly commandBatch: number;
  /** Give connections socket-table slots (the runtime reads and writes their fds directly). */
  readonly directSocketIo: boolean;
  /** How long the reactor stays awake after handling commands before it sleeps on the doorbell. */
  readonly lingerMs: number;
}

/** Data of a listen command. */
export interface ListenRequest {
  /** Address to listen on. */
  readonly host: string;
  /** Port (0: any free one). */
  readonly port: number;
  /** Kernel accept queue length. */
  readonly backlog?: number;
  /** IPv6 only (no IPv4-mapped addresses). */
  readonly ipv6Only?: boolean;
}

/** Data of a connect command. */
export interface ConnectRequest {
  /** Host to connect to. */
  readonly host: string;
  /** Port to connect to. */
  readonly port: number;
  /** Nagle's algorithm off from the start. */
  readonly noDelay?: boolean;
}

/** Data of a UDP bind command. */
export interface BindRequest {
  /** Address to bind. */
  readonly host: string;
  /** Port (0: any free one). */
  readonly port: number;
  /** Socket family. */
  readonly type: 'udp4' | 'udp6';
  /** SO_REUSEADDR. */
  readonly reuseAddr?: boolean;
}

/** Data of an open command. */
export interface OpenRequest {
  /** The file's path. */
  readonly path: string;
  /** Node's open flags. */
  readonly flags: string;
  /** Permissions of a created file. */
  readonly mode?: number;
}

/** An address as the reactor reports it. */
export interface AddrWire {
  /** IP address. */
  readonly host: string;
  /** Port. */
  readonly port: number;
  /** `'IPv4'` or `'IPv6'`. */
  readonly family: string;
}

/** Both ends of a connected stream. */
export interface StreamAddrs {
  /** This end. */
  readonly local: AddrWire;
  /** The peer. */
  readonly remote: AddrWire;
}

/** A Node error as the reactor reports it. */
export interface ErrorWire {
  /** Node's message. */
  readonly message: string;
  /** Node's code (`ECONNREFUSED`, …). */
  readonly code?: string;
  /** The failed system call. */
  readonly syscall?: string;
  /** Node's errno. */
  readonly errno?: number;
  /** Address involved. */
  readonly address?: string;
  /** Port involved. */
  readonly port?: number;
  /** Path involved. */
  readonly path?: string;
  /** Destination path involved (rename, link). */
  readonly dest?: string;
}

/** A `fs.Stats` as the reactor reports it. */
export interface FileStatWire {
  /** Size in bytes. */
  readonly size: number;
  /** `st_mode`. */
  readonly mode: number;
  /** File type. */
  readonly kind: 'file' | 'directory' | 'symlink' | 'other';
  /** Last access (ms since the epoch). */
  readonly atimeMs: number;
  /** Last modification (ms since the epoch). */
  readonly mtimeMs: number;
  /** Last status change (ms since the epoch). */
  readonly ctimeMs: number;
  /** Creation (ms since the epoch). */
  readonly birthtimeMs: number;
}
