/** Command-line options of `npm run bench`. */
export interface CliOptions {
  /** Substrings of scenario names to run (all when empty). */
  readonly filter: readonly string[];
  readonly quick: boolean;
  readonly reps: number | null;
  readonly warmup: number | null;
  /** Directory for latest.json, REPORT.md and charts/ (default: the app's results/). */
  readonly out: string | null;
  readonly help: boolean;
  /** Internal: `--child <json>` runs one measurement in this (child) process. */
  readonly child: ChildRequest | null;
}

/** What a child process measures (sent as `--child <json>`). */
export interface ChildRequest {
  readonly scenario: string;
  readonly contender: string;
  readonly params: Record<string, number>;
  /** `hook`: the scenario's `child` hook; `isolated`: the contender's own `run` after `warmup` unmeasured runs. */
  readonly mode: 'hook' | 'isolated';
  readonly warmup: number;
  readonly quick: boolean;
}

export const USAGE = `Usage: npm run bench [-w @tide/benchmarks] -- [options]

  --filter <substring>  run only scenarios whose name contains it (repeatable)
  --quick               tiny sizes, 2 reps, no warm-up: proves every scenario runs (CI); asserts nothing about speed
  --reps <N>            measured repetitions per contender (default: per scenario, mostly 7)
  --warmup <N>          unmeasured warm-up repetitions (default: per scenario, mostly 2)
  --out <dir>           where to write latest.json, REPORT.md and charts/ (default: apps/benchmarks/results)
  --help                this text
`;

function positiveInt(flag: string, value: string | undefined, min: number): number {
  const n = Number(value);
  if (value === undefined || !Number.isInteger(n) || n < min) throw new Error(`${flag} expects an integer ≥ ${min}, got ${value ?? 'nothing'}`);
  return n;
}

/** Parses `argv` (without node and the script). Throws on unknown or malformed flags. */
export function parseArgs(argv: readonly string[]): CliOptions {
  const filter: string[] = [];
  let quick = false;
  let reps: number | null = null;
  let warmup: number | null = null;
  let out: string | null = null;
  let help = false;
  let child: CliOptions['child'] = null;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const [flag, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = (): string | undefined => inline ?? argv[++i];
    switch (flag) {
      case '--filter': {
        const v = value();
        if (v === undefined || v === '') throw new Error('--filter expects a scenario name substring');
        filter.push(v);
        break;
      }
      case '--quick':
        quick = true;
        break;
      case '--reps':
        reps = positiveInt('--reps', value(), 1);
        break;
      case '--warmup':
        warmup = positiveInt('--warmup', value(), 0);
        break;
      case '--out': {
        const v = value();
        if (v === undefined || v === '') throw new Error('--out expects a directory');
        out = v;
        break;
      }
      case '--help':
      case '-h':
        help = true;
        break;
      case '--child': {
        const v = value();
        if (v === undefined) throw new Error('--child expects a JSON request');
        child = JSON.parse(v) as ChildRequest;
        break;
      }
      default:
        throw new Error(`unknown option ${arg}\n\n${USAGE}`);
    }
  }
  return { filter, quick, reps, warmup, out, help, child };
}
