/**
 * The socket table: shared memory through which the runtime thread reads from and writes to a
 * connected TCP socket's file descriptor itself (`fs.readSync` / `fs.writeSync` on the non-blocking
 * socket, as Tokio's tasks do), instead of going through the reactor thread and waiting for its
 * completion. On loopback that removes thread crossings, copies and wake-ups.
 *
 * One table per driver, `SOCKET_SLOTS` slots, each two Int32s:
 *
 * - **state** — the socket's fd (≥ 0) while the runtime may write to it; {@link FD_NONE} once the
 *   reactor closed it (or never had one); {@link FD_BUSY} while the runtime thread is inside a
 *   write to it. The reactor closes a socket's fd only after it swapped the state from an fd to
 *   `FD_NONE` (waiting while it is `FD_BUSY`): the runtime never writes to an fd number that was
 *   closed and may have been reused by another file.
 * - **pending** — writes sent to the reactor through the command ring whose `socket.write` has not
 *   completed yet (the runtime adds one per write command, the reactor subtracts one when the
 *   kernel took the bytes or the write failed). The runtime writes directly only while it is 0,
 *   so bytes never overtake bytes sent earlier through the reactor — whatever happened to the
 *   future that sent them (an aborted `writeAll` forgets its requests, not its bytes).
 *
 * The reactor allocates a slot when a connection is established (`connect`, `accept`) and frees
 * it when the runtime closes the stream (the `Close` command: the runtime never uses the slot
 * after sending it) or at shutdown. A slot is never reused while the runtime may still use it.
 * Without a free slot, or where Node gives no fd (not on Unix), the stream simply writes through
 * the reactor.
 *
 * @internal
 * @packageDocumentation
 */

/** Slots of a socket table. */
export const SOCKET_SLOTS = 16384;

/** State of a slot whose socket the runtime must not (or can no longer) write to. */
export const FD_NONE = -1;

/** State of a slot while the runtime thread writes to its fd. */
export const FD_BUSY = -2;

/** Allocates the shared memory of a socket table. */
export function allocateSocketTable(): SharedArrayBuffer {
  const buffer = new SharedArrayBuffer(SOCKET_SLOTS * 2 * 4);
  new Int32Array(buffer, 0, SOCKET_SLOTS).fill(FD_NONE);
  return buffer;
}

/**
 * The reactor's side of the socket table: allocates, closes and frees slots, and counts the
 * writes it completed.
 *
 * @internal
 */
export class ReactorSocketTable {
  private readonly words: Int32Array;
  private readonly free: number[] = [];
  private next = 0;

  /** @param buffer - memory from {@link allocateSocketTable}. */
  constructor(buffer: SharedArrayBuffer) {
    this.words = new Int32Array(buffer);
  }

  /** A slot publishing `fd` (its pending count 0), or -1 if the table is full or `fd` is not one. */
  allocate(fd: number): number {
    if (fd < 0) return -1;
    let slot: number;
    if (this.free.length > 0) slot = this.free.pop()!;
    else if (this.next < SOCKET_SLOTS) slot = this.next++;
    else return -1;
    Atomics.store(this.words, SOCKET_SLOTS + slot, 0);
    Atomics.store(this.words, slot, fd);
    return slot;
  }

  /**
   * The runtime must no longer write to the slot's fd: returns once it is not inside a write
   * (call it right before the fd is closed). Idempotent.
   */
  close(slot: number): void {
    const words = this.words;
    for (;;) {
      const state = Atomics.load(words, slot);
      if (state === FD_NONE) return;
      if (state === FD_BUSY) {
        // A non-blocking write is in progress on the runtime thread: microseconds.
        Atomics.wait(words, slot, FD_BUSY, 0.05);
        continue;
      }
      if (Atomics.compareExchange(words, slot, state, FD_NONE) === state) return;
    }
  }

  /** Closes the slot and makes it available again (the runtime closed the stream). */
  release(slot: number): void {
    this.close(slot);
    this.free.push(slot);
  }

  /** A write sent through the command ring finished (the kernel took it, or it failed). */
  writeDone(slot: number): void {
    Atomics.sub(this.words, SOCKET_SLOTS + slot, 1);
  }

  /** Closes every slot in use (the reactor thread exits: its sockets' fds are about to close). */
  closeAll(): void {
    for (let slot = 0; slot < this.next; slot++) this.close(slot);
  }
}

/**
 * The runtime thread's side of the socket table.
 *
 * @internal
 */
export class RuntimeSocketTable {
  private readonly words: Int32Array;

  /** @param buffer - memory from {@link allocateSocketTable}. */
  constructor(buffer: SharedArrayBuffer) {
    this.words = new Int32Array(buffer);
  }

  /**
   * Reserves the slot's fd for a write: returns it (the slot is then {@link FD_BUSY} until
   * {@link RuntimeSocketTable.unlock}), or -1 if the runtime may not write to it now (closed, or
   * writes sent through the reactor have not completed).
   */
  lock(slot: number): number {
    const words = this.words;
    if (Atomics.load(words, SOCKET_SLOTS + slot) !== 0) return -1;
    const fd = Atomics.load(words, slot);
    if (fd < 0 || Atomics.compareExchange(words, slot, fd, FD_BUSY) !== fd) return -1;
    return fd;
  }

  /**
   * Reserves the slot's fd for a read (whatever writes are in flight): returns it (the slot is
   * then {@link FD_BUSY} until {@link RuntimeSocketTable.unlock}), or -1 if it was closed.
   */
  lockForRead(slot: number): number {
    const words = this.words;
    const fd = Atomics.load(words, slot);
    if (fd < 0 || Atomics.compareExchange(words, slot, fd, FD_BUSY) !== fd) return -1;
    return fd;
  }

  /** Ends the write that {@link RuntimeSocketTable.lock} reserved `fd` for. */
  unlock(slot: number, fd: number): void {
    Atomics.store(this.words, slot, fd);
    // The reactor may be waiting to close it (rare: it waits in short timed slices, no notify needed).
  }

  /** A write is being sent through the command ring. */
  writeSent(slot: number): void {
    Atomics.add(this.words, SOCKET_SLOTS + slot, 1);
  }
}
