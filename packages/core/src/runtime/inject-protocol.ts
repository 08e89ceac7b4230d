import type { Outcome } from '../task/join-handle.js';

/** Messages a shared handle on another thread sends to the runtime's inject port. */
export type InjectMessage =
  | { readonly op: 'attach'; readonly parker: SharedArrayBuffer }
  | { readonly op: 'spawn'; readonly id: number; readonly url: string; readonly name: string; readonly args: unknown[]; readonly blocking: boolean }
  | { readonly op: 'abort'; readonly id: number };

/** What the runtime answers on the same port when a remotely spawned task finishes. */
export interface DoneMessage {
  readonly op: 'done';
  readonly id: number;
  readonly outcome: Outcome;
  /** The task's value (`Outcome.Ok`), what it threw, encoded with `encodeThrown` (`Outcome.Panic`; `decodeThrown` rebuilds it), or undefined. */
  readonly value: unknown;
}
