/**
 * The CPU-heavy jobs, declared with `defineTask` so that they can run on other threads: worker
 * threads of the multi-thread runtime, or the blocking pool. Worker threads import this module's
 * built file (dist/jobs.js) by URL to find them.
 */
import { pbkdf2Sync } from 'node:crypto';
import { Handle, defineTask } from '@tide/core';
import { MailboxClosedError, send, type MailboxAddress } from '@tide/driver-example';
import { sumAcross } from './lib/parallel.js';

/** Counts the primes in `[from, to)` by trial division: a plain synchronous function (blocking-pool ready). */
export const countPrimesIn = defineTask(import.meta.url, 'countPrimesIn', (from: number, to: number): number => {
  let count = 0;
  for (let n = Math.max(2, from); n < to; n++) {
    let prime = true;
    for (let d = 2; d * d <= n; d++) {
      if (n % d === 0) {
        prime = false;
        break;
      }
    }
    if (prime) count++;
  }
  return count;
});

/** Counts the primes below `limit` in `parts` parallel parts (via the runtime-agnostic helper). */
export const countPrimes = defineTask(import.meta.url, 'countPrimes', function* (limit: number, parts: number) {
  return yield* sumAcross(countPrimesIn, 0, limit, parts);
});

/** PBKDF2 iterations of a HASH job: about ten milliseconds of one core. */
export const HASH_ITERATIONS = 20_000;

/** A finished HASH job: the key, and the runtime whose blocking pool computed it. */
export interface HashResult {
  /** The derived key, in hex. */
  readonly digest: string;
  /** The name of the runtime whose blocking thread ran the job (`Handle.current()` there). */
  readonly runtime: string;
  /** Its flavor. */
  readonly flavor: string;
}

/**
 * Derives a password hash (PBKDF2-SHA256): one long synchronous call into Node's crypto, the
 * kind of work that belongs on a blocking pool (`spawnBlocking`) — it would stall any event loop
 * or scheduler thread it ran on. The blocking thread has entered its runtime's context, so
 * `Handle.current()` says which runtime's pool it is.
 */
export const hashPassword = defineTask(import.meta.url, 'hashPassword', (password: string): HashResult => {
  const digest = pbkdf2Sync(password, 'tide-demo', HASH_ITERATIONS, 32, 'sha256').toString('hex');
  const runtime = Handle.current();
  return { digest, runtime: runtime.name ?? `#${runtime.id}`, flavor: runtime.flavor };
});

/**
 * What a multi-thread job posts back to the server's mailbox: the count, or the error message.
 */
export type JobReply = { readonly ok: true; readonly count: number; readonly flavor: string } | { readonly ok: false; readonly error: string };

/**
 * `countPrimes` on a multi-thread worker, replying to the server's mailbox under `topic`. The
 * server thread is parked in a synchronous `blockOn` (its own runtime), so the reply travels
 * through the mailbox driver, which can wake it there.
 */
export const countPrimesAndReply = defineTask(
  import.meta.url,
  'countPrimesAndReply',
  function* (replyTo: MailboxAddress, topic: string, limit: number, parts: number) {
    let reply: JobReply;
    try {
      const { total, flavor } = yield* sumAcross(countPrimesIn, 0, limit, parts);
      reply = { ok: true, count: total, flavor };
    } catch (error) {
      reply = { ok: false, error: error instanceof Error ? error.message : String(error) };
    }
    try {
      send(replyTo, topic, reply);
    } catch (error) {
      // The server shut down while this job ran: nobody is waiting for the reply.
      if (!(error instanceof MailboxClosedError)) throw error;
    }
  },
);
