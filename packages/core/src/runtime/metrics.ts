/** Per-worker figures in a {@link RuntimeMetrics} snapshot (one entry on a current-thread runtime). */
export interface WorkerMetrics {
  /** Times the worker parked because it had nothing to do. */
  readonly parkCount: number;
  /** Times the worker was unparked by another thread or an event. */
  readonly unparkCount: number;
  /** Milliseconds spent running tasks and turning drivers (not parked). */
  readonly busyMs: number;
  /** Task polls performed. */
  readonly pollCount: number;
  /** Tasks taken from other workers' queues (0 on a current-thread runtime). */
  readonly stealCount: number;
  /** Tasks waiting in this worker's local queue. */
  readonly localQueueDepth: number;
}

/** A snapshot of a runtime's counters (Tokio's stable metrics plus a few unstable ones). */
export interface RuntimeMetrics {
  /** Worker threads that run tasks (1 for current-thread: the thread that drives it). */
  readonly numWorkers: number;
  /** Tasks spawned and not yet finished (the root of a blockOn is not counted). */
  readonly numAliveTasks: number;
  /** Tasks waiting in the global (inject) queue or run queue. */
  readonly globalQueueDepth: number;
  /** Tasks spawned since the runtime was built. */
  readonly spawnedTasksCount: number;
  /** Threads in the blocking pool, busy or idle. */
  readonly numBlockingThreads: number;
  /** Idle threads in the blocking pool. */
  readonly numIdleBlockingThreads: number;
  /** Blocking tasks waiting for a thread. */
  readonly blockingQueueDepth: number;
  /** One entry per worker. */
  readonly workers: readonly WorkerMetrics[];
}
