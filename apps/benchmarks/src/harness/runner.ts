import { spawn as spawnProcess } from 'node:child_process';
import type { ChildRequest } from '../cli.js';
import type { Params, RatioWords, RunContext, Sample, Scenario, Side } from './scenario.js';
import { pairedRatios, summarize, type Stats } from './stats.js';
import { packageVersion } from './machine.js';
import type { Progress } from './progress.js';

/** How to run scenarios (from the command line). */
export interface RunOptions {
  readonly quick: boolean;
  /** Overrides every scenario's measured repetitions. */
  readonly reps?: number;
  /** Overrides every scenario's warm-up repetitions. */
  readonly warmup?: number;
  /** The script to start for child-process measurements (this program's `dist/main.js`). */
  readonly mainScript: string;
  readonly progress: Progress;
}

/** One contender's measurements. */
export interface ContenderResult {
  readonly id: string;
  readonly label: string;
  readonly side: Side;
  readonly package?: string;
  readonly version?: string;
  /** True if each repetition ran in its own child process (see `Contender.isolate`). */
  readonly isolated: boolean;
  /** Measured repetitions in run order. */
  readonly samples: readonly number[];
  readonly stats: Stats;
  /** Secondary figures: per key, the samples and their summary. */
  readonly extra: Readonly<Record<string, { readonly samples: readonly number[]; readonly stats: Stats }>>;
}

/** One tide/peer ratio (lower-is-better figure, so < 1 means tide is better). */
export interface ComparisonResult {
  readonly tide: string;
  readonly peer: string;
  /** Per-repetition ratios tide[i] / peer[i] (the two ran back to back in repetition i). */
  readonly ratios: readonly number[];
  readonly stats: Stats;
  readonly target: { readonly maxRatio: number; readonly text: string } | null;
  /** Whether the median ratio meets the target; null without a target or under `--quick`. */
  readonly met: boolean | null;
}

/** Everything measured for one scenario. */
export interface ScenarioResult {
  readonly name: string;
  readonly title: string;
  readonly description: string;
  readonly unit: string;
  readonly ratioWords: RatioWords;
  readonly params: Params;
  readonly warmup: number;
  readonly reps: number;
  readonly durationMs: number;
  readonly contenders: readonly ContenderResult[];
  readonly comparisons: readonly ComparisonResult[];
}

declare const gc: (() => void) | undefined;

/** Collects garbage if `--expose-gc` is on, so one contender's garbage is not billed to the next. */
export function collectGarbage(): void {
  if (typeof gc === 'function') gc();
}

/**
 * Lets V8's background threads (concurrent compilation, sweeping after the `gc()`) finish the
 * previous contender's work before the next one is timed: scenarios that report process CPU time
 * (`process.cpuUsage()` counts every thread) would otherwise bill it to whoever runs next.
 */
function settleBackgroundWork(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
}

/** How long {@link settleBackgroundWork} waits. */
const SETTLE_MS = 50;

/**
 * Runs one scenario: `warmup` unmeasured rounds, then `reps` measured rounds; each round runs
 * every contender once, in declaration order (A, B, C, A, B, C, …), so tide and its peers see the
 * same machine state and ratios can be paired per round.
 */
