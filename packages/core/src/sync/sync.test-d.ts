import { describe, expectTypeOf, it } from 'vitest';
import type { FutureOutput, FutureRequirements, TideFuture } from '../future/future.js';
import type { RequirementsOfYield } from '../future/suspend.js';
import { mpsc, Mutex, Notify, oneshot, Semaphore, yieldNow, type MutexGuard, type SemaphorePermit, type TryRecvResult } from './index.js';

type YieldRequirements<F> = F extends (...args: never[]) => Generator<infer Y, unknown, never> ? RequirementsOfYield<Y> : 'not a generator';

describe('sync primitive types', () => {
  it('need no driver: every future has requirements `never`', () => {
    const [, rx] = oneshot<number>();
    const [tx, mrx] = mpsc.channel<string>(1);
    expectTypeOf<FutureRequirements<typeof rx>>().toBeNever();
    expectTypeOf<FutureRequirements<ReturnType<typeof tx.send>>>().toBeNever();
    expectTypeOf<FutureRequirements<ReturnType<typeof mrx.recv>>>().toBeNever();
    expectTypeOf<FutureRequirements<ReturnType<Semaphore['acquire']>>>().toBeNever();
    expectTypeOf<FutureRequirements<ReturnType<Mutex<number>['lock']>>>().toBeNever();
    expectTypeOf<FutureRequirements<ReturnType<Notify['notified']>>>().toBeNever();
    expectTypeOf<FutureRequirements<ReturnType<typeof yieldNow>>>().toBeNever();

    function* _task() {
      yield* rx;
      yield* tx.send('x');
      yield* mrx.recv();
      yield* new Semaphore(1).acquire();
      yield* new Mutex(0).lock();
      yield* new Notify().notified();
      yield* yieldNow();
    }
    expectTypeOf<YieldRequirements<typeof _task>>().toBeNever();
  });

  it('produce the documented values', () => {
    const [, rx] = oneshot<number>();
    const [, mrx] = mpsc.unbounded<string>();
    expectTypeOf<FutureOutput<typeof rx>>().toEqualTypeOf<number>();
    expectTypeOf(rx).toExtend<TideFuture<number>>();
    expectTypeOf(mrx.recv()).toEqualTypeOf<TideFuture<string | undefined>>();
    expectTypeOf(mrx.next()).toEqualTypeOf<TideFuture<IteratorResult<string, undefined>>>();
    expectTypeOf(mrx.tryRecv()).toEqualTypeOf<TryRecvResult<string>>();
    expectTypeOf(new Semaphore(1).acquire()).toEqualTypeOf<TideFuture<SemaphorePermit>>();
    expectTypeOf(new Mutex(1).lock()).toEqualTypeOf<TideFuture<MutexGuard<number>>>();
    expectTypeOf<mpsc.Sender<string>['trySend']>().returns.toEqualTypeOf<boolean>();
    expectTypeOf(mrx).toExtend<AsyncIterable<string>>();
  });
});
