/**
 * Where the server sends its CPU-heavy jobs — the one place where the application picks a
 * flavor for a package of work.
 */
import { Handle, type Suspend } from '@tide/core';
import { mailboxAddress, recv } from '@tide/driver-example';
import type { MultiThreadRuntime } from '@tide/multi-thread';
import { countPrimes, countPrimesAndReply, type JobReply } from './jobs.js';

/** A finished prime count and the flavor of the runtime whose threads computed it. */
export interface PrimeCount {
  /** Primes below the limit. */
  readonly count: number;
  /** `multi_thread` or `current_thread`. */
  readonly flavor: string;
}

/** Runs prime-counting jobs somewhere other than the server's thread. */
export interface CpuBackend {
  /** What the summary calls it. */
  readonly label: string;
  /** Counts the primes below `limit` (a generator: `yield*` it in a task; abort it to give up). */
  countPrimes(limit: number): Generator<Suspend<'mailbox'>, PrimeCount, unknown>;
}

/**
 * Current-thread flavor: the job is a task on the server's own runtime; the helper it uses sends
 * the parts to that runtime's blocking pool (`spawnBlocking`), so the server thread stays free.
 */
export function blockingPoolBackend(parts: number): CpuBackend {
  return {
    label: `blocking pool of the server's current-thread runtime, ${parts} parts per job`,
    *countPrimes(limit) {
      const { total, flavor } = yield* Handle.current().spawn(countPrimes, limit, parts);
      return { count: total, flavor };
    },
  };
}

/**
 * Multi-thread flavor: the job is a TaskRef spawned on the multi-thread runtime (its worker
 * threads run the parts, stealing work from each other). The server's thread is parked inside
 * its own synchronous `blockOn`, so the answer comes back through the mailbox driver, which wakes
 * it; if the deadline passes first, the job is aborted.
 */
export function multiThreadBackend(runtime: MultiThreadRuntime, parts: number): CpuBackend {
  let jobs = 0;
  return {
    label: `multi-thread runtime '${runtime.name ?? 'cpu'}', ${parts} parts per job`,
    *countPrimes(limit) {
      const topic = `primes-${++jobs}`;
      const job = runtime.spawn(countPrimesAndReply, mailboxAddress(), topic, limit, parts);
      try {
        const reply = yield* recv<JobReply>(topic);
        if (!reply.ok) throw new Error(`the prime job failed: ${reply.error}`);
        return { count: reply.count, flavor: reply.flavor };
      } finally {
        // Finished: nothing to do. Given up on (deadline): cancel it if it has not started.
        job.abort();
      }
    },
  };
}
