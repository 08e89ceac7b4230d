import { Worker, type TransferListItem } from 'node:worker_threads';
import { fixtureUrl } from './testkit-files.js';

/** A running fixture worker: its first message, and a way to stop it early. */
export interface FixtureWorker<T> {
  /** Settles with the first message the worker posts; rejects if it fails or exits first. */
  readonly answer: Promise<T>;
  /** Terminates the worker (for a case that fails before the worker could answer). */
  terminate(): Promise<void>;
}

/**
 * Starts a worker thread on the plain-JavaScript fixture `name` (in `test-fixtures/`). The
 * worker is terminated once it answered.
 */
export function startFixtureWorker<T>(name: string, workerData: unknown, transferList: readonly TransferListItem[] = []): FixtureWorker<T> {
  const worker = new Worker(fixtureUrl(name), { workerData, transferList: [...transferList] });
  const answer = new Promise<T>((resolve, reject) => {
    let settled = false;
    worker.once('message', (message: T) => {
      settled = true;
      resolve(message);
      void worker.terminate();
    });
    worker.once('error', (error) => {
      if (settled) return;
      settled = true;
      reject(error);
    });
    worker.once('exit', (code) => {
      if (settled) return;
      settled = true;
      reject(new Error(`fixture worker ${name} exited with code ${code} before answering`));
    });
  });
  // A case that gives up on the worker must not leave an unhandled rejection behind.
  answer.catch(() => undefined);
  return {
    answer,
    terminate: async () => {
      await worker.terminate();
    },
  };
}

/** Starts the fixture worker `name` and resolves with its first message (see {@link startFixtureWorker}). */
export function runFixtureWorker<T>(name: string, workerData: unknown, transferList: readonly TransferListItem[] = []): Promise<T> {
  return startFixtureWorker<T>(name, workerData, transferList).answer;
}
