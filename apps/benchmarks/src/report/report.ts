import type { MachineInfo } from '../harness/machine.js';
import type { ScenarioResult } from '../harness/runner.js';

/** Version of the `latest.json` layout; bump it when the shape changes. */
export const REPORT_SCHEMA = 1;

/** `results/latest.json`: everything one `npm run bench` measured. */
export interface BenchReport {
  readonly schema: typeof REPORT_SCHEMA;
  readonly tool: '@tide/benchmarks';
  readonly mode: 'full' | 'quick';
  /** The command-line options of the run. */
  readonly options: { readonly filter: readonly string[]; readonly reps: number | null; readonly warmup: number | null };
  readonly machine: MachineInfo;
  /** Versions of the peers (npm packages) that were measured. */
  readonly versions: Readonly<Record<string, string>>;
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly scenarios: readonly (ScenarioResult & {
    /** Path of the chart, relative to the report's directory. */
    readonly chart: string;
  })[];
}