export async function runScenario(scenario: Scenario, options: RunOptions): Promise<ScenarioResult> {
  const params = options.quick ? scenario.params.quick : scenario.params.full;
  const warmup = options.warmup ?? (options.quick ? 0 : (scenario.warmup ?? 2));
  const reps = Math.max(1, options.reps ?? (options.quick ? 2 : (scenario.reps ?? 7)));
  const ctx: RunContext = {
    quick: options.quick,
    runChild: (contender, childParams) =>
      runChild(options.mainScript, { scenario: scenario.name, contender, params: childParams, mode: 'hook', warmup: 0, quick: options.quick }),
  };
  const samples = new Map<string, Sample[]>(scenario.contenders.map((c) => [c.id, []]));
  const started = performance.now();
  const rounds = warmup + reps;
  for (let round = 0; round < rounds; round++) {
    const warming = round < warmup;
    for (const contender of scenario.contenders) {
      // An isolated contender warms up inside each of its child processes instead.
      if (warming && contender.isolate === true) continue;
      options.progress.update(
        scenario.name,
        warming ? `warm-up ${round + 1}/${warmup}` : `rep ${round - warmup + 1}/${reps}`,
        contender.id,
      );
      collectGarbage();
      await settleBackgroundWork();
      const sample =
        contender.isolate === true
          ? await runChild(options.mainScript, { scenario: scenario.name, contender: contender.id, params, mode: 'isolated', warmup, quick: options.quick })
          : toSample(await contender.run(params, ctx));
      if (!Number.isFinite(sample.value)) {
        throw new Error(`${scenario.name}/${contender.id}: measured a non-finite value (${sample.value})`);
      }
      if (!warming) samples.get(contender.id)!.push(sample);
    }
  }
  options.progress.done(scenario.name, `${reps} reps in ${((performance.now() - started) / 1000).toFixed(1)} s`);

  const contenders: ContenderResult[] = scenario.contenders.map((c) => {
    const list = samples.get(c.id)!;
    const values = list.map((s) => s.value);
    const extraKeys = new Set(list.flatMap((s) => Object.keys(s.extra ?? {})));
    const extra: Record<string, { samples: number[]; stats: Stats }> = {};
    for (const key of extraKeys) {
      const xs = list.map((s) => s.extra?.[key] ?? NaN);
      extra[key] = { samples: xs, stats: summarize(xs) };
    }
    return {
      id: c.id,
      label: c.label,
      side: c.side,
      ...(c.package !== undefined ? { package: c.package, version: packageVersion(c.package) ?? 'unknown' } : {}),
      isolated: c.isolate === true,
      samples: values,
      stats: summarize(values),
      extra,
    };
  });
  const byId = new Map(contenders.map((c) => [c.id, c]));
  const comparisons: ComparisonResult[] = scenario.comparisons.map((cmp) => {
    const tide = byId.get(cmp.tide);
    const peer = byId.get(cmp.peer);
    if (tide === undefined || peer === undefined) {
      throw new Error(`${scenario.name}: comparison ${cmp.tide} / ${cmp.peer} names an unknown contender`);
    }
    const ratios = pairedRatios(tide.samples, peer.samples);
    const stats = summarize(ratios);
    const target = cmp.target ?? null;
    return {
      tide: cmp.tide,
      peer: cmp.peer,
      ratios,
      stats,
      target,
      met: target === null || options.quick ? null : stats.median <= target.maxRatio,
    };
  });
  return {
    name: scenario.name,
    title: scenario.title,
    description: scenario.description,
    unit: scenario.unit,
    ratioWords: scenario.ratioWords ?? { better: 'faster', worse: 'slower' },
    params,
    warmup,
    reps,
    durationMs: performance.now() - started,
    contenders,
    comparisons,
  };
}

function toSample(raw: Sample | number): Sample {
  return typeof raw === 'number' ? { value: raw } : raw;
}

/** Marker line a child process prints before its JSON sample. */
export const CHILD_RESULT_MARKER = '@@tide-bench-sample ';

/**
 * The child side of {@link runChild}: runs the scenario's `child` hook, or the contender's own `run`
 * after `warmup` unmeasured runs, and returns the sample to print.
 */
export async function runChildRequest(scenario: Scenario, request: ChildRequest): Promise<Sample> {
  if (scenario.name !== request.scenario) throw new Error(`--child: asked for ${request.scenario}, given ${scenario.name}`);
  if (request.mode === 'hook') {
    if (scenario.child === undefined) throw new Error(`--child: scenario ${request.scenario} has no child hook`);
    return scenario.child(request.contender, request.params);
  }
  const contender = scenario.contenders.find((c) => c.id === request.contender);
  if (contender === undefined) throw new Error(`--child: scenario ${request.scenario} has no contender ${request.contender}`);
  const ctx: RunContext = {
    quick: request.quick,
    runChild: () => Promise.reject(new Error('an isolated contender cannot start child processes')),
  };
  for (let i = 0; i < request.warmup; i++) {
    collectGarbage();
    await contender.run(request.params, ctx);
  }
  collectGarbage();
  return toSample(await contender.run(request.params, ctx));
}

/** Runs one measurement in `node --expose-gc main.js --child <request>` and returns its sample. */
function runChild(mainScript: string, request: ChildRequest): Promise<Sample> {
  const what = `${request.scenario}/${request.contender}`;
  return new Promise<Sample>((resolve, reject) => {
    const child = spawnProcess(process.execPath, ['--expose-gc', mainScript, '--child', JSON.stringify(request)], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      const line = stdout.split('\n').find((l) => l.startsWith(CHILD_RESULT_MARKER));
      if (code !== 0 || line === undefined) {
        reject(new Error(`${what}: child process failed (code ${code}, signal ${signal}):\n${stderr || stdout}`));
        return;
      }
      resolve(JSON.parse(line.slice(CHILD_RESULT_MARKER.length)) as Sample);
    });
  });
}
