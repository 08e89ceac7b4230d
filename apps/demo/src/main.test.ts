import { execFileSync, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const main = fileURLToPath(new URL('../dist/main.js', import.meta.url));

/** Runs the built demo briefly; returns its stdout (throws if it exits with a non-zero status). */
function runDemo(...flags: string[]): string {
  return execFileSync(process.execPath, [main, '--duration', '600', '--concurrency', '3', '--workers', '2', ...flags], {
    encoding: 'utf8',
    timeout: 60_000,
  });
}

/** The numbers of the summary's "requests:" line. */
function requests(out: string): { ok: number; failed: number } {
  const match = /^requests: (\d+) ok, (\d+) failed — \d+ req\/s$/m.exec(out);
  expect(match, out).not.toBeNull();
  return { ok: Number(match![1]), failed: Number(match![2]) };
}

describe('demo', () => {
  it('multi-thread flavor: serves the load, prints the summary with both runtimes’ metrics, exits 0 on its own', () => {
    const out = runDemo('--flavor', 'multi-thread');
    expect(out).toMatch(/^tide demo — a line-oriented job server on 127\.0\.0\.1:\d+$/m);
    expect(out).toContain("CPU jobs: multi-thread runtime 'cpu', 4 parts per job");
    const { ok, failed } = requests(out);
    expect(ok + failed).toBeGreaterThanOrEqual(3); // every client sent at least one request
    expect(out).toMatch(/^latency ms: p50 \S+ {2}p90 \S+ {2}p99 \S+ {2}max \S+$/m);
    for (const command of ['PRIMES', 'FETCH', 'ECHO']) expect(out).toMatch(new RegExp(`^  ${command} +n=\\d+`, 'm'));
    // PRIMES jobs are computed on the multi-thread runtime only.
    expect(out).toMatch(/PRIMES computed: (\d+ on multi_thread|none)$/m);
    expect(out).toMatch(/^runtime 'server' \(current_thread\): \d+ tasks spawned/m);
    expect(out).toMatch(/^runtime 'cpu' \(multi_thread, 2 workers\): \d+ tasks spawned; #0 .*; #1 /m);
  });

  it('current-thread flavor: CPU jobs go to the server runtime’s blocking pool; no multi-thread runtime', () => {
    const out = runDemo('--flavor', 'current-thread');
    expect(out).toContain("CPU jobs: blocking pool of the server's current-thread runtime");
    const { ok, failed } = requests(out);
    expect(ok + failed).toBeGreaterThanOrEqual(3);
    expect(out).toMatch(/PRIMES computed: (\d+ on current_thread|none)$/m);
    expect(out).not.toContain("runtime 'cpu'");
  });

  it('refuses bad flags with the usage and exit status 2', () => {
    for (const flags of [['--flavor', 'fibers'], ['--concurrency', '0'], ['--duration', 'soon'], ['--nope']]) {
      const run = spawnSync(process.execPath, [main, ...flags], { encoding: 'utf8' });
      expect(run.status).toBe(2);
      expect(run.stderr).toContain('usage: npm start --');
    }
  }, 60_000); // four cold Node starts: CI runs this beside other suites on two cores
});
