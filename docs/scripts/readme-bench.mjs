// @ts-check
/**
 * Keeps the benchmark table of the root README in sync with the latest benchmark run: renders
 * `apps/benchmarks/results/latest.json` (written by `npm run bench`) as a Markdown table between
 * the markers `<!-- bench:start -->` and `<!-- bench:end -->` of README.md.
 *
 *   node docs/scripts/readme-bench.mjs           rewrite the section (`npm run readme:bench`)
 *   node docs/scripts/readme-bench.mjs --check   exit 1 if the section is out of date
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '../..');
export const README = resolve(ROOT, 'README.md');
export const LATEST = resolve(ROOT, 'apps/benchmarks/results/latest.json');
const START = '<!-- bench:start -->';
const END = '<!-- bench:end -->';

/**
 * @typedef {{ median: number, min: number, max: number }} Stats
 * @typedef {{ tide: string, peer: string, stats: Stats, target: { text: string } | null, met: boolean | null }} Comparison
 * @typedef {{ name: string, title: string, ratioWords: { better: string, worse: string }, comparisons: Comparison[] }} Scenario
 * @typedef {{ mode: string, machine: { cpuModel: string, cores: number, node: string, date: string, commit?: string }, scenarios: Scenario[] }} Report
 */

/**
 * A ratio as `1.42×` (as the benchmarks' own report writes it).
 * @param {number} r
 */
export function formatRatio(r) {
  if (!Number.isFinite(r)) return `${r}×`;
  if (r >= 100) return `${r.toFixed(0)}×`;
  if (r >= 10) return `${r.toFixed(1)}×`;
  if (r >= 0.1) return `${r.toFixed(2)}×`;
  return `${r.toPrecision(2)}×`;
}

/**
 * What a tide ÷ peer ratio of a lower-is-better figure means, in words.
 * @param {number} r
 * @param {{ better: string, worse: string }} words
 */
export function describeRatio(r, words) {
  if (!Number.isFinite(r) || r <= 0) return '';
  if (r < 1) return `tide ${formatRatio(1 / r)} ${words.better}`;
  if (r > 1) return `tide ${formatRatio(r)} ${words.worse}`;
  return 'equal';
}

/**
 * The README section for a report (without the markers).
 * @param {Report} report
 */
export function renderSection(report) {
  const m = report.machine;
  const lines = [
    '',
    `Latest \`npm run bench\`${report.mode === 'quick' ? ' (**--quick**: tiny sizes, not meaningful)' : ''}: ${m.cpuModel}, ${m.cores} cores, ` +
      `Node.js ${m.node}, ${m.date.slice(0, 10)}${m.commit ? `, commit ${m.commit}` : ''}. tide and its peers run interleaved in one process; ` +
      'each ratio is the median of per-round ratios tide ÷ peer of a lower-is-better figure, so **below 1× means tide is better**. ' +
      'Charts and every figure: [REPORT.md](apps/benchmarks/results/REPORT.md).',
    '',
    '| scenario | tide ÷ peer | ratio | meaning | target (DESIGN.md §6) | met |',
    '|---|---|---:|---|---|:-:|',
  ];
  for (const s of report.scenarios) {
    for (const c of s.comparisons) {
      const met = c.met === null || c.target === null ? '—' : c.met ? '✅' : '❌';
      lines.push(
        `| ${s.name} | ${c.tide} ÷ ${c.peer} | ${formatRatio(c.stats.median)} | ${describeRatio(c.stats.median, s.ratioWords)} | ${c.target?.text ?? '—'} | ${met} |`,
      );
    }
  }
  lines.push('');
  lines.push('<sub>Generated from `apps/benchmarks/results/latest.json` by `npm run readme:bench`; `npm test` checks it is in sync.</sub>');
  lines.push('');
  return lines.join('\n');
}

/**
 * README text with its benchmark section replaced.
 * @param {string} readme
 * @param {Report} report
 */
export function withSection(readme, report) {
  const start = readme.indexOf(START);
  const end = readme.indexOf(END);
  if (start < 0 || end < start) throw new Error(`README.md has no ${START} … ${END} section`);
  return readme.slice(0, start + START.length) + renderSection(report) + readme.slice(end);
}

/** @returns {Report} */
export function readLatest() {
  /** @type {unknown} */
  const parsed = JSON.parse(readFileSync(LATEST, 'utf8'));
  return /** @type {Report} */ (parsed);
}

function main() {
  const readme = readFileSync(README, 'utf8');
  const expected = withSection(readme, readLatest());
  if (process.argv.includes('--check')) {
    if (expected !== readme) {
      console.error('README.md: the benchmark section is out of date with apps/benchmarks/results/latest.json; run `npm run readme:bench`');
      return 1;
    }
    console.log('README.md: the benchmark section matches apps/benchmarks/results/latest.json');
    return 0;
  }
  if (expected !== readme) writeFileSync(README, expected);
  console.log(expected !== readme ? 'README.md: benchmark section updated' : 'README.md: benchmark section already up to date');
  return 0;
}

if (process.argv[1] === import.meta.filename) process.exitCode = main();
