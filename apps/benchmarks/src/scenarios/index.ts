/**
 * The scenarios `npm run bench` knows, in run order. To add one, write a module in this folder
 * whose default export is `defineScenario({...})` and add one line here.
 */
import type { Scenario } from '../harness/scenario.js';
import blockOnRoundTrip from './blockon-roundtrip.js';
import ioEcho from './io-echo.js';
import memory from './memory.js';
import mtDispatch from './mt-dispatch.js';
import mtScaling from './mt-scaling.js';
import pingPong from './ping-pong.js';
import spawnJoin from './spawn-join.js';
import timersCancel from './timers-cancel.js';
import timersFire from './timers-fire.js';

export const scenarios: readonly Scenario[] = [
  spawnJoin,
  pingPong,
  timersCancel,
  timersFire,
  memory,
  mtDispatch,
  mtScaling,
  blockOnRoundTrip,
  ioEcho,
];
