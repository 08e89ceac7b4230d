/**
 * The scenarios `npm run bench` knows, in run order. To add one, write a module in this folder
 * whose default export is `defineScenario({...})` and add one line here.
 *
 * The modules are loaded on demand, never all up front: a scenario's peers (effect, effection,
 * piscina…) must not be in the process that measures another scenario. Loading effect, for
 * example, changes the process's malloc and GC behaviour enough to make raw `node:net` 3–6× slower
 * on 64 KiB messages (io-echo's own contenders therefore run in fresh processes, which load only
 * the io-echo module).
 */
import type { Scenario } from '../harness/scenario.js';

type Loader = () => Promise<{ default: Scenario }>;

const loaders: ReadonlyArray<readonly [name: string, load: Loader]> = [
  ['spawn-join', () => import('./spawn-join.js')],
  ['ping-pong', () => import('./ping-pong.js')],
  ['timers-cancel', () => import('./timers-cancel.js')],
  ['timers-fire', () => import('./timers-fire.js')],
  ['memory', () => import('./memory.js')],
  ['mt-dispatch', () => import('./mt-dispatch.js')],
  ['mt-scaling', () => import('./mt-scaling.js')],
  ['blockon-roundtrip', () => import('./blockon-roundtrip.js')],
  ['io-echo', () => import('./io-echo.js')],
  ['idle', () => import('./idle.js')],
];

/** Every scenario's name, in run order (without loading any scenario module). */
export const scenarioNames: readonly string[] = loaders.map(([name]) => name);

/** Loads the scenario called `name` (and only its module and that module's imports). */
export async function loadScenario(name: string): Promise<Scenario> {
  const entry = loaders.find(([n]) => n === name);
  if (entry === undefined) throw new Error(`unknown scenario ${name}; scenarios: ${scenarioNames.join(', ')}`);
  const scenario = (await entry[1]()).default;
  if (scenario.name !== name) throw new Error(`scenarios/index.ts lists ${name}, but its module declares ${scenario.name}`);
  return scenario;
}
