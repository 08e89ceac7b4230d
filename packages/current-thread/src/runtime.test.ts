import { DeadlockError, InvalidArgumentError, InvalidTaskError, ArgumentRangeError, JoinError, yieldNow, DriverAlreadyEnabledError, DriverNotDrivenError, FutureBase, NestedBlockOnError, PENDING, spawn, type Context, type Poll, type Waker } from '@tide/core';
import { currentDriver, defineDriver, type Driver, type DriverContext } from '@tide/core/driver';
import { describe, expect, it } from 'vitest';
import { CurrentThreadRuntime } from './runtime.js';

/**
 * A small real driver for these tests: events are queued by `emit` (from host code) and delivered
 * on the next turn, like a reactor's completions.
 */
class EventDriver implements Driver<'event'> {
  readonly name = 'event' as const;
  readonly waiters = new Set<Waker>();
  pending = 0;
  turns = 0;
  shutDown = false;
  constructor(private readonly cx: DriverContext) {}
  emit(): void {
    this.pending++;
    this.cx.parker.unpark();
  }
  turn(): number {
    this.turns++;
    if (this.pending === 0) return 0;
    this.pending = 0;
    const woken = [...this.waiters];
    this.waiters.clear();
    for (const w of woken) w.wake();
    return woken.length;
  }
  parkTimeout(): number {
    return this.pending > 0 ? 0 : Infinity;
  }
  hasPendingWork(): boolean {
    return this.waiters.size > 0;
  }
  park(timeoutMs: number): void {
    this.cx.parker.park(timeoutMs);
    this.turn();
  }
  async parkAsync(timeoutMs: number, signal?: AbortSignal): Promise<void> {
    await this.cx.parker.parkAsync(timeoutMs, signal);
    this.turn();
  }
  unpark(): void {
    this.cx.parker.unpark();
  }
  shutdown(): void {
    this.shutDown = true;
  }
}
const eventDriver = defineDriver(import.meta.url, 'eventDriver', 'event', (_: void, cx) => new EventDriver(cx));

/** Completes on the next event of the EventDriver. */
class NextEvent extends FutureBase<void, 'event'> {
  private readonly driver = currentDriver<EventDriver>('event');
  private registered = false;
  poll(cx: Context): Poll<void> {
    if (this.registered && !this.driver.waiters.has(cx.waker)) return undefined;
    this.registered = true;
    this.driver.waiters.add(cx.waker);
    return PENDING;
  }
}

