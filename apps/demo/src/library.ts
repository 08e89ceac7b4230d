/**
 * A "library" written only against @tide/core: it neither knows nor cares which runtime the
 * application installed. It fans work out with `JoinSet` (which spawns on `Handle.current()`)
 * and bounds concurrency with a `Semaphore`.
 */
import { Handle, JoinSet, Semaphore, type Suspend } from '@tide/core';

/** Runs `work(item)` for every item with at most `concurrency` in flight; results in input order. */
export function* mapConcurrent<I, O, Y extends Suspend>(items: readonly I[], concurrency: number, work: (item: I) => Generator<Y, O, unknown>) {
  const permits = new Semaphore(concurrency);
  const results = new Array<O>(items.length);
  const set = new JoinSet<void>();
  for (let i = 0; i < items.length; i++) {
    const permit = yield* permits.acquire();
    set.spawn(function* () {
      try {
        results[i] = yield* work(items[i]!);
      } finally {
        permit.release();
      }
    });
  }
  while ((yield* set.joinNext()) !== undefined);
  return { results, flavor: Handle.current().flavor };
}
