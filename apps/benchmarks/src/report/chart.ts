/**
 * One chart per scenario: each tide/peer ratio as a point (median of the paired repetitions) with
 * min–max whiskers and its target, rendered to a plain SVG file by Vega-Lite + Vega in Node (the
 * SVG renderer needs no canvas), so GitHub shows it inline.
 */
import type { TopLevelSpec } from 'vega-lite';
import type { ScenarioResult } from '../harness/runner.js';
import { describeRatio, formatRatio } from './format.js';

interface Row {
  comparison: string;
  median: number;
  min: number;
  max: number;
  q1: number;
  q3: number;
  target: number | null;
  status: 'target met' | 'target missed' | 'no target' | 'quick run';
  label: string;
}

const STATUS_COLORS: readonly (readonly [Row['status'], string])[] = [
  ['target met', '#2e7d32'],
  ['target missed', '#c62828'],
  ['no target', '#1565c0'],
  ['quick run', '#757575'],
];

function rowsOf(result: ScenarioResult, quick: boolean): Row[] {
  return result.comparisons.map((c) => ({
    comparison: `${c.tide} / ${c.peer}`,
    median: c.stats.median,
    min: c.stats.min,
    max: c.stats.max,
    q1: c.stats.q1,
    q3: c.stats.q3,
    target: c.target?.maxRatio ?? null,
    status: quick && c.target !== null ? 'quick run' : c.met === null ? 'no target' : c.met ? 'target met' : 'target missed',
    label: `${formatRatio(c.stats.median)}: ${describeRatio(c.stats.median, result.ratioWords)}`,
  }));
}

/** The Vega-Lite spec of a scenario's chart (exported for tests and for anyone restyling it). */
export function chartSpec(result: ScenarioResult, quick: boolean): TopLevelSpec {
  const rows = rowsOf(result, quick);
  const values = rows.flatMap((r) => [r.min, r.max, r.median, ...(r.target !== null ? [r.target] : [])]);
  values.push(1);
  const positive = values.every((v) => v > 0 && Number.isFinite(v));
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  const scale = positive
    ? { type: 'log' as const, domain: [lo / 1.6, hi * 1.6], nice: false }
    : { type: 'linear' as const, zero: true };
  const present = new Set(rows.map((r) => r.status));
  const statuses = STATUS_COLORS.filter(([status]) => present.has(status));
  const y = { field: 'comparison', type: 'nominal' as const, title: null, sort: null, axis: { labelLimit: 260 } };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: {
      text: `${result.name}: tide ${result.unit} ÷ peer ${result.unit}`,
      subtitle: [
        `${result.title}.`,
        `Below 1 = tide better. Point: median of ${result.reps} paired reps;`,
        'whiskers: min–max; grey bar: IQR; black tick: target; dashed: parity.',
      ],
      anchor: 'start',
      fontSize: 14,
      subtitleFontSize: 11,
    },
    width: 520,
    height: { step: 34 },
    background: 'white',
    padding: 12,
    data: { values: rows },
    layer: [
      {
        // Parity: a vertical line across all rows (no y encoding).
        mark: { type: 'rule', strokeDash: [4, 4], color: '#888' },
        encoding: { x: { datum: 1, type: 'quantitative', scale } },
      },
      {
        mark: { type: 'rule', strokeWidth: 1.5, color: '#555' },
        encoding: {
          y,
          x: { field: 'min', type: 'quantitative', scale, title: `ratio tide ÷ peer (${scale.type} scale)` },
          x2: { field: 'max' },
        },
      },
      {
        mark: { type: 'bar', height: 8, opacity: 0.35, color: '#555' },
        encoding: { y, x: { field: 'q1', type: 'quantitative', scale }, x2: { field: 'q3' } },
      },
      {
        transform: [{ filter: 'datum.target !== null' }],
        mark: { type: 'tick', thickness: 3, size: 22, color: 'black' },
        encoding: { y, x: { field: 'target', type: 'quantitative', scale } },
      },
      {
        mark: { type: 'point', filled: true, size: 90, opacity: 1 },
        encoding: {
          y,
          x: { field: 'median', type: 'quantitative', scale },
          color: {
            field: 'status',
            type: 'nominal',
            scale: { domain: statuses.map((s) => s[0]), range: statuses.map((s) => s[1]) },
            legend: { title: null, orient: 'bottom' },
          },
        },
      },
      {
        mark: { type: 'text', align: 'left', dx: 8, dy: -11, fontSize: 11 },
        encoding: { y, x: { field: 'median', type: 'quantitative', scale }, text: { field: 'label' } },
      },
    ],
  };
}

/** Renders a scenario's chart to an SVG document. */
export async function renderChart(result: ScenarioResult, quick: boolean): Promise<string> {
  // Loaded on first use: child-process measurements start this program too and never draw.
  const [vega, vegaLite] = await Promise.all([import('vega'), import('vega-lite')]);
  const { spec } = vegaLite.compile(chartSpec(result, quick));
  const view = new vega.View(vega.parse(spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
