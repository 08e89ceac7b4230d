import { describe, expect } from 'vitest';
import { runModuleInChild, type ChildResult } from '../support/child-process.js';
import { TASKS_URL } from '../tasks.js';
import type { SuiteContext } from './suite-context.js';

/** How long a child process may take to exit on its own (generous: a whole Node start-up plus the work). */
const EXIT_BOUND_MS = 20_000;

/** The child exited by itself with status 0, wrote nothing to stderr, and printed exactly `stdout`. */
function expectCleanExit(result: ChildResult, stdout: string): void {
  // One comparison, so a failure shows everything the child did (how far it got before a hang).
  expect(result).toEqual({ stderr: '', timedOut: false, code: 0, stdout });
}

/**
 * The runtime never holds the process open by itself (DESIGN.md §3: "A shut-down runtime leaves
 * no handle that keeps Node alive"; the blocking pool's threads are unref'd). Each case runs a
 * fresh `node --input-type=module -e` process that loads the flavor's plain-JavaScript module
 * ({@link RuntimeFactory.moduleUrl}) and the built testkit, and asserts it exits on its own.
 */
export function processExitCases(ctx: SuiteContext): void {
  const { factory, it } = ctx;
  const moduleUrl = factory.moduleUrl;

  const script = (body: string): string =>
    [
      `const { build } = await import(${JSON.stringify(moduleUrl)});`,
      `const tasks = await import(${JSON.stringify(TASKS_URL)});`,
      'const probe = new Int32Array(new SharedArrayBuffer(64));',
      body,
    ].join('\n');

  /** Runs `body` in a fresh process (with `build`, `tasks` and `probe` in scope) and expects a clean exit printing `stdout`. */
  const exitsCleanly = async (body: string, stdout: string): Promise<void> => {
    expectCleanExit(await runModuleInChild(script(body), EXIT_BOUND_MS), stdout);
  };

  describe.runIf(moduleUrl !== undefined)('process lifetime', () => {
    it('after the runtime is dropped, a process with nothing else to do exits on its own', async () => {
      await exitsCleanly(
        `
          const rt = build({ time: { startPaused: false }, threadKeepAliveMs: 600000 });
          rt.handle.spawn(tasks.sleepForever, probe, 0, 1);
          console.log('slept', rt.blockOn(tasks.sleepFor, 5) >= 5);
          console.log('blocking', rt.blockOn(tasks.viaSpawnBlocking, 'addNumbers', [1, 2]));
          rt.handle.share();
          // Dropped (Tokio's drop(rt)), which returns once the task's finally block ran; a
          // shutdownTimeout(0) may return before a worker thread got there.
          if (rt.drop !== undefined) rt.drop();
          else rt.shutdown(Infinity);
          console.log('finally blocks', Atomics.load(probe, 1));
        `,
        'slept true\nblocking 3\nfinally blocks 1\n',
      );
    });

    it('idle blocking threads never keep the process alive, even with a long keep-alive and no shutdown', async () => {
      await exitsCleanly(
        `
          const rt = build({ time: false, maxBlockingThreads: 3, threadKeepAliveMs: 600000 });
          const seen = rt.blockOn(tasks.blockingGrowth, probe, 3);
          console.log('threads', seen.threadsDuring, rt.handle.metrics().numBlockingThreads);
        `,
        'threads 3 3\n',
      );
    });

    // Host code awaiting a spawnBlocking handle while nobody drives the runtime (Tokio completes a
    // spawn_blocking handle whether or not its runtime is driven): the await settles, and keeps
    // the process alive until then. A process that exited first ends with code 13 (unsettled
    // top-level await) or prints nothing.
    it('host code awaiting spawnBlocking, with nobody driving the runtime, gets the value', async () => {
      // Ordinary tasks still wait for someone to drive a runtime that is driven by its caller.
      await exitsCleanly(
        `
          const rt = build({ time: false });
          rt.handle.spawn(tasks.setSlot, probe, 0, 1);
          console.log('value', await rt.handle.spawnBlocking(tasks.addNumbers, 2, 40));
          ${factory.drivenByCaller === true ? "console.log('spawned task ran', Atomics.load(probe, 0));" : ''}
        `,
        factory.drivenByCaller === true ? 'value 42\nspawned task ran 0\n' : 'value 42\n',
      );
    });

    it('host code awaiting a failing spawnBlocking task gets its panic JoinError', async () => {
      await exitsCleanly(
        `
          const rt = build({ time: false });
          try {
            await rt.handle.spawnBlocking(tasks.failNow, 'boom');
            console.log('no error');
          } catch (error) {
            console.log(error.name, error.code, error.isPanic(), error.cause.message);
          }
        `,
        'JoinError E_JOIN true boom\n',
      );
    });

    it('an awaited spawnBlocking handle keeps the process alive until it settles (no top-level await)', async () => {
      await exitsCleanly(
        `
          const rt = build({ time: false });
          rt.handle.spawnBlocking(tasks.blockingSleep, 200).then((ms) => console.log('slept', ms), (error) => console.log('failed', error));
        `,
        'slept 200\n',
      );
    });

    // A blocking task nobody awaits, with no shutdown: the flavors differ on purpose. A runtime
    // driven by its caller (current-thread) holds the process for nothing it was not asked to
    // wait for: its pool's threads are unref'd (DESIGN.md §3), its spawned tasks sit until driven.
    // A runtime that drives itself (multi-thread) holds the process while any of its work is in
    // flight, spawned or blocking — as Node holds it for a pending fs call, and as dropping a Tokio
    // runtime waits for its blocking tasks. After shutdown neither holds it (next cases).
    it('a spawnBlocking task nobody awaits holds the process only on a runtime that drives itself, until it finishes', async () => {
      await exitsCleanly(
        `
          const rt = build({ time: false });
          rt.handle.spawnBlocking(tasks.blockingGate, probe, 0, 1);
          // Unref'd: it fires only if something else holds the process; it lets the task finish.
          setTimeout(() => Atomics.store(probe, 1, 1), 100).unref();
          process.on('exit', () => console.log('held until it finished', Atomics.load(probe, 1) === 1));
        `,
        `held until it finished ${factory.drivenByCaller !== true}\n`,
      );
    });

    it('after shutdown, a blocking task that never finishes does not hold the process', async () => {
      await exitsCleanly(
        `
          const rt = build({ time: false });
          rt.handle.spawnBlocking(tasks.blockingGate, probe, 0, 1);
          while (Atomics.load(probe, 0) === 0) Atomics.wait(probe, 0, 0, 10);
          rt.shutdown(50);
          // The task would block its thread for 30 s more (longer than the child may live).
          console.log('shut down, gate still closed', Atomics.load(probe, 1) === 0);
        `,
        'shut down, gate still closed true\n',
      );
    });

    it.runIf(factory.drivenByCaller === true)('a spawnBlocking task nobody awaits does not keep the process alive, before or after an awaited one settled', async () => {
      await exitsCleanly(
        `
          const rt = build({ time: false, maxBlockingThreads: 2 });
          rt.handle.spawnBlocking(tasks.blockingGate, probe, 0, 1);
          console.log('value', await rt.handle.spawnBlocking(tasks.addNumbers, 1, 2), 'gate', Atomics.load(probe, 1));
        `,
        'value 3 gate 0\n',
      );
    });

    it('a blockOn started while host code awaits a spawnBlocking handle: the handle settles once, with its value', async () => {
      await exitsCleanly(
        `
          const rt = build({ time: false, maxBlockingThreads: 1 });
          const handle = rt.handle.spawnBlocking(tasks.blockingGate, probe, 0, 1);
          let deliveries = 0;
          const awaited = handle.then((value) => { deliveries++; return typeof value; });
          Atomics.store(probe, 1, 1);
          const inner = rt.blockOn(tasks.viaSpawnBlocking, 'addNumbers', [1, 2]);
          // Whether the handle settled inside the blockOn is not asserted: on multi-thread each
          // worker has its own blocking pool, so the inner task need not queue behind the gate.
          console.log('blockOn', inner, 'deliveries', deliveries);
          console.log('awaited', await awaited, 'deliveries', deliveries);
          console.log('again', await rt.handle.spawnBlocking(tasks.addNumbers, 2, 3));
        `,
        'blockOn 3 deliveries 0\nawaited number deliveries 1\nagain 5\n',
      );
    });

    it('a host-driven run() started while host code awaits a spawnBlocking handle: both settle', async (context) => {
      const probeRuntime = ctx.build({ time: false });
      if (probeRuntime.run === undefined) return context.skip();
      await exitsCleanly(
        `
          const rt = build({ time: false, maxBlockingThreads: 1 });
          const handle = rt.handle.spawnBlocking(tasks.blockingGate, probe, 0, 1);
          let deliveries = 0;
          const awaited = handle.then((value) => { deliveries++; return typeof value; });
          Atomics.store(probe, 1, 1);
          console.log('run', await rt.run(tasks.viaSpawnBlocking, 'addNumbers', [1, 2]), 'settled', handle.isFinished());
          console.log('awaited', await awaited, 'deliveries', deliveries);
        `,
        'run 3 settled true\nawaited number deliveries 1\n',
      );
    });

    it('a host-driven run() keeps the process alive while its timer is pending, then lets it exit', async (context) => {
      const probeRuntime = ctx.build({ time: false });
      if (probeRuntime.run === undefined) return context.skip();
      await exitsCleanly(
        `
          const rt = build({ time: { startPaused: false } });
          rt.run(tasks.asyncSleep, 30).then((ms) => console.log('slept', ms >= 30), (error) => console.log('failed', error));
        `,
        'slept true\n',
      );
    });
  });
}
