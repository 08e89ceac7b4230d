// The conformance suite's adapter for @tide/multi-thread (see @tide/testkit's RuntimeFactory):
// builds a runtime the way the suite asks for one. Plain JavaScript so that a bare `node` process
// or a worker thread can import it too (RuntimeFactory.moduleUrl). WORKERS picks the thread count.
import { MultiThreadRuntime } from '@tide/multi-thread';
import { addNumbers } from '@tide/testkit';
import { timeDriver } from '@tide/time-driver';

/** Builds a multi-thread runtime with `workers` threads from the suite's options. */
export function buildWith(workers, options = {}) {
  // Every worker imports the suite's tasks module while it starts (build() waits for that), so
  // no case races a fresh worker's first import.
  let builder = MultiThreadRuntime.builder().workerThreads(workers).onThreadStart(addNumbers, 0, 0);
  if (options.time !== false) builder = builder.enable(timeDriver());
  for (const driver of options.drivers ?? []) builder = builder.enable(driver);
  if (options.name !== undefined) builder.name(options.name);
  if (options.eventInterval !== undefined) builder.eventInterval(options.eventInterval);
  if (options.maxBlockingThreads !== undefined) builder.maxBlockingThreads(options.maxBlockingThreads);
  if (options.threadKeepAliveMs !== undefined) builder.threadKeepAlive(options.threadKeepAliveMs);
  if (options.onUnhandledError !== undefined) builder.onUnhandledError(options.onUnhandledError);
  const runtime = builder.build();
  return {
    flavor: 'multi_thread',
    handle: runtime.handle(),
    blockOn: (task, ...args) => runtime.blockOn(task, ...args),
    shutdown: (timeoutMs) => runtime.shutdownTimeout(timeoutMs),
    drop: () => runtime[Symbol.dispose](),
  };
}

/** Builds a runtime with 2 worker threads (or `process.env.TIDE_WORKERS`). */
export function build(options = {}) {
  return buildWith(Number(process.env.TIDE_WORKERS ?? 2), options);
}
