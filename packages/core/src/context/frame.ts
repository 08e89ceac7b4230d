import { AsyncLocalStorage } from 'node:async_hooks';
import type { RuntimeCore } from '../runtime/runtime-core.js';
import type { JoinHandle } from '../task/join-handle.js';

/**
 * The per-thread runtime context: which runtime the running code belongs to and which task (if
 * any) is running. The scheduler sets it while it polls a generator task; `enter()` sets it for a
 * guard's lifetime; async tasks carry it across `await` through AsyncLocalStorage.
 */
export interface ContextFrame {
  /** The runtime this code runs on. */
  readonly runtime: RuntimeCore;
  /** The task being run, or null outside tasks (inside `enter()` or a blockOn's root). */
  readonly task: JoinHandle<unknown, string> | null;
}

let current: ContextFrame | null = null;
// Created on first use: on Node 20 an AsyncLocalStorage in use turns on promise hooks, which slow
// every promise in the process. Only async tasks need it.
let storage: AsyncLocalStorage<ContextFrame> | undefined;
let driving = 0;

/** The frame in force on this thread: the synchronous slot first, else the async context. */
export function currentFrame(): ContextFrame | null {
  return current ?? storage?.getStore() ?? null;
}

/** Replaces the synchronous slot and returns the previous value (restore it with the same call). */
export function swapFrame(frame: ContextFrame | null): ContextFrame | null {
  const prev = current;
  current = frame;
  return prev;
}

/** Runs `fn(...args)` so that its async continuations see `frame` (AsyncLocalStorage). */
export function runInAsyncFrame<A extends unknown[], T>(frame: ContextFrame, fn: (...args: A) => T, args: A): T {
  storage ??= new AsyncLocalStorage<ContextFrame>();
  const prev = current;
  // The synchronous slot would shadow the async context for the synchronous part of `fn`.
  current = null;
  try {
    return storage.run(frame, fn, ...args);
  } finally {
    current = prev;
  }
}

/**
 * Marks this thread as driving a runtime for the duration of a `blockOn` / `run` loop. A
 * synchronous `blockOn` while it is marked (or from inside a task) is a nested blockOn.
 */
export function enterDriving(): void {
  driving++;
}

/** Ends a {@link enterDriving} section. */
export function exitDriving(): void {
  driving--;
}

/** True if a synchronous block here would block a thread that is driving tasks. */
export function isDrivingOrInTask(): boolean {
  if (driving > 0) return true;
  const frame = currentFrame();
  return frame !== null && frame.task !== null;
}
