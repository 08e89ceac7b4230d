/**
 * `@tide/multi-thread`: Tokio's `multi_thread` runtime for Node.js — worker threads that each run
 * a scheduler on their own event loop with their own drivers, fed through SharedArrayBuffer
 * queues with work stealing, a synchronous `blockOn` from the main thread, and crash recovery.
 *
 * @packageDocumentation
 */
export { MultiThreadRuntime } from './runtime.js';
export { MultiThreadBuilder } from './builder.js';
export { MultiThreadHandle, type MultiThreadSpawnFn, type MultiThreadBlockOnFn } from './handle.js';
export { spawnLocal } from './spawn-local.js';
export { transfer } from './transfer.js';
