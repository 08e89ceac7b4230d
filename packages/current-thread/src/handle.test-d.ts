import { FutureBase, type Poll } from '@tide/core';
import type { DriverFactory } from '@tide/core/driver';
import { describe, expectTypeOf, it } from 'vitest';
import { CurrentThreadRuntime } from './runtime.js';

// Only the types of these matter here: a driver named 'time' and a future that needs it.
declare const timeFactory: DriverFactory<'time'>;
class NeedsTime extends FutureBase<number, 'time'> {
  poll(): Poll<number> {
    return 1;
  }
}
function* usesTime(n: number) {
  const v = yield* new NeedsTime();
  return v + n;
}
function* pure(n: number) {
  return n * 2;
}

describe('CurrentThreadRuntime types', () => {
  it('accumulates driver names from enable()', () => {
    const rt = CurrentThreadRuntime.builder().enable(timeFactory).build();
    expectTypeOf(rt).toEqualTypeOf<CurrentThreadRuntime<'time'>>();
  });

  it('Runtime.blockOn accepts a task that needs a driver it has', () => {
    const rt = CurrentThreadRuntime.builder().enable(timeFactory).build();
    expectTypeOf(rt.blockOn(usesTime, 1)).toEqualTypeOf<number>();
  });

  it('Handle.blockOn accepts only tasks that need no driver', () => {
    const rt = CurrentThreadRuntime.builder().enable(timeFactory).build();
    expectTypeOf(rt.handle().blockOn(pure, 1)).toEqualTypeOf<number>();
    // @ts-expect-error: Handle.blockOn on a current-thread runtime cannot drive timers
    rt.handle().blockOn(usesTime, 1);
  });

  it('a runtime without the driver refuses the task at compile time', () => {
    const rt = CurrentThreadRuntime.builder().build();
    // @ts-expect-error: the runtime was built without the time driver
    rt.blockOn(usesTime, 1);
    // @ts-expect-error: the runtime was built without the time driver
    rt.spawn(usesTime, 1);
  });
});
