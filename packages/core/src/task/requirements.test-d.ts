import { describe, expectTypeOf, it } from 'vitest';
import { FutureBase } from '../future/future-base.js';
import type { Poll } from '../future/poll.js';
import type { RuntimeHandle } from '../runtime/runtime-handle.js';
import type { SharedHandle } from '../runtime/shared-handle.js';
import { Handle } from '../context/handle.js';
import type { JoinHandle } from './join-handle.js';
import { defineTask, type TaskRef } from './task-ref.js';
import type { RequirementsOf, TaskOutput } from './task-types.js';

// Test-local fakes of driver futures: only their types matter here.
class FakeSleep extends FutureBase<void, 'time'> {
  poll(): Poll<void> {
    return undefined;
  }
}
class FakeConnect extends FutureBase<{ fd: number }, 'io'> {
  poll(): Poll<{ fd: number }> {
    return { fd: 1 };
  }
}
class Pure extends FutureBase<number> {
  poll(): Poll<number> {
    return 1;
  }
}
const sleep = (_ms: number) => new FakeSleep();
const connect = (_port: number) => new FakeConnect();

function* sleepy(ms: number) {
  yield* sleep(ms);
  return 'slept';
}
function* both(port: number, ms: number) {
  const s = yield* connect(port);
  yield* sleep(ms);
  return s.fd;
}
function* pure(n: number) {
  const v = yield* new Pure();
  return v + n;
}
export function* joinsSleepy(h: JoinHandle<string, 'time'>) {
  return yield* h;
}

declare const timeRt: RuntimeHandle<'time'>;
declare const timeHandle: RuntimeHandle<'time', never>;
declare const fullRt: RuntimeHandle<'time' | 'io'>;

describe('requirement inference', () => {
  it('infers the union of what a hoisted generator function yields, with arguments', () => {
    expectTypeOf<RequirementsOf<typeof sleepy>>().toEqualTypeOf<'time'>();
    expectTypeOf<RequirementsOf<typeof both>>().toEqualTypeOf<'time' | 'io'>();
    expectTypeOf<RequirementsOf<typeof pure>>().toEqualTypeOf<never>();
    expectTypeOf<TaskOutput<typeof both>>().toEqualTypeOf<number>();
  });

  it('carries the joined task requirements on a JoinHandle', () => {
    const h = timeRt.spawn(sleepy, 5);
    expectTypeOf(h).toEqualTypeOf<JoinHandle<string, 'time'>>();
    expectTypeOf<RequirementsOf<typeof joinsSleepy>>().toEqualTypeOf<'time'>();
  });

  it('carries requirements through defineTask', () => {
    const ref = defineTask('file:///x.js', 'sleepy', sleepy);
    expectTypeOf(ref).toEqualTypeOf<TaskRef<[ms: number], string, 'time'>>();
  });
});

describe('the blockOn restriction', () => {
  it('a runtime with the time driver blocks on a sleeping task', () => {
    expectTypeOf(timeRt.blockOn(sleepy, 1)).toEqualTypeOf<string>();
  });

  it("a RuntimeHandle<'time', never> accepts a pure task", () => {
    expectTypeOf(timeHandle.blockOn(pure, 1)).toEqualTypeOf<number>();
  });

  it("a RuntimeHandle<'time', never> rejects a task that yields sleep", () => {
    // @ts-expect-error: Handle.blockOn cannot drive timers
    timeHandle.blockOn(sleepy, 1);
  });

  it('spawning a task that needs a driver the runtime lacks does not compile', () => {
    // @ts-expect-error: the runtime has no 'io' driver
    timeRt.spawn(both, 1, 2);
    expectTypeOf(fullRt.spawn(both, 1, 2)).toEqualTypeOf<JoinHandle<number, 'time' | 'io'>>();
  });

  it('arguments are checked against the task parameters', () => {
    // @ts-expect-error: sleepy takes a number
    timeRt.spawn(sleepy, 'x');
  });

  it('a synchronous blockOn refuses an async root task', () => {
    // @ts-expect-error: an async function cannot make progress inside a synchronous blockOn
    timeRt.blockOn(async () => {
      await Promise.resolve();
    });
  });
});

describe('shared handles', () => {
  it('a handle rebuilt on another thread blocks only on tasks that need no driver', () => {
    const remote = Handle.fromShared({} as SharedHandle);
    expectTypeOf(remote.blockOn(pure, 1)).toEqualTypeOf<number>();
    // @ts-expect-error: the runtime's drivers are not turned on this thread
    remote.blockOn(sleepy, 1);
  });
});
