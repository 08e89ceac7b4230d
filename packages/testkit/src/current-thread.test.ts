// The runtime conformance suite on @tide/current-thread, with the time driver. The factory, and
// the bugs this flavor is known to have (run as it.fails), are in ./flavors/current-thread.ts.
import { currentThreadFactory } from './flavors/current-thread.js';
import { describeRuntime } from './index.js';

describeRuntime('@tide/current-thread', currentThreadFactory);
