import { TideError } from '@tide/core';

/** Thrown by `send` when the mailbox stayed full for the whole timeout (its receiver is not keeping up). */
export class MailboxFullError extends TideError {
  /** Always `E_MAILBOX_FULL`. */
  readonly code = 'E_MAILBOX_FULL' as const;
  /** @param timeoutMs - how long the sender waited for space. */
  constructor(readonly timeoutMs: number) {
    super(
      `the mailbox stayed full for ${timeoutMs} ms: its runtime is not receiving fast enough. ` +
        'Receive more often, give `mailboxDriver({ capacityBytes })` more room, or use `trySend` and drop or retry later.',
    );
  }
}

/** Thrown by `send` / `trySend` once the runtime that owns the mailbox has shut down. */
export class MailboxClosedError extends TideError {
  /** Always `E_MAILBOX_CLOSED`. */
  readonly code = 'E_MAILBOX_CLOSED' as const;
  constructor() {
    super('the mailbox is closed: the runtime that owned it has shut down, so nobody will receive this message.');
  }
}
