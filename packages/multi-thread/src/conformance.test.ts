// The testkit's runtime conformance suite (Tokio's rt_common and friends, translated) on this
// flavor with 1 and with 2 worker threads. The adapter is plain JavaScript
// (test-fixtures/multi-thread-runtime.js) so child processes and workers can load it too.
import { describeRuntime, type RuntimeFactory } from '@tide/testkit';
import type * as Adapter from '../test-fixtures/multi-thread-runtime.js';

const adapterUrl = new URL('../test-fixtures/multi-thread-runtime.js', import.meta.url);
const adapter = (await import(adapterUrl.href)) as typeof Adapter;

function factory(workers: number): RuntimeFactory {
  return {
    flavor: 'multi_thread',
    acceptsClosures: false,
    pausedClock: false,
    drivenByCaller: false,
    handleBlockOnDrivesDrivers: true,
    asyncTasksInBlockOn: true,
    build: (options) => adapter.buildWith(workers, options),
    ...(workers === 2 ? { moduleUrl: adapterUrl.href } : {}),
    knownBugs: [],
  };
}

describeRuntime('@tide/multi-thread with 1 worker', factory(1));
describeRuntime('@tide/multi-thread with 2 workers', factory(2));
