let nextRuntimeId = 1;

/**
 * A new runtime id, unique in this thread's module instance of core (every flavor draws from this
 * one sequence, so two runtimes of different flavors never share an id). A flavor whose runtime
 * spans several threads allocates it on the thread that builds the runtime and hands it to the
 * others.
 */
export function allocateRuntimeId(): number {
  return nextRuntimeId++;
}
