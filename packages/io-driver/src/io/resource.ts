/**
 * A socket, listener or file on the runtime thread, as the driver dispatches reactor events to
 * it.
 *
 * @internal
 */
export interface IoResource {
  /** An event from the reactor about this resource (see `Cpl` in the protocol). */
  onEvent(op: number, a: number, b: number, data: Uint8Array | null): void;
  /** The driver shut down: wake every waiter (they then fail with `RuntimeShutdownError`). */
  onShutdown(): void;
  /** The reactor thread died: fail every waiter with `error`. */
  onFailure(error: Error): void;
}
