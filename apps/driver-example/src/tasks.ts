import { defineTask, spawnBlocking } from '@tide/core';
import { mailboxAddress, send, type MailboxAddress } from './address.js';
import { recv } from './recv.js';

/** A message of the example tasks. */
export interface NumberMessage {
  /** The number carried. */
  readonly n: number;
}

/**
 * Posts `count` messages `{ n: first }, { n: first + 1 }, …` under `topic` to `address` and
 * returns `count`. A plain synchronous function declared with `defineTask`, so it can run on the
 * blocking pool (`spawnBlocking(postNumbers, address, 'numbers', 100, 1)`) or any worker thread.
 */
export const postNumbers = defineTask(
  import.meta.url,
  'postNumbers',
  (address: MailboxAddress, topic: string, count: number, first: number): number => {
    for (let i = 0; i < count; i++) send(address, topic, { n: first + i } satisfies NumberMessage);
    return count;
  },
);

/**
 * Receives `count` numbers under `topic` on this runtime thread's mailbox, posted by
 * `postNumbers` from the blocking pool (another thread), and returns their sum. Needs the mailbox
 * driver (`TaskRef<[string, number], number, 'mailbox'>`): it runs on a current-thread runtime's
 * `blockOn` and on multi-thread workers alike. Give concurrent calls on one thread different topics.
 */
export const sumFromBlockingPool = defineTask(import.meta.url, 'sumFromBlockingPool', function* (topic: string, count: number) {
  const producer = spawnBlocking(postNumbers, mailboxAddress(), topic, count, 1);
  let sum = 0;
  for (let i = 0; i < count; i++) sum += (yield* recv<NumberMessage>(topic)).n;
  yield* producer;
  return sum;
});
