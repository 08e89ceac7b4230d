// The testkit's adapter for @tide/current-thread: builds a runtime the way the conformance suite
// asks for one (src/runtime-factory.ts, RuntimeBuildOptions → RuntimeUnderTest). Plain JavaScript
// so that a bare `node` process or a worker thread can import it too (RuntimeFactory.moduleUrl).
import { CurrentThreadRuntime } from '@tide/current-thread';
import { timeDriver } from '@tide/time-driver';

/** Builds a current-thread runtime from the suite's options. */
export function build(options = {}) {
  let builder = CurrentThreadRuntime.builder();
  if (options.time !== false) builder = builder.enable(timeDriver({ startPaused: options.time?.startPaused === true }));
  for (const driver of options.drivers ?? []) builder = builder.enable(driver);
  if (options.name !== undefined) builder.name(options.name);
  if (options.eventInterval !== undefined) builder.eventInterval(options.eventInterval);
  if (options.maxBlockingThreads !== undefined) builder.maxBlockingThreads(options.maxBlockingThreads);
  if (options.threadKeepAliveMs !== undefined) builder.threadKeepAlive(options.threadKeepAliveMs);
  if (options.onUnhandledError !== undefined) builder.onUnhandledError(options.onUnhandledError);
  const runtime = builder.build();
  return {
    flavor: 'current_thread',
    handle: runtime.handle(),
    blockOn: (task, ...args) => runtime.blockOn(task, ...args),
    run: (task, ...args) => runtime.run(task, ...args),
    shutdown: (timeoutMs) => runtime.shutdownTimeout(timeoutMs),
    drop: () => runtime[Symbol.dispose](),
  };
}
