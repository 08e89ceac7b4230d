import { describe, expect } from 'vitest';
import { runModuleInChild } from '../support/child-process.js';
import { TASKS_URL } from '../tasks.js';
import type { SuiteContext } from './suite-context.js';

/** How long a child process may take to exit on its own (generous: a whole Node start-up plus the work). */
const EXIT_BOUND_MS = 20_000;

/**
 * The runtime never holds the process open by itself (DESIGN.md §3: "A shut-down runtime leaves
 * no handle that keeps Node alive"; the blocking pool's threads are unref'd). Each case runs a
 * fresh `node --input-type=module -e` process that loads the flavor's plain-JavaScript module
 * ({@link RuntimeFactory.moduleUrl}) and the built testkit, and asserts it exits on its own.
 */
export function processExitCases(ctx: SuiteContext): void {
  const { factory, it } = ctx;
  const moduleUrl = factory.moduleUrl;

  const script = (body: string): string =>
    [
      `const { build } = await import(${JSON.stringify(moduleUrl)});`,
      `const tasks = await import(${JSON.stringify(TASKS_URL)});`,
      'const probe = new Int32Array(new SharedArrayBuffer(64));',
      body,
    ].join('\n');

  describe.runIf(moduleUrl !== undefined)('process lifetime', () => {
    it('after shutdown, a process with nothing else to do exits on its own', async () => {
      const result = await runModuleInChild(
        script(`
          const rt = build({ time: { startPaused: false }, threadKeepAliveMs: 600000 });
          rt.handle.spawn(tasks.sleepForever, probe, 0, 1);
          console.log('slept', rt.blockOn(tasks.sleepFor, 5) >= 5);
          console.log('blocking', rt.blockOn(tasks.viaSpawnBlocking, 'addNumbers', [1, 2]));
          rt.handle.share();
          rt.shutdown(0);
          console.log('finally blocks', Atomics.load(probe, 1));
        `),
        EXIT_BOUND_MS,
      );
      expect(result.stderr).toBe('');
      expect(result.timedOut).toBe(false);
      expect(result.code).toBe(0);
      expect(result.stdout).toBe('slept true\nblocking 3\nfinally blocks 1\n');
    });

    it('idle blocking threads never keep the process alive, even with a long keep-alive and no shutdown', async () => {
      const result = await runModuleInChild(
        script(`
          const rt = build({ time: false, maxBlockingThreads: 3, threadKeepAliveMs: 600000 });
          const seen = rt.blockOn(tasks.blockingGrowth, probe, 3);
          console.log('threads', seen.threadsDuring, rt.handle.metrics().numBlockingThreads);
        `),
        EXIT_BOUND_MS,
      );
      expect(result.stderr).toBe('');
      expect(result.timedOut).toBe(false);
      expect(result.code).toBe(0);
      expect(result.stdout).toBe('threads 3 3\n');
    });

    it('a host-driven run() keeps the process alive while its timer is pending, then lets it exit', async (context) => {
      const probeRuntime = ctx.build({ time: false });
      if (probeRuntime.run === undefined) return context.skip();
      const result = await runModuleInChild(
        script(`
          const rt = build({ time: { startPaused: false } });
          rt.run(tasks.asyncSleep, 30).then((ms) => console.log('slept', ms >= 30), (error) => console.log('failed', error));
        `),
        EXIT_BOUND_MS,
      );
      expect(result.stderr).toBe('');
      expect(result.timedOut).toBe(false);
      expect(result.code).toBe(0);
      expect(result.stdout).toBe('slept true\n');
    });
  });
}
