/** The demo's command-line flags. */
import { availableParallelism } from 'node:os';
import { parseArgs } from 'node:util';

/** Where CPU jobs run. */
export type Flavor = 'multi-thread' | 'current-thread';

/** Parsed and checked flags. */
export interface DemoOptions {
  /** How long the load generator sends requests, in milliseconds. */
  readonly durationMs: number;
  /** Concurrent client connections. */
  readonly concurrency: number;
  /** Where CPU jobs run: a multi-thread runtime, or the current-thread runtime's blocking pool. */
  readonly flavor: Flavor;
  /** Worker threads of the multi-thread runtime (and blocking threads of the current-thread one). */
  readonly workers: number;
  /** The server's per-request deadline, in milliseconds. */
  readonly deadlineMs: number;
  /** Seed of the request mix and of the simulated downstream. */
  readonly seed: number;
}

/** The help text. */
export const USAGE = `usage: npm start -- [--duration ms] [--concurrency n] [--flavor multi-thread|current-thread] [--workers n] [--deadline ms] [--seed n]

  --duration     how long the load generator runs, in ms (default 3000)
  --concurrency  concurrent client connections (default 8)
  --flavor       where CPU jobs run: multi-thread (default: its workers and its blocking pool),
                 or current-thread (the server runtime's blocking pool)
  --workers      worker threads for CPU jobs, and blocking threads (default: available parallelism, at least 2)
  --deadline     the server's per-request deadline, in ms (default 250)
  --seed         seed of the request mix (default 1)
  --help, -h     this text`;

/** Thrown for a bad flag; `main` prints it with the usage and exits with status 2. */
export class UsageError extends Error {}

function integer(name: string, raw: string, min: number, max: number): number {
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) throw new UsageError(`--${name} must be an integer from ${min} to ${max}, got '${raw}'`);
  return value;
}

/** Parses `argv` (without node and the script); `'help'` for `--help` / `-h`. Throws {@link UsageError}. */
export function parseOptions(argv: string[]): DemoOptions | 'help' {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        help: { type: 'boolean', short: 'h' },
        duration: { type: 'string', default: '3000' },
        concurrency: { type: 'string', default: '8' },
        flavor: { type: 'string', default: 'multi-thread' },
        workers: { type: 'string', default: String(Math.max(2, availableParallelism())) },
        deadline: { type: 'string', default: '250' },
        seed: { type: 'string', default: '1' },
      },
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help) return 'help';
  if (positionals.length > 0) {
    // `npm start --duration 5000` (without `--`): npm keeps the flag and passes the bare value.
    throw new UsageError(`unexpected argument '${positionals[0]}': flags start with -- and npm needs a -- before them (npm start -- --duration 5000)`);
  }
  const flavor = values.flavor;
  if (flavor !== 'multi-thread' && flavor !== 'current-thread') throw new UsageError(`--flavor must be multi-thread or current-thread, got '${flavor}'`);
  return {
    durationMs: integer('duration', values.duration, 100, 600_000),
    concurrency: integer('concurrency', values.concurrency, 1, 1_000),
    flavor,
    workers: integer('workers', values.workers, 1, 64),
    deadlineMs: integer('deadline', values.deadline, 10, 60_000),
    seed: integer('seed', values.seed, 0, 2 ** 31 - 1),
  };
}
