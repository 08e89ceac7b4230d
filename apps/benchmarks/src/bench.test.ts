/**
 * End to end: `--quick` runs every registered scenario in a child process and writes a
 * well-formed report to a temporary directory (never to results/, which holds the committed
 * full run). Nothing here asserts anything about speed.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseArgs } from './cli.js';
import { pairedRatios, quantile, summarize } from './harness/stats.js';
import type { BenchReport } from './report/report.js';
import type { Scenario } from './harness/scenario.js';
import { loadScenario, scenarioNames } from './scenarios/index.js';

const appDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const mainScript = path.join(appDir, 'dist', 'main.js');

describe('npm run bench -- --quick', () => {
  let outDir: string;
  let exitCode: number | null;
  let stdout: string;
  let stderr: string;
  let report: BenchReport;
  let scenarios: Scenario[];

  beforeAll(async () => {
    scenarios = await Promise.all(scenarioNames.map(loadScenario));
    if (!existsSync(mainScript)) throw new Error(`${mainScript} is missing: build first (turbo runs build before test)`);
    outDir = mkdtempSync(path.join(tmpdir(), 'tide-bench-quick-'));
    const run = spawnSync(process.execPath, ['--expose-gc', mainScript, '--quick', '--out', outDir], {
      encoding: 'utf8',
      timeout: 170_000,
    });
    exitCode = run.status;
    stdout = run.stdout;
    stderr = run.stderr;
    if (exitCode === 0) report = JSON.parse(readFileSync(path.join(outDir, 'latest.json'), 'utf8')) as BenchReport;
  }, 180_000);

  afterAll(() => {
    if (outDir !== undefined) rmSync(outDir, { recursive: true, force: true });
  });

  it('exits 0, prints progress on stderr and the table on stdout', () => {
    expect(exitCode, stderr).toBe(0);
    for (const s of scenarios) {
      expect(stderr).toContain(`[${s.name}] done`);
      expect(stdout).toContain(`${s.name} — `);
    }
  });

  it('writes a latest.json covering every scenario, contender and comparison', () => {
    expect(report.schema).toBe(1);
    expect(report.tool).toBe('@tide/benchmarks');
    expect(report.mode).toBe('quick');
    expect(report.machine.cpuModel).not.toBe('');
    expect(report.machine.cores).toBeGreaterThan(0);
    expect(report.machine.node).toBe(process.version);
    expect(Number.isNaN(Date.parse(report.machine.date))).toBe(false);
    expect(report.scenarios.map((s) => s.name)).toEqual(scenarios.map((s) => s.name));
    for (const declared of scenarios) {
      const result = report.scenarios.find((s) => s.name === declared.name)!;
      expect(result.params).toEqual(declared.params.quick);
      expect(result.contenders.map((c) => c.id)).toEqual(declared.contenders.map((c) => c.id));
      for (const c of result.contenders) {
        expect(c.samples, `${declared.name}/${c.id}`).toHaveLength(result.reps);
        for (const v of c.samples) expect(Number.isFinite(v), `${declared.name}/${c.id}: ${v}`).toBe(true);
        expect(c.stats.min).toBeLessThanOrEqual(c.stats.median);
        expect(c.stats.median).toBeLessThanOrEqual(c.stats.max);
        if (c.package !== undefined) expect(c.version).toMatch(/^\d+\.\d+\.\d+/);
      }
      expect(result.comparisons).toHaveLength(declared.comparisons.length);
      for (const cmp of result.comparisons) {
        expect(cmp.ratios).toHaveLength(result.reps);
        for (const r of cmp.ratios) expect(Number.isFinite(r)).toBe(true);
        // A quick run never claims a target was met or missed.
        expect(cmp.met).toBeNull();
      }
    }
  });

  it('writes one SVG chart per scenario and a REPORT.md that links them', () => {
    const markdown = readFileSync(path.join(outDir, 'REPORT.md'), 'utf8');
    expect(markdown).toContain('## Machine');
    expect(markdown).toContain(report.machine.cpuModel);
    for (const s of report.scenarios) {
      expect(s.chart).toBe(`charts/${s.name}.svg`);
      const svg = readFileSync(path.join(outDir, s.chart), 'utf8');
      expect(svg.startsWith('<svg')).toBe(true);
      expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
      expect(markdown).toContain(`](${s.chart})`);
    }
  });
});

describe('statistics', () => {
  it('computes median, quartiles and extremes', () => {
    expect(summarize([5, 1, 3])).toMatchObject({ n: 3, median: 3, min: 1, max: 5, mean: 3 });
    expect(summarize([1, 2, 3, 4]).median).toBe(2.5);
    expect(quantile([1, 2, 3, 4, 5], 0.25)).toBe(2);
    expect(quantile([10, 20], 0.75)).toBe(17.5);
  });

  it('pairs repetitions for ratios', () => {
    expect(pairedRatios([2, 9, 4], [1, 3, 8])).toEqual([2, 3, 0.5]);
  });
});

describe('command line', () => {
  it('parses the documented flags', () => {
    const o = parseArgs(['--filter', 'spawn', '--filter=timers', '--quick', '--reps', '3', '--warmup=0', '--out', 'x']);
    expect(o).toMatchObject({ filter: ['spawn', 'timers'], quick: true, reps: 3, warmup: 0, out: 'x', child: null });
  });

  it('rejects unknown flags and bad numbers', () => {
    expect(() => parseArgs(['--fast'])).toThrow(/unknown option --fast/);
    expect(() => parseArgs(['--reps', '0'])).toThrow(/--reps expects an integer ≥ 1/);
  });
});
