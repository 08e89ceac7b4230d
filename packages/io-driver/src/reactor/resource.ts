/**
 * Something the reactor holds open for the runtime: a socket, a listener, a UDP socket or a file.
 *
 * @internal
 */
export interface ReactorResource {
  /** Closes it now (the runtime closed it, or the runtime shuts down). Idempotent. */
  close(): void;
  /** The task consumed `bytes` of what was delivered: it may deliver more. */
  consumed?(bytes: number): void;
}
