import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// Worker threads load TaskRefs by module URL, so the tasks live in a plain JavaScript fixture
// (run in a child process, where they import the built packages).
const fixture = fileURLToPath(new URL('../../test-fixtures/multi-thread-echo.mjs', import.meta.url));
const packageDir = fileURLToPath(new URL('../..', import.meta.url));

describe('on the multi-thread runtime', () => {
  it('each worker builds its own io driver from the sendable factory; TCP works in worker tasks', async () => {
    const { code, stdout } = await new Promise<{ code: number | null; stdout: string }>((resolve) => {
      const child = execFile(process.execPath, [fixture], { cwd: packageDir, timeout: 30_000 }, (_error, out) => {
        resolve({ code: child.exitCode, stdout: out });
      });
    });
    expect(code).toBe(0);
    const report = JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as { results: boolean[] };
    expect(report.results).toEqual([true, true, true, true]);
  });
});
