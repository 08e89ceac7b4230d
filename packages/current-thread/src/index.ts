/**
 * `@tide/current-thread`: Tokio's `current_thread` runtime for Node.js — a synchronous `blockOn`
 * that runs tasks, turns timers and IO and parks the calling thread, and a `Handle.blockOn` that
 * the compiler stops from waiting on drivers it cannot turn.
 *
 * @packageDocumentation
 */
export { CurrentThreadRuntime } from './runtime.js';
export { CurrentThreadBuilder } from './builder.js';
export { CurrentThreadHandle } from './handle.js';
