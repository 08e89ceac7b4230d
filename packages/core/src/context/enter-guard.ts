import { EnterGuardOrderError } from '../errors.js';
import type { RuntimeCore } from '../runtime/runtime-core.js';
import { swapFrame, type ContextFrame } from './frame.js';

/**
 * Returned by `handle.enter()`: while it is alive, `Handle.current()` and the free functions use
 * that runtime on this thread. Dispose it (`using _g = handle.enter()`) to leave; guards must be
 * disposed in the reverse order of their creation.
 */
export class EnterGuard implements Disposable {
  private readonly frame: ContextFrame;
  private readonly previous: ContextFrame | null;
  private disposed = false;

  /** @internal Use `handle.enter()`. */
  constructor(runtime: RuntimeCore) {
    this.frame = { runtime, task: null };
    this.previous = swapFrame(this.frame);
  }

  /** Leaves the runtime context. Throws {@link EnterGuardOrderError} if a newer guard is still alive. */
  [Symbol.dispose](): void {
    if (this.disposed) return;
    const top = swapFrame(this.previous);
    if (top !== this.frame) {
      swapFrame(top);
      throw new EnterGuardOrderError();
    }
    this.disposed = true;
  }

  /** Same as `[Symbol.dispose]()`, for callers without `using`. */
  exit(): void {
    this[Symbol.dispose]();
  }
}
