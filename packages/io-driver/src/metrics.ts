/** A snapshot of an IO driver's counters (`currentIoDriver().metrics()`). */
export interface IoDriverMetrics {
  /** True once the reactor thread was started (it starts on the first IO operation). */
  readonly reactorStarted: boolean;
  /** Sockets, listeners and files this runtime thread holds open. */
  readonly openResources: number;
  /** Sockets, listeners and files open in the reactor thread. */
  readonly reactorHandles: number;
  /** Requests sent to the reactor whose completion has not arrived. */
  readonly pendingRequests: number;
  /** Futures waiting for resource events (a read, an accept, a recv). */
  readonly waitingInterests: number;
  /**
   * Bytes the reactor read from sockets that tasks have not consumed yet (in the rings, in
   * queues, in streams' buffers). Bounded by about the read high-water mark per socket: this is
   * the backpressure guarantee.
   */
  readonly bufferedReadBytes: number;
  /** The highest {@link IoDriverMetrics.bufferedReadBytes} seen. */
  readonly peakBufferedReadBytes: number;
  /** Sockets currently paused by backpressure. */
  readonly pausedSockets: number;
  /** Bytes being written: sent to the reactor and not yet taken by the kernel. */
  readonly inFlightWriteBytes: number;
  /** Bytes inside the reactor's `socket.write` buffers. */
  readonly socketWriteBytes: number;
  /**
   * Bytes written to TCP sockets straight from the runtime thread so far (the kernel took them at
   * once, without a round trip through the reactor); the rest of what was written went through it.
   */
  readonly directWriteBytes: number;
  /** Datagrams dropped because their socket's unread datagrams reached the high-water mark. */
  readonly droppedDatagrams: number;
  /** Commands sent to the reactor so far. */
  readonly commandsSent: number;
  /** Completions and events received from the reactor so far. */
  readonly completionsReceived: number;
  /** Commands waiting on this thread because the command ring was full. */
  readonly queuedCommands: number;
}
