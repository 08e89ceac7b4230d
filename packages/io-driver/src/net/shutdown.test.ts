import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const fixture = fileURLToPath(new URL('../../test-fixtures/shutdown-open-sockets.mjs', import.meta.url));
const packageDir = fileURLToPath(new URL('../..', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'tide-io-shutdown-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs the fixture in a child process; resolves with its exit code, whether it was killed, and its report. */
function runFixture(
  mode: 'block-on' | 'run' | 'idle',
): Promise<{ code: number | null; killed: boolean; report: { before: number; after: number; shutdownError: string; done?: string } }> {
  return new Promise((resolve) => {
    const child = execFile(process.execPath, [fixture, mode, join(dir, `${mode}.txt`)], { cwd: packageDir, timeout: 15_000 }, (error, stdout) => {
      const line = stdout.trim().split('\n').pop() ?? '{}';
      resolve({ code: child.exitCode, killed: error?.killed === true || child.signalCode !== null, report: JSON.parse(line) as never });
    });
  });
}

describe('shutdown with sockets and files open', () => {
  for (const mode of ['block-on', 'run'] as const) {
    it(`closes every descriptor and lets the process exit by itself (${mode})`, async () => {
      const { code, killed, report } = await runFixture(mode);
      expect(killed).toBe(false);
      expect(code).toBe(0);
      // A listener, two sockets and a file were open; the reactor closed all four during shutdown.
      if (report.before >= 0) expect(report.after).toBeLessThanOrEqual(report.before - 4);
      expect(report.shutdownError).toBe('E_RUNTIME_SHUTDOWN');
    });
  }

  it('an idle reactor thread does not keep the process alive, even without shutdown', async () => {
    const { code, killed, report } = await runFixture('idle');
    expect(killed).toBe(false);
    expect(code).toBe(0);
    expect(report.done).toBe('done');
  });
});
