import { describe, expect } from 'vitest';
import { createProbe, read } from '../probe.js';
import { runModuleInChild } from '../support/child-process.js';
import { TASKS_URL, advanceSteps, asyncSleep, clockDrift, sleepFor, timeoutOverBlocking, timeoutOverSleep } from '../tasks.js';
import type { SuiteContext } from './suite-context.js';

const HOUR_MS = 60 * 60 * 1000;

/**
 * The paused clock (Tokio's time_pause `paused_time_is_deterministic`,
 * `advance_once_with_timer`), on flavors that support it: an idle runtime with a pending timer
 * jumps to its deadline, so "waiting" hours takes microseconds and gives exact, repeatable times.
 */
export function pausedClockCases(ctx: SuiteContext): void {
  const { factory, it } = ctx;

  describe.runIf(factory.pausedClock)('paused clock', () => {
    it('sleeping three hours completes at once, exactly three hours later on the runtime clock', () => {
      const rt = ctx.runtime();
      expect(rt.blockOn(sleepFor, 3 * HOUR_MS)).toBe(3 * HOUR_MS);
    });

    it.runIf(factory.moduleUrl !== undefined)(
      'is deterministic: the same timers give the same order and times in every fresh runtime (paused_time_is_deterministic)',
      async () => {
        // Fresh runtimes pause their clocks at different instants; each must see the same order
        // and the same times. Run in a child process with a bound: a runtime that fails to reach
        // a deadline spins in blockOn forever (see paused_clock_any_origin).
        const durations = [5 * HOUR_MS, 1, HOUR_MS, 250, 24 * HOUR_MS, HOUR_MS + 1];
        const result = await runModuleInChild(
          [
            `const { build } = await import(${JSON.stringify(factory.moduleUrl)});`,
            `const tasks = await import(${JSON.stringify(TASKS_URL)});`,
            'const runs = [];',
            'for (let i = 0; i < 5; i++) {',
            '  const rt = build({ time: { startPaused: true } });',
            `  runs.push({ order: rt.blockOn(tasks.sleepOrder, ${JSON.stringify(durations)}), slept: rt.blockOn(tasks.sleepFor, ${HOUR_MS}) });`,
            '  rt.shutdown(0);',
            '}',
            'console.log(JSON.stringify(runs));',
          ].join('\n'),
          15_000,
        );
        expect(result.timedOut).toBe(false);
        const expected = { order: [...durations].sort((a, b) => a - b), slept: HOUR_MS };
        expect(JSON.parse(result.stdout)).toEqual([expected, expected, expected, expected, expected]);
      },
    );

    it('time stands still while tasks run: only waiting moves the paused clock', () => {
      const rt = ctx.runtime();
      expect(rt.blockOn(clockDrift, 100)).toBe(0);
    });

    it('a one-hour timeout elapses at once and exactly', () => {
      const rt = ctx.runtime();
      const probe = createProbe();
      expect(rt.blockOn(timeoutOverSleep, HOUR_MS, 2 * HOUR_MS, probe, 0)).toBe('E_ELAPSED');
      expect(read(probe, 0)).toBe(1);
    });

    it('advance() fires exactly the timers it passes (advance_once_with_timer)', () => {
      const rt = ctx.runtime();
      expect(rt.blockOn(advanceSteps, 1000, [500, 499, 1])).toEqual([0, 0, 1]);
    });

    it('host-driven run() auto-advances too', async (context) => {
      const rt = ctx.runtime();
      if (rt.run === undefined) return context.skip();
      expect(await rt.run(asyncSleep, 2 * HOUR_MS)).toBe(2 * HOUR_MS);
    });

    it.runIf(factory.moduleUrl !== undefined)(
      'auto-advance reaches every deadline, whatever the instant the clock was paused at (paused_clock_any_origin)',
      async () => {
        // Many fresh runtimes: each pauses its clock at a different instant. A runtime that jumps
        // to a deadline but does not see it as reached would spin in blockOn forever, so this
        // runs in a child process with a time bound instead of in the test's own thread.
        const result = await runModuleInChild(
          [
            `const { build } = await import(${JSON.stringify(factory.moduleUrl)});`,
            `const tasks = await import(${JSON.stringify(TASKS_URL)});`,
            'for (let i = 0; i < 300; i++) {',
            '  const rt = build({ time: { startPaused: true } });',
            `  rt.blockOn(tasks.sleepOrder, [1, 250, ${HOUR_MS}, ${HOUR_MS + 1}, ${24 * HOUR_MS}]);`,
            '  rt.shutdown(0);',
            '}',
            "console.log('all deadlines reached');",
          ].join('\n'),
          15_000,
        );
        expect(result.timedOut).toBe(false);
        expect(result.stdout).toBe('all deadlines reached\n');
      },
    );

    it('never auto-advances while a blocking task runs: a timeout around it does not fire early', () => {
      const rt = ctx.runtime();
      expect(rt.blockOn(timeoutOverBlocking, 1000, 30)).toBe('completed');
    });
  });
}
