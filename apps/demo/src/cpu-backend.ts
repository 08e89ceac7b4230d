/**
 * Where the server sends its CPU-heavy jobs — the one place where the application picks a
 * flavor for a package of work.
 */
import { Handle, spawnBlocking, type Suspend } from '@tide/core';
import { mailboxAddress, recv } from '@tide/driver-example';
import type { MultiThreadRuntime } from '@tide/multi-thread';
import { countPrimes, countPrimesAndReply, hashPassword, type HashResult, type JobReply } from './jobs.js';

/** A finished CPU job: the payload of the `OK` reply, and where it was computed. */
export interface CpuAnswer {
  /** The reply's payload (after `OK `). */
  readonly answer: string;
  /** Where it ran, for the summary: `multi_thread`, `the blocking pool of 'cpu' (multi_thread)`… */
  readonly where: string;
}

/** Runs CPU-heavy jobs somewhere other than the server's thread. */
export interface CpuBackend {
  /** What the summary calls it. */
  readonly label: string;
  /** Counts the primes below `limit` (a generator: `yield*` it in a task; abort it to give up). */
  countPrimes(limit: number): Generator<Suspend<'mailbox'>, CpuAnswer, unknown>;
  /** Hashes `password` with PBKDF2 on a blocking pool (a generator: `yield*` it; abort it to give up). */
  hash(password: string): Generator<Suspend<never>, CpuAnswer, unknown>;
}

function hashAnswer({ digest, runtime, flavor }: HashResult): CpuAnswer {
  return { answer: digest, where: `the blocking pool of '${runtime}' (${flavor})` };
}

/**
 * Current-thread flavor: the jobs are tasks of the server's own runtime. PRIMES uses the
 * runtime-agnostic helper, which sends the parts to that runtime's blocking pool; HASH goes there
 * directly (`spawnBlocking`). Either way the server thread stays free for IO.
 */
export function blockingPoolBackend(parts: number): CpuBackend {
  return {
    label: `the server's current-thread runtime: PRIMES in ${parts} parts and HASH on its blocking pool (spawnBlocking)`,
    *countPrimes(limit) {
      const { total, flavor } = yield* Handle.current().spawn(countPrimes, limit, parts);
      return { answer: String(total), where: flavor };
    },
    *hash(password) {
      const job = spawnBlocking(hashPassword, password);
      try {
        return hashAnswer(yield* job);
      } finally {
        job.abort(); // given up on (deadline): cancel it if it has not started
      }
    },
  };
}

/**
 * Multi-thread flavor. PRIMES is a TaskRef spawned on the multi-thread runtime: the helper splits
 * it into parts that its worker threads run, stealing work from each other. The answer comes back
 * through the third-party mailbox driver (`apps/driver-example`), which wakes the server's thread
 * parked inside its synchronous `blockOn`. HASH is a synchronous TaskRef sent to the multi-thread
 * runtime's blocking pool (`spawnBlocking`); its `JoinHandle` is joined right here, inside the
 * server's `blockOn`, whose loop is woken by the pool. If the deadline passes first, either job
 * is aborted.
 */
export function multiThreadBackend(runtime: MultiThreadRuntime, parts: number): CpuBackend {
  let jobs = 0;
  const name = runtime.name ?? 'cpu';
  return {
    label: `multi-thread runtime '${name}': PRIMES as TaskRefs on its workers (${parts} parts each), HASH on its blocking pool (spawnBlocking)`,
    *countPrimes(limit) {
      const topic = `primes-${++jobs}`;
      const job = runtime.spawn(countPrimesAndReply, mailboxAddress(), topic, limit, parts);
      try {
        const reply = yield* recv<JobReply>(topic);
        if (!reply.ok) throw new Error(`the prime job failed: ${reply.error}`);
        return { answer: String(reply.count), where: reply.flavor };
      } finally {
        // Finished: nothing to do. Given up on (deadline): cancel it if it has not started.
        job.abort();
      }
    },
    *hash(password) {
      const job = runtime.spawnBlocking(hashPassword, password);
      try {
        return hashAnswer(yield* job);
      } finally {
        job.abort();
      }
    },
  };
}
