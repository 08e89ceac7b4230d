import { NoRuntimeError } from '../errors.js';
import type { RuntimeHandle } from '../runtime/runtime-handle.js';
import type { SharedHandle } from '../runtime/shared-handle.js';
import { currentFrame } from './frame.js';
import { RemoteHandle } from './remote-handle.js';

/** Why `Handle.tryCurrent()` found no runtime. */
export class TryCurrentError extends NoRuntimeError {
  /** Always `'missing-context'`: this thread is not inside a runtime context. */
  readonly kind = 'missing-context' as const;
  constructor() {
    super('Handle.current()');
  }
  /** True when no runtime context is entered on this thread (the only kind on Node). */
  isMissingContext(): boolean {
    return true;
  }
}

/** What `Handle.tryCurrent()` returns: the handle, or why there is none. Never throws. */
export type TryCurrentResult = { readonly ok: true; readonly handle: RuntimeHandle } | { readonly ok: false; readonly error: TryCurrentError };

/**
 * Finds the runtime the calling code runs on. Inside a task (generator or async, across awaits),
 * inside `blockOn`, or while an `EnterGuard` is alive, that is the runtime; anywhere else there
 * is none: a worker thread has no runtime until it enters a shared handle.
 */
export const Handle = {
  /** The runtime of the calling code. Throws {@link NoRuntimeError} outside a runtime context. */
  current(): RuntimeHandle {
    const frame = currentFrame();
    if (frame === null) throw new NoRuntimeError('Handle.current()');
    return frame.runtime.handle;
  },

  /** Like {@link Handle.current}, but returns `{ ok: false, error }` instead of throwing. */
  tryCurrent(): TryCurrentResult {
    const frame = currentFrame();
    return frame === null ? { ok: false, error: new TryCurrentError() } : { ok: true, handle: frame.runtime.handle };
  },

  /**
   * Rebuilds a handle on this thread from `runtime.handle().share()` posted by another thread.
   * `spawn` sends TaskRefs to the runtime's thread. `blockOn` sends the task to a runtime that
   * runs tasks on its own threads (multi-thread) and waits for it; on a current-thread runtime it
   * runs the task here, without the runtime's drivers (hence the type's `never`). Enter it
   * (`using _g = handle.enter()`) to make it current here.
   */
  fromShared(shared: SharedHandle): RuntimeHandle<string, never> {
    return RemoteHandle.from(shared);
  },
} as const;
