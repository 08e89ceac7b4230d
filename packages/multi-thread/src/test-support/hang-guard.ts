// A vitest setup file. A test that hangs inside a synchronous `blockOn` (or a synchronous wait on
// worker threads) blocks its thread, so vitest's own timeout (a timer on that thread) can never
// fire. The testkit's hang guard watches from another thread and ends the test process instead,
// naming the case: a hang is a failure with a name, never a run that never ends.
import { installHangGuard } from '@tide/testkit';

installHangGuard(60_000);
