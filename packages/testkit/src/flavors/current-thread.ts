import type { RuntimeFactory } from '../runtime-factory.js';
import { fixtureUrl } from '../support/testkit-files.js';
import { build } from '../../test-fixtures/current-thread-runtime.js';

/**
 * The {@link RuntimeFactory} of `@tide/current-thread` (with `@tide/time-driver` unless the suite
 * asks for `time: false`), for drivers and libraries that run the suites on the current-thread
 * flavor:
 *
 * ```ts
 * import { describeDriver } from '@tide/testkit';
 * import { currentThreadFactory } from '@tide/testkit/current-thread';
 * describeDriver('my driver', { name: 'can-bus', driver: () => canBus(), runtime: currentThreadFactory, pending: () => nextFrame() });
 * ```
 *
 * Exported from the `@tide/testkit/current-thread` subpath (which needs `@tide/current-thread`
 * installed), so that the main entry depends on no flavor. The adapter itself is plain JavaScript
 * (`test-fixtures/current-thread-runtime.js`) so that child processes and worker threads can
 * load it too.
 */
export const currentThreadFactory: RuntimeFactory = {
  flavor: 'current_thread',
  acceptsClosures: true,
  pausedClock: true,
  drivenByCaller: true,
  handleBlockOnDrivesDrivers: false,
  asyncTasksInBlockOn: false,
  build,
  moduleUrl: fixtureUrl('current-thread-runtime.js').href,
  knownBugs: [],
};
