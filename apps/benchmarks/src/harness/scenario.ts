/**
 * What a scenario module exports: its contenders (tide variants and peers), how they compare, and
 * the sizes for a full run and for `--quick`. Adding a scenario is one module in `src/scenarios/`
 * plus one line in `src/scenarios/index.ts`.
 */

/** Which side of a comparison a contender is on. */
export type Side = 'tide' | 'peer';

/** Sizes of a scenario (task counts, message counts, spreads in ms…). */
export type Params = Readonly<Record<string, number>>;

/** One repetition's measurement: `value` in the scenario's unit (lower is better), plus details. */
export interface Sample {
  readonly value: number;
  /** Secondary figures of the same repetition (for example wall time next to CPU time). */
  readonly extra?: Readonly<Record<string, number>>;
}

/** What a contender's `run` can use. */
export interface RunContext {
  /** True under `--quick`. */
  readonly quick: boolean;
  /** Runs this scenario's `child` hook for `contender` in a fresh `node --expose-gc` process. */
  runChild(contender: string, params: Params): Promise<Sample>;
}

/** One thing measured: a tide variant or a peer. */
export interface Contender<P extends Params> {
  /** Short id, used in tables, ratios and JSON (`tide-gen`, `native`, `effect`). */
  readonly id: string;
  /** What exactly runs, in a few words. */
  readonly label: string;
  readonly side: Side;
  /** npm package whose version is reported next to the contender (peers). */
  readonly package?: string;
  /**
   * Run every repetition in a fresh child process (with the scenario's warm-up runs first, in that
   * child) instead of in the benchmark process. For contenders that change process-wide state and
   * would tax the contenders measured after them — for example tide's async tasks, which use
   * AsyncLocalStorage and so turn on Node 20's promise hooks for every later promise.
   */
  readonly isolate?: boolean;
  /**
   * One repetition. Measures its own region (wall time, CPU time, heap) so that setup stays out
   * of it, checks that the work really happened (throws if not), and returns the figure.
   */
  run(params: P, ctx: RunContext): Promise<Sample | number>;
}

/** Words for a tide/peer ratio below 1 (`better`) and above 1 (`worse`). */
export interface RatioWords {
  readonly better: string;
  readonly worse: string;
}

/** A tide/peer ratio to report, optionally with its DESIGN.md §6 target. */
export interface Comparison {
  readonly tide: string;
  readonly peer: string;
  /** The ratio tide/peer (of a lower-is-better figure) must be at most `maxRatio`. */
  readonly target?: { readonly maxRatio: number; readonly text: string };
}

/** A benchmark scenario. */
export interface Scenario<P extends Params = Params> {
  /** Kebab-case name saying what is measured; `--filter` matches substrings of it. */
  readonly name: string;
  readonly title: string;
  /** What the scenario does, precisely enough to judge the numbers (markdown). */
  readonly description: string;
  /** Unit of every contender's value; lower is always better. */
  readonly unit: string;
  /** How a ratio below / above 1 reads ("tide 3× faster"); default `faster` / `slower`. */
  readonly ratioWords?: RatioWords;
  readonly params: { readonly full: P; readonly quick: P };
  /** Unmeasured repetitions before the measured ones (default 2; 0 under `--quick`). */
  readonly warmup?: number;
  /** Measured repetitions (default 7; 2 under `--quick`; `--reps` overrides). */
  readonly reps?: number;
  readonly contenders: readonly Contender<P>[];
  readonly comparisons: readonly Comparison[];
  /**
   * Runs in a child process started by {@link RunContext.runChild} (`--expose-gc` is set), for
   * measurements that need a fresh heap.
   */
  readonly child?: (contender: string, params: P) => Promise<Sample>;
}

/** Declares a scenario with typed params; the registry holds them type-erased. */
export function defineScenario<P extends Params>(scenario: Scenario<P>): Scenario {
  return scenario as unknown as Scenario;
}

/** Wall-clock milliseconds of `fn` (synchronous). */
export function timeSync<T>(fn: () => T): { ms: number; value: T } {
  const start = performance.now();
  const value = fn();
  return { ms: performance.now() - start, value };
}

/** Wall-clock milliseconds of `fn` (awaited). */
export async function timeAsync<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const start = performance.now();
  const value = await fn();
  return { ms: performance.now() - start, value };
}

/** Throws unless `actual === expected`: every contender proves it did the work it is timed for. */
export function check(what: string, actual: unknown, expected: unknown): void {
  if (actual !== expected) throw new Error(`${what}: expected ${String(expected)}, got ${String(actual)}`);
}

/** Sum of 0..n-1, the value the task workloads must produce. */
export function sumBelow(n: number): number {
  return (n * (n - 1)) / 2;
}
