// A vitest setup file. A test that hangs inside a synchronous `blockOn` blocks its thread, so
// vitest's own timeout (a timer on that thread) can never fire and the run would hang forever.
// The testkit's hang guard watches from another thread and ends the test process instead, naming
// the case. The limit leaves room for the slowest cases here (1,000 connections, 50 MiB of
// backpressure) on a loaded machine: the test timeout (60 s) plus a grace period.
import { installHangGuard } from '@tide/testkit';

installHangGuard(90_000);