describe('CurrentThreadRuntime', () => {
  it('blockOn returns a generator task value synchronously', () => {
    const rt = CurrentThreadRuntime.builder().build();
    expect(rt.blockOn(function* (a: number, b: number) { return a + b; }, 2, 3)).toBe(5);
  });

  it('turns its drivers while blocked and wakes on an event from another source', () => {
    const rt = CurrentThreadRuntime.builder().enable(eventDriver(undefined)).build();
    let driver!: EventDriver;
    const value = rt.blockOn(function* () {
      driver = currentDriver<EventDriver>('event');
      const waiting = new NextEvent();
      driver.emit();
      yield* waiting;
      return driver.turns;
    });
    expect(value).toBeGreaterThan(0);
  });

  it('Handle.blockOn refuses to wait on a driver at run time too', () => {
    const rt = CurrentThreadRuntime.builder().enable(eventDriver(undefined)).build();
    const h = rt.handle() as unknown as { blockOn(t: unknown): unknown };
    expect(() =>
      h.blockOn(function* () {
        yield* new NextEvent();
      }),
    ).toThrow(DriverNotDrivenError);
  });

  it('a pending JoinHandle can be awaited several times and joined with yield* as well: every joiner gets the outcome', async () => {
    const rt = CurrentThreadRuntime.builder().build();
    const ok = rt.spawn(function* () {
      yield* yieldNow();
      return 7;
    });
    const failing = rt.spawn(function* () {
      yield* yieldNow();
      throw new Error('boom');
    });
    const first = ok.then((v) => v);
    const both = Promise.all([ok, ok]);
    const failures = Promise.allSettled([failing, failing]);
    // A task joining with yield* after the promises were made, and a promise made after it.
    const joinedInTask = rt.blockOn(function* () {
      const late = ok.then((v) => v * 2);
      return [yield* ok, late] as const;
    });
    expect(joinedInTask[0]).toBe(7);
    await expect(joinedInTask[1]).resolves.toBe(14);
    await expect(first).resolves.toBe(7);
    await expect(both).resolves.toEqual([7, 7]);
    const settled = await failures;
    for (const r of settled) {
      expect(r.status).toBe('rejected');
      expect((r as PromiseRejectedResult).reason).toBeInstanceOf(JoinError);
    }
    rt.shutdownTimeout(0);
  });

  it('runs spawned tasks only while driven', () => {
    const rt = CurrentThreadRuntime.builder().build();
    let ran = 0;
    const h = rt.spawn(function* () {
      ran++;
      return 'done';
    });
    expect(ran).toBe(0);
    expect(rt.blockOn(function* () { return yield* h; })).toBe('done');
    expect(ran).toBe(1);
  });

  it('refuses a nested blockOn and reports a deadlock instead of hanging', () => {
    const rt = CurrentThreadRuntime.builder().build();
    expect(() => rt.blockOn(function* () { rt.blockOn(function* () {}); })).toThrow(NestedBlockOnError);
    expect(() => rt.blockOn(function* () { yield* spawn(function* () { yield* new NextEventless(); }); })).toThrow(DeadlockError);
  });

  it('validates builder input', () => {
    expect(() => CurrentThreadRuntime.builder().eventInterval(0)).toThrow(ArgumentRangeError);
    expect(() => CurrentThreadRuntime.builder().maxBlockingThreads(1.5)).toThrow(ArgumentRangeError);
    expect(() => CurrentThreadRuntime.builder().threadKeepAlive(-1)).toThrow(ArgumentRangeError);
    expect(() => CurrentThreadRuntime.builder().enable(eventDriver as never)).toThrow(InvalidArgumentError);
    expect(() => CurrentThreadRuntime.builder().enable(eventDriver(undefined)).enable(eventDriver(undefined))).toThrow(DriverAlreadyEnabledError);
    expect(() => CurrentThreadRuntime.builder().enable(eventDriver(undefined)).enable(eventDriver(undefined))).toThrow(/already enabled/);
    expect(() => CurrentThreadRuntime.builder().eventInterval('5' as unknown as number)).toThrow('got "5" (a string)');
    expect(() => CurrentThreadRuntime.builder().name(5 as unknown as string)).toThrow(InvalidArgumentError);
    expect(() => CurrentThreadRuntime.builder().onUnhandledError('log' as unknown as () => void)).toThrow(/expects a function/);
  });

  it('a bare `yield` (instead of `yield*`) fails at that line with a coded error saying to use yield*', () => {
    const rt = CurrentThreadRuntime.builder().build();
    // At the root and in a spawned task: the error is thrown into the generator where it yielded.
    expect(() => rt.blockOn(function* () { yield 5 as never; })).toThrow(InvalidArgumentError);
    expect(() => rt.blockOn(function* () { yield* spawn(function* () { yield { value: 1 } as never; }); })).toThrow(/yielded a non-future object: use `yield\*`/);
    const caught = rt.blockOn(function* () {
      try {
        yield 'oops' as never;
        return 'not reached';
      } catch (error) {
        return (error as InvalidArgumentError).code;
      }
    });
    expect(caught).toBe('E_INVALID_ARGUMENT');
    expect(rt.metrics().numAliveTasks).toBe(0);
  });

  it('a task already called (work(arg) instead of work, arg) is refused, saying what to pass', () => {
    const rt = CurrentThreadRuntime.builder().build();
    function* work(n: number) {
      yield* yieldNow();
      return n;
    }
    expect(() => rt.blockOn(work(1) as never)).toThrow(InvalidTaskError);
    expect(() => rt.blockOn(work(1) as never)).toThrow(/not the result of calling it, work\(arg\), got a generator object/);
    expect(() => rt.spawn(Promise.resolve(1) as never)).toThrow(/got a Promise/);
    expect(rt.metrics().numAliveTasks).toBe(0);
  });

  it('run() drives the runtime from the host event loop', async () => {
    const rt = CurrentThreadRuntime.builder().enable(eventDriver(undefined)).build();
    const value = await rt.run(async () => {
      const driver = currentDriver<EventDriver>('event');
      setTimeout(() => driver.emit(), 1);
      await new NextEvent();
      return 'evented';
    });
    expect(value).toBe('evented');
  });
});

/** A future nothing ever wakes. */
class NextEventless extends FutureBase<void> {
  poll(): Poll<void> {
    return PENDING;
  }
}
