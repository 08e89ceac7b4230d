/**
 * The worker thread proper, loaded by the entry script (`main.ts`) once its exit hook is in
 * place: rebuilds the drivers from their sendable factories and starts the {@link WorkerCore}
 * loop.
 *
 * @internal
 * @packageDocumentation
 */
import { fromSendable } from '@tide/core/driver';
import type { OwnerWatch } from './owner-watch.js';
import type { WorkerInit } from './protocol.js';
import { WorkerCore } from './worker-core.js';

export { encodeThrown } from '@tide/core/driver';

/** Builds this thread's drivers and starts serving. */
export async function runWorker(init: WorkerInit, ownerWatch: OwnerWatch): Promise<void> {
  const factories = await Promise.all(init.drivers.map((sendable) => fromSendable(sendable)));
  new WorkerCore(init, factories, ownerWatch).start();
}
