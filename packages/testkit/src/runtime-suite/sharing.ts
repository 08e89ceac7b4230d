import { threadId } from 'node:worker_threads';
import { describe, expect } from 'vitest';
import { createProbe, read } from '../probe.js';
import { startFixtureWorker, type FixtureWorker } from '../support/fixture-worker.js';
import { TASKS_URL, awaitArrival, awaitArrivalUntimed, sleepUntilSet } from '../tasks.js';
import type { RuntimeUnderTest } from '../runtime-factory.js';
import type { SuiteContext } from './suite-context.js';

/** What `test-fixtures/shared-handle-worker.js` reports. */
interface WorkerReport {
  readonly threadId: number;
  readonly currentBeforeEnter: string;
  readonly tryCurrentBeforeEnter: boolean;
  readonly sameHandleTwice: boolean;
  readonly currentAfterFromShared: string;
  readonly current: { id: number; flavor: string; name: string | null; drivers: string[] };
  readonly currentAfterExit: string;
  readonly [key: string]: unknown;
}

type Scenario = 'context' | 'spawn' | 'spawn-probe' | 'blockOn';

/**
 * Sharing a handle with a `worker_threads` Worker (the seed's `thread::spawn` example; Tokio's
 * rt_common `spawn_from_other_thread_idle`): `handle.share()` is posted to the fixture
 * `test-fixtures/shared-handle-worker.js`; there `Handle.current()` throws until `enter()`,
 * `spawn(taskRef)` runs on the runtime (waking it while it is parked in `blockOn`), and
 * `blockOn(taskRef)` runs on the worker itself.
 */
export function sharingCases(ctx: SuiteContext): void {
  const { factory, it } = ctx;

  type Answer = { report?: WorkerReport; error?: string };

  /** Starts the fixture with `rt`'s shared handle (its port in the transfer list). */
  const startWorker = (rt: RuntimeUnderTest, scenario: Scenario, probe = createProbe()): FixtureWorker<Answer> => {
    const shared = rt.handle.share();
    return startFixtureWorker<Answer>('shared-handle-worker.js', { shared, scenario, tasksUrl: TASKS_URL, probe }, [shared.port]);
  };

  const reportOf = async (worker: FixtureWorker<Answer>): Promise<WorkerReport> => {
    const { report, error } = await worker.answer;
    if (error !== undefined) throw new Error(`the worker failed: ${error}`);
    return report!;
  };

  /** Runs `fn` (a blockOn), terminating `worker` if it throws: the worker would wait for answers forever. */
  const whileWorkerRuns = async <T>(worker: FixtureWorker<Answer>, fn: () => T): Promise<T> => {
    try {
      return fn();
    } catch (error) {
      await worker.terminate();
      throw error;
    }
  };

  describe('sharing with worker threads', () => {
    it('in a worker, Handle.current() throws until the shared handle is entered, and again after', async () => {
      const rt = ctx.runtime({ name: 'shared' });
      const report = await reportOf(startWorker(rt, 'context'));
      expect(report.threadId).not.toBe(threadId);
      expect(report.currentBeforeEnter).toBe('E_NO_RUNTIME');
      expect(report.tryCurrentBeforeEnter).toBe(false);
      expect(report.currentAfterFromShared).toBe('E_NO_RUNTIME');
      expect(report.sameHandleTwice).toBe(true);
      expect(report.current).toEqual({ id: rt.handle.id, flavor: factory.flavor, name: 'shared', drivers: [...rt.handle.drivers] });
      expect(report.currentAfterExit).toBe('E_NO_RUNTIME');
      expect(report.shareAgain).toBe('E_NOT_SENDABLE');
    });

    it.runIf(factory.drivenByCaller)(
      'spawn(taskRef) from the worker runs on the runtime’s thread while it waits in blockOn with nothing else to do (spawn_from_other_thread_idle)',
      async () => {
        const rt = ctx.runtime();
        const worker = startWorker(rt, 'spawn');
        // No timer, no task: only the worker's spawn (inject queue + unpark) can end this wait.
        expect(await whileWorkerRuns(worker, () => rt.blockOn(awaitArrivalUntimed))).toBe(threadId);
        expect((await reportOf(worker)).arrival).toEqual({ ok: true, value: threadId });
      },
    );

    it.runIf(factory.drivenByCaller)(
      'spawn(taskRef) from the worker runs on the runtime’s thread while it is parked in blockOn until a timer',
      async () => {
        const rt = ctx.realClockRuntime();
        const worker = startWorker(rt, 'spawn');
        // Parked with a 20 s timer: only the worker's spawn (inject queue + unpark) ends it early.
        expect(await whileWorkerRuns(worker, () => rt.blockOn(awaitArrival, 20_000))).toBe(threadId);
        const report = await reportOf(worker);
        expect(report.arrival).toEqual({ ok: true, value: threadId });
        expect(report.values).toEqual({ ok: true, value: 42 });
        expect(report.failing).toMatchObject({ ok: false, code: 'E_JOIN', panic: true, cause: 'remote failure' });
        expect(report.spawnClosure).toBe('E_NOT_SENDABLE');
      },
    );

    it('spawn(taskRef) from the worker reaches the runtime while the runtime waits in blockOn', async () => {
      const rt = ctx.realClockRuntime();
      const probe = createProbe();
      const worker = startWorker(rt, 'spawn-probe', probe);
      expect(await whileWorkerRuns(worker, () => rt.blockOn(sleepUntilSet, probe, 0, 20_000))).toBe(7);
      const report = await reportOf(worker);
      expect(report.setSlot).toEqual({ ok: true, value: 7 });
      expect(read(probe, 0)).toBe(7);
    });

    it.runIf(!factory.handleBlockOnDrivesDrivers)(
      'blockOn(taskRef) in the worker runs on the worker, with the same restriction as handle.blockOn',
      async () => {
        const rt = ctx.runtime();
        const report = await reportOf(startWorker(rt, 'blockOn'));
        expect(report.blockOnWhere).toEqual({ threadId: report.threadId, runtimeId: rt.handle.id, taskId: expect.any(Number) as number });
        expect(report.blockOnSum).toBe(6);
        expect(report.blockOnSleep).toBe('E_DRIVER_NOT_DRIVEN');
        // It says why (this thread does not turn the runtime's drivers) and what to do instead.
        expect(report.blockOnSleepMessage).toMatch(/'time' driver, but a shared handle's thread does not turn the runtime's drivers: spawn the work/);
        expect(report.blockOnFailure).toBe('E_TASK_FAILURE');
      },
    );
  });
}
