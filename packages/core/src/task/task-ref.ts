import { InvalidArgumentError, InvalidTaskError, TaskNotFoundError } from '../errors.js';
import type { RequirementsOfYield } from '../future/suspend.js';

/**
 * A sendable task: the module URL and name it was defined under, plus the local function. On the
 * current thread it is called directly; to another thread only the URL, the name and
 * structured-clone arguments travel, and that thread imports the module to find the function.
 */
 
export interface TaskRef<A extends unknown[], T, R extends string = never> {
  /** Brand that tells a TaskRef from a function at run time. */
  readonly kind: 'tide.task-ref';
  /** The URL of the module that defined the task (`import.meta.url`). */
  readonly url: string;
  /** The task's name, unique within its module. */
  readonly name: string;
  /** The task function itself. */
  readonly fn: (...args: A) => unknown;
  /** Phantom: never present at run time. */
  readonly __requires?: (_: never) => R;
  /** Phantom: never present at run time. */
  readonly __output?: () => T;
}

const registry = new Map<string, TaskRef<unknown[], unknown, string>>();
const key = (url: string, name: string): string => `${name}@${url}`;

/**
 * Declares a sendable task. Call it at the top level of a module and export the result:
 *
 * ```ts
 * export const hash = defineTask(import.meta.url, 'hash', function* (data: Uint8Array) { ... });
 * ```
 *
 * @param url - `import.meta.url` of the defining module.
 * @param name - a name unique within the module.
 * @param fn - a generator, async or plain function.
 */
export function defineTask<A extends unknown[], Y, T>(
  url: string,
  name: string,
  fn: (...args: A) => Generator<Y, T, unknown>,
): TaskRef<A, T, RequirementsOfYield<Y>>;
export function defineTask<A extends unknown[], T>(
  url: string,
  name: string,
  fn: (...args: A) => PromiseLike<T>,
): TaskRef<A, T, never>;
export function defineTask<A extends unknown[], T>(url: string, name: string, fn: (...args: A) => T): TaskRef<A, T, never>;
export function defineTask(url: string, name: string, fn: (...args: unknown[]) => unknown): TaskRef<unknown[], unknown, string> {
  if (typeof url !== 'string' || !/^[a-z][a-z0-9+.-]*:/i.test(url)) {
    throw new InvalidArgumentError(`defineTask: the first argument must be the module URL (import.meta.url), got ${String(url)}`);
  }
  if (typeof name !== 'string' || name.length === 0) {
    throw new InvalidArgumentError('defineTask: the second argument must be a non-empty task name');
  }
  if (typeof fn !== 'function') throw new InvalidTaskError(fn, 'a function as the third argument of defineTask');
  const ref: TaskRef<unknown[], unknown, string> = Object.freeze({ kind: 'tide.task-ref', url, name, fn });
  registry.set(key(url, name), ref);
  return ref;
}

/** True if `value` is a {@link TaskRef}. */
export function isTaskRef(value: unknown): value is TaskRef<unknown[], unknown, string> {
  return typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === 'tide.task-ref';
}

/** The registered TaskRef for (url, name) in this thread, if its module was already loaded. */
export function lookupTaskRef(url: string, name: string): TaskRef<unknown[], unknown, string> | undefined {
  return registry.get(key(url, name));
}

/**
 * Finds the TaskRef for (url, name) in this thread, importing its module if needed. Used by
 * worker threads that receive a task by name.
 */
export async function resolveTaskRef(url: string, name: string): Promise<TaskRef<unknown[], unknown, string>> {
  const known = registry.get(key(url, name));
  if (known) return known;
  let mod: Record<string, unknown>;
  try {
    mod = (await import(url)) as Record<string, unknown>;
  } catch (error) {
    throw new TaskNotFoundError(url, name, `importing the module failed: ${(error as Error)?.message ?? String(error)}`);
  }
  const found = registry.get(key(url, name)) ?? Object.values(mod).find((v) => isTaskRef(v) && v.name === name);
  if (!found || !isTaskRef(found)) throw new TaskNotFoundError(url, name);
  return found;
}
