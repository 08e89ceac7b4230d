import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { Parker, PARKER_EMPTY, PARKER_NOTIFIED, PARKER_PARKED, unparkParker } from '../parker.js';
import { workerExecArgv } from './worker-exec-argv.js';

describe('parker protocol (@tide/core/parker)', () => {
  it('unparkParker over a parker\'s buffer is Parker.unpark: remembered until the next park', () => {
    const parker = new Parker();
    const state = new Int32Array(parker.buffer);
    expect(Atomics.load(state, 0)).toBe(PARKER_EMPTY);
    unparkParker(state);
    expect(Atomics.load(state, 0)).toBe(PARKER_NOTIFIED);
    expect(parker.notified).toBe(true);
    expect(parker.park(0)).toBe(true);
    expect(Atomics.load(state, 0)).toBe(PARKER_EMPTY);
    expect(parker.park(0)).toBe(false);
    expect(PARKER_PARKED).toBe(1);
  });

  it('wakes a thread parked with Atomics.wait', async () => {
    const parker = new Parker();
    const { Worker } = await import('node:worker_threads');
    // The worker parks on the buffer (the Parker protocol written out) and reports how it woke.
    const worker = new Worker(
      `const { workerData, parentPort } = require('node:worker_threads');
       const s = new Int32Array(workerData);
       Atomics.compareExchange(s, 0, 0, 1);
       parentPort.postMessage('parked');
       const r = Atomics.wait(s, 0, 1, 10000);
       parentPort.postMessage(r + ':' + Atomics.load(s, 0));`,
      { eval: true, workerData: parker.buffer },
    );
    const messages: string[] = [];
    const done = new Promise<void>((resolve) => {
      worker.on('message', (m: string) => {
        messages.push(m);
        if (m === 'parked') {
          // Wait until it really sleeps on the word, then unpark it from this thread.
          const state = new Int32Array(parker.buffer);
          const spin = (): void => {
            if (Atomics.load(state, 0) === PARKER_PARKED) unparkParker(state);
            else setTimeout(spin, 1);
          };
          spin();
        } else resolve();
      });
    });
    await done;
    await worker.terminate();
    expect(messages[1]).toMatch(/^(ok|not-equal):2$/);
  });

  it('the @tide/core/parker entry imports nothing else', () => {
    const source = readFileSync(fileURLToPath(new URL('../parker.ts', import.meta.url)), 'utf8');
    const imports = [...source.matchAll(/^(?:import|export)\b.* from '([^']+)';$/gm)].map((m) => m[1]);
    expect(imports).toEqual(['./driver/parker.js']);
    const parker = readFileSync(fileURLToPath(new URL('./parker.ts', import.meta.url)), 'utf8');
    expect(parker).not.toMatch(/^import /m);
  });
});

describe('workerExecArgv', () => {
  const saved = process.execArgv;
  afterEach(() => {
    process.execArgv = saved;
  });

  it('keeps the process\'s options except --input-type, in both spellings', () => {
    process.execArgv = ['--input-type', 'module', '--conditions=dev', '--input-type=module', '--enable-source-maps'];
    expect(workerExecArgv()).toEqual(['--conditions=dev', '--enable-source-maps']);
  });

  it('otherwise lets the worker inherit them (Node refuses V8 flags such as --expose-gc passed explicitly)', async () => {
    process.execArgv = ['--expose-gc', '--conditions=dev'];
    expect(workerExecArgv()).toBeUndefined();
    const { Worker } = await import('node:worker_threads');
    expect(() => new Worker('0', { eval: true, execArgv: ['--expose-gc'] })).toThrow(/invalid execArgv/);
  });
});
