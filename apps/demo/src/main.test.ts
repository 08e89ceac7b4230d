import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
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
  it('the root `npm start -- <flags>` hands the flags to the demo', () => {
    // Without the trailing `--`, the inner `npm run` reads --duration, --flavor… as its own config
    // flags and the demo gets bare words (exit 2), as README's `npm start -- --help` shows.
    const root = JSON.parse(readFileSync(fileURLToPath(new URL('../../../package.json', import.meta.url)), 'utf8')) as {
      scripts: Record<string, string>;
    };
    expect(root.scripts.start).toMatch(/ --$/);
  });

  it('multi-thread flavor: serves the load, prints the summary with both runtimes’ metrics, exits 0 on its own', () => {
    const out = runDemo('--flavor', 'multi-thread');
    expect(out).toMatch(/^tide demo — a line-oriented job server on 127\.0\.0\.1:\d+$/m);
    expect(out).toContain("CPU jobs: multi-thread runtime 'cpu': PRIMES as TaskRefs on its workers (4 parts each), HASH on its blocking pool (spawnBlocking)");
    const { ok, failed } = requests(out);
    expect(ok + failed).toBeGreaterThanOrEqual(3); // every client sent at least one request
    expect(out).toMatch(/^latency ms: p50 \S+ {2}p90 \S+ {2}p99 \S+ {2}max \S+$/m);
    for (const command of ['PRIMES', 'HASH', 'FETCH', 'ECHO']) expect(out).toMatch(new RegExp(`^  ${command} +n=\\d+`, 'm'));
    // PRIMES jobs are computed by the multi-thread runtime's workers (the helper saw that flavor),
    // HASH jobs on its blocking pool (the blocking thread saw that runtime), never on the server's.
    expect(out).toMatch(/^ {2}PRIMES computed: (\d+ on multi_thread|none)$/m);
    expect(out).toMatch(/^ {2}HASH computed: (\d+ on the blocking pool of 'cpu' \(multi_thread\)|none)$/m);
    expect(out).toMatch(/^runtime 'server' \(current_thread\): \d+ tasks spawned, \d+ polls, \d+ parks, busy \S+ ms, 0 blocking threads$/m);
    expect(out).toMatch(/^runtime 'cpu' \(multi_thread, 2 workers\): \d+ tasks spawned, \d+ blocking threads; #0 .*; #1 /m);
  });

  it('current-thread flavor: CPU jobs go to the server runtime’s blocking pool; no multi-thread runtime', () => {
    const out = runDemo('--flavor', 'current-thread');
    expect(out).toContain("CPU jobs: the server's current-thread runtime: PRIMES in 4 parts and HASH on its blocking pool (spawnBlocking)");
    const { ok, failed } = requests(out);
    expect(ok + failed).toBeGreaterThanOrEqual(3);
    expect(out).toMatch(/^ {2}PRIMES computed: (\d+ on current_thread|none)$/m);
    expect(out).toMatch(/^ {2}HASH computed: (\d+ on the blocking pool of 'server' \(current_thread\)|none)$/m);
    expect(out).not.toContain("runtime 'cpu'");
  });

  it('refuses bad flags with the reason, the usage and exit status 2; --help prints the usage and exits 0', () => {
    const cases: [string[], RegExp][] = [
      [['--flavor', 'fibers'], /^--flavor must be multi-thread or current-thread, got 'fibers'$/m],
      [['--concurrency', '0'], /^--concurrency must be an integer from 1 to 1000, got '0'$/m],
      [['--duration', '5s'], /^--duration must be an integer from 100 to 600000, got '5s'$/m],
      [['--nope'], /^Unknown option '--nope'/m],
      // What `npm start --duration 300` (no `--`) hands the program: npm keeps the flag, passes the value.
      [['300'], /^unexpected argument '300': .*npm start -- --duration 5000/m],
    ];
    for (const [flags, reason] of cases) {
      const run = spawnSync(process.execPath, [main, ...flags], { encoding: 'utf8', timeout: 30_000 });
      expect(run.status, flags.join(' ')).toBe(2);
      expect(run.stderr).toMatch(reason);
      expect(run.stderr).toContain('usage: npm start --');
      expect(run.stdout).toBe('');
    }
    const help = spawnSync(process.execPath, [main, '--help'], { encoding: 'utf8', timeout: 30_000 });
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('usage: npm start --');
    expect(help.stdout).toContain('--flavor');
  }, 90_000); // six cold Node starts: CI runs this beside other suites on two cores
});
