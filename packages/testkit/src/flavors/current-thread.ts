import type { RuntimeFactory } from '../runtime-factory.js';
import { build } from '../../test-fixtures/current-thread-runtime.js';

/**
 * The {@link RuntimeFactory} of `@tide/current-thread` (with `@tide/time-driver`), for the
 * testkit's own test files. Not exported from the package: the testkit's `dist` does not depend
 * on any flavor. The adapter itself is plain JavaScript (`test-fixtures/current-thread-runtime.js`)
 * so that child processes and worker threads can load it too.
 */
export const currentThreadFactory: RuntimeFactory = {
  flavor: 'current_thread',
  acceptsClosures: true,
  pausedClock: true,
  drivenByCaller: true,
  handleBlockOnDrivesDrivers: false,
  build,
  moduleUrl: new URL('../../test-fixtures/current-thread-runtime.js', import.meta.url).href,
  knownBugs: [],
};
