// Shared by the tests (not part of the package: tsup only builds index and the worker entry).
// Worker threads load built JavaScript, so the tests use the package's dist (turbo builds it
// first) and the plain-JavaScript fixtures, never the TypeScript sources.
import type * as Api from '../index.js';
import type * as Fixtures from '../../test-fixtures/tasks.js';

export const api = (await import(new URL('../../dist/index.js', import.meta.url).href)) as typeof Api;
export const fx = (await import(new URL('../../test-fixtures/tasks.js', import.meta.url).href)) as typeof Fixtures;
export const time = (await import('@tide/time-driver'));

const sleeper = new Int32Array(new SharedArrayBuffer(4));

/** Waits (blocking this thread in short slices, at most `ms`) until `condition()` holds. */
export function waitSync(condition: () => boolean, ms = 10_000): void {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    Atomics.wait(sleeper, 0, 0, 5);
  }
}

/** Waits (letting the event loop run, at most `ms`) until `condition()` holds. */
export async function waitFor(condition: () => boolean, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** Settles a promise into `{ ok, value | error }` (to assert on rejections without unhandled noise). */
export async function settle<T>(p: PromiseLike<T>): Promise<{ ok: true; value: T } | { ok: false; error: unknown }> {
  try {
    return { ok: true, value: await p };
  } catch (error) {
    return { ok: false, error };
  }
}
