/** Number formatting shared by the table, the markdown report and the charts. */

/** A figure with about three significant digits, thousands separated by a thin space-free comma. */
export function formatValue(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  const abs = Math.abs(v);
  if (abs >= 1000) return Math.round(v).toLocaleString('en-US');
  if (abs >= 100) return v.toFixed(0);
  if (abs >= 10) return v.toFixed(1);
  if (abs >= 1) return v.toFixed(2);
  if (abs === 0) return '0';
  return v.toPrecision(2);
}

/** A ratio as `1.42×`. */
export function formatRatio(r: number): string {
  if (!Number.isFinite(r)) return `${r}×`;
  if (r >= 100) return `${r.toFixed(0)}×`;
  if (r >= 10) return `${r.toFixed(1)}×`;
  if (r >= 0.1) return `${r.toFixed(2)}×`;
  return `${r.toPrecision(2)}×`;
}

/** What a tide/peer ratio of a lower-is-better figure means, in words ("tide 2.5× faster"). */
export function describeRatio(r: number, words: { readonly better: string; readonly worse: string }): string {
  if (!Number.isFinite(r) || r <= 0) return '';
  if (r < 1) return `tide ${formatRatio(1 / r)} ${words.better}`;
  if (r > 1) return `tide ${formatRatio(r)} ${words.worse}`;
  return 'equal';
}
