import { describe } from 'vitest';
import { installHangGuard } from './support/hang-guard.js';
import type { RuntimeFactory } from './runtime-factory.js';
import { abortCases } from './runtime-suite/abort.js';
import { blockOnCases } from './runtime-suite/block-on.js';
import { blockingCases } from './runtime-suite/blocking.js';
import { coopCases } from './runtime-suite/coop.js';
import { deadlockCases } from './runtime-suite/deadlock.js';
import { handleBlockOnCases } from './runtime-suite/handle-block-on.js';
import { metricsCases } from './runtime-suite/metrics.js';
import { pausedClockCases } from './runtime-suite/paused-clock.js';
import { processExitCases } from './runtime-suite/process-exit.js';
import { runtimeContextCases } from './runtime-suite/runtime-context.js';
import { sharingCases } from './runtime-suite/sharing.js';
import { shutdownCases } from './runtime-suite/shutdown.js';
import { spawnCases } from './runtime-suite/spawn.js';
import { createSuiteContext } from './runtime-suite/suite-context.js';
import { taskErrorCases } from './runtime-suite/task-errors.js';
import { timerCases } from './runtime-suite/timers.js';

/**
 * Registers the runtime conformance suite (vitest) for one runtime flavor: Tokio's rt_common,
 * rt_handle, rt_handle_block_on, rt_basic and time_pause behaviours translated to tide, plus
 * tide's own (DriverNotDrivenError, DeadlockError, shared handles, the blocking pool's threads).
 *
 * Cases that do not apply to the flavor (closures on a TaskRef-only flavor, the paused clock on
 * multi-thread, `run` where there is none, a child process without {@link RuntimeFactory.moduleUrl})
 * are skipped, not failed. A case that blocks the test's thread for good (a synchronous `blockOn`
 * that never returns, which no vitest timeout can interrupt) is reported by name on stderr and
 * the test process is ended, so the run fails instead of hanging. Tasks are the testkit's TaskRefs (`tasks.ts`), so workers that import
 * the testkit's built `dist/index.js` find them; run `turbo run build` before the suite.
 *
 * ```ts
 * // packages/my-flavor/src/conformance.test.ts
 * import { describeRuntime } from '@tide/testkit';
 * describeRuntime('my flavor', myFlavorFactory);
 * ```
 *
 * @param name - the name of the top-level `describe` block.
 * @param factory - builds runtimes of the flavor and declares what it supports.
 */
export function describeRuntime(name: string, factory: RuntimeFactory): void {
  describe(name, () => {
    installHangGuard();
    const ctx = createSuiteContext(factory);
    blockOnCases(ctx);
    spawnCases(ctx);
    handleBlockOnCases(ctx);
    abortCases(ctx);
    taskErrorCases(ctx);
    runtimeContextCases(ctx);
    shutdownCases(ctx);
    processExitCases(ctx);
    timerCases(ctx);
    pausedClockCases(ctx);
    blockingCases(ctx);
    sharingCases(ctx);
    metricsCases(ctx);
    coopCases(ctx);
    deadlockCases(ctx);
  });
}
