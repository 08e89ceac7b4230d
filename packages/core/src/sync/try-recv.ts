/**
 * The result of a non-blocking receive, shared by `oneshot` and `mpsc` receivers.
 */

/**
 * What `tryRecv()` returns: `{ ok: true, value }` when a value was there, otherwise
 * `{ ok: false, reason }` where `reason` is `'empty'` (nothing yet; try again later) or `'closed'`
 * (nothing will ever arrive: the senders are gone or the receiver was closed, and nothing is
 * buffered). A result object rather than `T | undefined`, so a channel of `undefined` values is
 * unambiguous — Tokio's `Result<T, TryRecvError>`.
 */
export type TryRecvResult<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly reason: 'empty' | 'closed' };

// The two failures carry no data: share frozen instances instead of allocating per call.
/** @internal */
export const TRY_RECV_EMPTY: TryRecvResult<never> = Object.freeze({ ok: false, reason: 'empty' });
/** @internal */
export const TRY_RECV_CLOSED: TryRecvResult<never> = Object.freeze({ ok: false, reason: 'closed' });
