import type { RuntimeMetrics, WorkerMetrics } from '@tide/core';
import { C, M } from './shared/layout.js';
import type { Shared } from './shared/shared.js';

/** The owner thread's own blocking pool (each worker publishes its pool's figures in shared memory). */
export interface OwnerFigures {
  readonly blockingThreads: number;
  readonly idleBlockingThreads: number;
  readonly blockingQueueDepth: number;
}

/**
 * Builds a metrics snapshot from the counters every worker writes into shared memory, so it reads
 * the same on the owner and on any worker.
 *
 * @internal
 */
export function readMetrics(shared: Shared, owner: OwnerFigures | undefined): RuntimeMetrics {
  // The owner's figures are only known on its thread; on a worker they come from shared memory.
  const memory = shared.memory;
  const m = memory.metrics;
  const workers: WorkerMetrics[] = [];
  let alive = Atomics.load(memory.control, C.OwnerAlive);
  let spawned = Atomics.load(memory.control, C.OwnerSpawned);
  let blockingThreads = owner?.blockingThreads ?? 0;
  let idleBlockingThreads = owner?.idleBlockingThreads ?? 0;
  let blockingQueueDepth = owner?.blockingQueueDepth ?? 0;
  for (let w = 1; w <= memory.workers; w++) {
    alive += m[memory.metric(w, M.Outstanding)]! + m[memory.metric(w, M.LocalAlive)]!;
    spawned += m[memory.metric(w, M.Spawned)]!;
    blockingThreads += m[memory.metric(w, M.BlockingThreads)]!;
    idleBlockingThreads += m[memory.metric(w, M.IdleBlockingThreads)]!;
    blockingQueueDepth += m[memory.metric(w, M.BlockingQueue)]!;
    workers.push({
      parkCount: m[memory.metric(w, M.Parks)]!,
      unparkCount: m[memory.metric(w, M.Unparks)]!,
      busyMs: m[memory.metric(w, M.BusyMs)]!,
      pollCount: m[memory.metric(w, M.Polls)]!,
      stealCount: m[memory.metric(w, M.Steals)]!,
      localQueueDepth: memory.localDepth(w),
    });
  }
  return {
    numWorkers: memory.workers,
    numAliveTasks: alive,
    globalQueueDepth: Math.max(0, shared.global.length),
    spawnedTasksCount: spawned,
    numBlockingThreads: blockingThreads,
    numIdleBlockingThreads: idleBlockingThreads,
    blockingQueueDepth,
    workers,
  };
}
