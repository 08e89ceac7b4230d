import { spawn } from 'node:child_process';

/** How a child `node` process ended. */
export interface ChildResult {
  /** Its exit code, or null if a signal ended it. */
  readonly code: number | null;
  /** True if it did not exit within the bound and was killed. */
  readonly timedOut: boolean;
  /** What it wrote to stdout. */
  readonly stdout: string;
  /** What it wrote to stderr. */
  readonly stderr: string;
}

/**
 * Runs `source` as an ES module in a fresh `node --input-type=module -e` process and resolves
 * when it exits on its own. If it is still alive after `boundMs` it is killed and the result says
 * `timedOut`: something kept its event loop alive.
 */
export function runModuleInChild(source: string, boundMs: number): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', source], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, boundMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, timedOut, stdout, stderr });
    });
  });
}
