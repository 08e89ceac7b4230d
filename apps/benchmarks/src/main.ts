/**
 * `npm run bench`: runs the scenarios, prints a table on stdout (progress goes to stderr) and
 * writes latest.json, REPORT.md and one SVG chart per scenario.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs, USAGE } from './cli.js';
import { machineInfo } from './harness/machine.js';
import { stderrProgress } from './harness/progress.js';
import { CHILD_RESULT_MARKER, runChildRequest, runScenario, type ScenarioResult } from './harness/runner.js';
import { renderChart } from './report/chart.js';
import { formatMarkdown } from './report/markdown.js';
import { REPORT_SCHEMA, type BenchReport } from './report/report.js';
import { formatTable } from './report/table.js';
import { loadScenario, scenarioNames } from './scenarios/index.js';

/** apps/benchmarks (this file is apps/benchmarks/dist/main.js once built). */
const appDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

async function main(argv: readonly string[]): Promise<void> {
  const options = parseArgs(argv);
  if (options.help) {
    process.stdout.write(USAGE);
    return;
  }
  if (options.child !== null) {
    // Only the requested scenario's module is loaded: the child measures without the other
    // scenarios' peers in its process.
    const sample = await runChildRequest(await loadScenario(options.child.scenario), options.child);
    process.stdout.write(`${CHILD_RESULT_MARKER}${JSON.stringify(sample)}\n`);
    return;
  }
  const selected = scenarioNames.filter((name) => options.filter.length === 0 || options.filter.some((f) => name.includes(f)));
  if (selected.length === 0) {
    throw new Error(`--filter ${options.filter.join(', ')} matches no scenario; scenarios: ${scenarioNames.join(', ')}`);
  }
  const outDir = path.resolve(options.out ?? path.join(appDir, 'results'));
  const mainScript = fileURLToPath(import.meta.url);
  const progress = stderrProgress();
  const startedAt = new Date().toISOString();
  process.stderr.write(
    `tide benchmarks: ${selected.join(', ')}${options.quick ? ' (quick)' : ''}` +
      `${typeof (globalThis as { gc?: unknown }).gc === 'function' ? '' : ' — warning: run with --expose-gc for steadier numbers'}\n`,
  );

  const results: ScenarioResult[] = [];
  for (const name of selected) {
    // Each scenario's module (and its peers) is loaded when its turn comes, not before.
    results.push(
      await runScenario(await loadScenario(name), {
        quick: options.quick,
        ...(options.reps !== null ? { reps: options.reps } : {}),
        ...(options.warmup !== null ? { warmup: options.warmup } : {}),
        mainScript,
        progress,
      }),
    );
  }
  const finishedAt = new Date().toISOString();

  process.stdout.write(`\n${formatTable(results, options.quick)}`);

  await mkdir(path.join(outDir, 'charts'), { recursive: true });
  const withCharts = [];
  for (const result of results) {
    const chart = `charts/${result.name}.svg`;
    await writeFile(path.join(outDir, chart), await renderChart(result, options.quick));
    withCharts.push({ ...result, chart });
  }
  const versions: Record<string, string> = {};
  for (const r of results) for (const c of r.contenders) if (c.package !== undefined && c.version !== undefined) versions[c.package] = c.version;
  const report: BenchReport = {
    schema: REPORT_SCHEMA,
    tool: '@tide/benchmarks',
    mode: options.quick ? 'quick' : 'full',
    options: { filter: options.filter, reps: options.reps, warmup: options.warmup },
    machine: machineInfo(),
    versions,
    startedAt,
    finishedAt,
    scenarios: withCharts,
  };
  await writeFile(path.join(outDir, 'latest.json'), `${JSON.stringify(report, null, 2)}\n`);
  await writeFile(path.join(outDir, 'REPORT.md'), formatMarkdown(report));
  process.stderr.write(`wrote ${path.relative(process.cwd(), outDir) || '.'}/{latest.json,REPORT.md,charts/*.svg}\n`);
}

main(process.argv.slice(2)).catch((error: unknown) => {
  process.stderr.write(`\n${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
