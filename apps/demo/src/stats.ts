/** Latency samples and their percentiles. */
export class Latencies {
  private readonly samples: number[] = [];

  /** Adds one sample, in milliseconds. */
  add(ms: number): void {
    this.samples.push(ms);
  }

  /** How many samples. */
  get count(): number {
    return this.samples.length;
  }

  /** The `p`-th percentile (0–100, nearest rank), or NaN without samples. */
  percentile(p: number): number {
    if (this.samples.length === 0) return Number.NaN;
    const sorted = [...this.samples].sort((a, b) => a - b);
    const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
    return sorted[rank]!;
  }
}

/** Formats milliseconds for the summary. */
export function ms(value: number): string {
  if (Number.isNaN(value)) return '—';
  return value < 10 ? value.toFixed(2) : value < 100 ? value.toFixed(1) : value.toFixed(0);
}
