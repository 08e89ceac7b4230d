import { ArgumentRangeError } from '@tide/core';
import { lock, unlock } from '../queue/spin-lock.js';
import { C, REGISTRY_CAPACITY } from './layout.js';
import type { SharedMemory } from './memory.js';

/** What an interned id stands for. */
export interface TaskName {
  readonly url: string;
  readonly name: string;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/**
 * Interns task functions (module URL + name) as small integers shared by every thread of a
 * runtime, so a task descriptor carries 4 bytes instead of two strings. The table lives in
 * shared memory: any thread appends under a lock, and readers catch up without one (an entry is
 * written before the count that publishes it). Each thread caches what it has seen.
 *
 * @internal
 */
export class TaskRegistry {
  private readonly ids = new Map<string, number>();
  private readonly names: TaskName[] = [];
  // The last lookup: spawning the same task in a loop costs two string identity checks.
  private lastUrl = '';
  private lastName = '';
  private lastId = -1;

  constructor(private readonly memory: SharedMemory) {}

  /** The id of (url, name), interning it on first use. */
  intern(url: string, name: string): number {
    if (url === this.lastUrl && name === this.lastName) return this.lastId;
    const key = `${url}\0${name}`;
    const known = this.ids.get(key);
    if (known !== undefined) {
      this.lastUrl = url;
      this.lastName = name;
      this.lastId = known;
      return known;
    }
    const control = this.memory.control;
    lock(control, C.RegistryLock);
    try {
      this.catchUp();
      const found = this.ids.get(key);
      if (found !== undefined) return found;
      const id = control[C.RegistryCount]!;
      const bytes = encoder.encode(key);
      const at = control[C.RegistryBytes]!;
      if (id >= REGISTRY_CAPACITY || at + bytes.length > this.memory.registryBytes.length) {
        throw new ArgumentRangeError(
          `tide: this multi-thread runtime has interned ${id} distinct tasks, its limit; define tasks once at module top level instead of creating TaskRefs dynamically`,
        );
      }
      this.memory.registryBytes.set(bytes, at);
      this.memory.registryEntries[id * 2] = at;
      this.memory.registryEntries[id * 2 + 1] = bytes.length;
      control[C.RegistryBytes] = at + bytes.length;
      Atomics.store(control, C.RegistryCount, id + 1);
      this.remember(id, url, name);
      return id;
    } finally {
      unlock(control, C.RegistryLock);
    }
  }

  /** What `id` stands for. */
  resolve(id: number): TaskName {
    const known = this.names[id];
    if (known !== undefined) return known;
    this.catchUp();
    const found = this.names[id];
    if (found === undefined) throw new Error(`tide: unknown task id ${id}`);
    return found;
  }

  private catchUp(): void {
    const count = Atomics.load(this.memory.control, C.RegistryCount);
    for (let id = this.names.length; id < count; id++) {
      const at = this.memory.registryEntries[id * 2]!;
      const len = this.memory.registryEntries[id * 2 + 1]!;
      // TextDecoder refuses views of shared memory: copy the few bytes out first.
      const key = decoder.decode(this.memory.registryBytes.slice(at, at + len));
      const sep = key.indexOf('\0');
      this.remember(id, key.slice(0, sep), key.slice(sep + 1));
    }
  }

  private remember(id: number, url: string, name: string): void {
    this.names[id] = { url, name };
    this.ids.set(`${url}\0${name}`, id);
  }
}
