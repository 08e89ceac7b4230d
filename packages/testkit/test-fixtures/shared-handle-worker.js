// Worker-thread side of the testkit's sharing cases (src/runtime-suite/sharing.ts). Plain
// JavaScript: worker threads load built code, so this file imports @tide/core from its dist and
// the suite's TaskRefs from the testkit's built dist/index.js (workerData.tasksUrl).
//
// workerData: { shared, scenario, tasksUrl, probe }. Posts one message: { report } or { error }.
import { parentPort, threadId, workerData } from 'node:worker_threads';
import { Handle } from '@tide/core';

const { shared, scenario, tasksUrl, probe } = workerData;

function code(error) {
  return typeof error?.code === 'string' ? error.code : (error?.name ?? String(error));
}

function attempt(fn) {
  try {
    fn();
    return 'ok';
  } catch (error) {
    return code(error);
  }
}

async function settle(promiseLike) {
  try {
    return { ok: true, value: await promiseLike };
  } catch (error) {
    return { ok: false, code: code(error), panic: error?.isPanic?.() === true, cancelled: error?.isCancelled?.() === true, cause: error?.cause?.message };
  }
}

async function main() {
  const tasks = await import(tasksUrl);
  const report = { threadId };

  // No runtime here until the shared handle is entered.
  report.currentBeforeEnter = attempt(() => Handle.current());
  report.tryCurrentBeforeEnter = Handle.tryCurrent().ok;
  const handle = Handle.fromShared(shared);
  report.sameHandleTwice = Handle.fromShared(shared) === handle;
  report.currentAfterFromShared = attempt(() => Handle.current());
  const guard = handle.enter();
  try {
    const current = Handle.current();
    report.current = { id: current.id, flavor: current.flavor, name: current.name ?? null, drivers: [...current.drivers] };

    switch (scenario) {
      case 'context':
        report.shareAgain = attempt(() => handle.share());
        break;
      case 'spawn': {
        // A closure cannot cross threads; a TaskRef can.
        report.spawnClosure = attempt(() => handle.spawn(function* () {}));
        const failing = handle.spawn(tasks.failNow, 'remote failure');
        const values = handle.spawn(tasks.addNumbers, 40, 2);
        const arrival = handle.spawn(tasks.signalArrival);
        report.failing = await settle(failing);
        report.values = await settle(values);
        report.arrival = await settle(arrival);
        break;
      }
      case 'spawn-probe': {
        report.setSlot = await settle(handle.spawn(tasks.setSlot, probe, 0, 7));
        break;
      }
      case 'blockOn': {
        report.blockOnWhere = handle.blockOn(tasks.whereAmIAfterYield);
        report.blockOnSum = handle.blockOn(tasks.yieldThenSum, [1, 2, 3]);
        report.blockOnSleep = attempt(() => handle.blockOn(tasks.sleepFor, 5));
        try {
          handle.blockOn(tasks.sleepFor, 5);
        } catch (error) {
          report.blockOnSleepMessage = error?.message;
        }
        report.blockOnFailure = attempt(() => handle.blockOn(tasks.failAfterYield, 'worker failure'));
        break;
      }
      default:
        throw new Error(`unknown scenario ${scenario}`);
    }
  } finally {
    guard[Symbol.dispose]();
  }
  report.currentAfterExit = attempt(() => Handle.current());
  return report;
}

main().then(
  (report) => parentPort.postMessage({ report }),
  (error) => parentPort.postMessage({ error: `${error?.stack ?? error}` }),
);
