import { FutureBase } from '@tide/core';

/**
 * A future that is ready at once with no value: what `close()` returns. Closing happens at the
 * call (like dropping a resource in Rust); the future lets `yield* stream.close()` and
 * `await stream.close()` read naturally.
 */
export class Completed extends FutureBase<void, 'io'> {
  /** Always ready. */
  poll(): void {
    return undefined;
  }
}
