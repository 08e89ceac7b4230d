import { DriverDisabledError, EnterGuard, type Context, type Future, type Poll, type RuntimeHandle } from '@tide/core';
import { Parker, type Driver, type DriverFactory, type RuntimeCore } from '@tide/core/driver';

/** A waker that counts its wakes. */
export interface CountingContext extends Context {
  /** How many times the waker was woken. */
  readonly wakes: number;
}

/** Creates a poll context whose waker counts its wakes. */
export function countingContext(): CountingContext {
  let wakes = 0;
  return {
    waker: {
      wake(): void {
        wakes++;
      },
    },
    get wakes(): number {
      return wakes;
    },
  };
}

/** Polls `future` once with `cx`; returns the value, PENDING, or `{ thrown }` if poll threw. */
export function pollOnce<T>(future: Future<T, string>, cx: Context): Poll<T> | { readonly thrown: unknown } {
  try {
    return future.poll(cx);
  } catch (thrown) {
    return { thrown };
  }
}

/**
 * A driver built outside any runtime, the way a runtime builds it: from its factory, with a
 * `DriverContext` whose parker the suite owns. The suite plays the runtime: {@link within} makes
 * the driver current on this thread (a minimal runtime context), so the driver's own futures
 * register with it, and the suite calls `turn`, `park`, `shutdown` by hand.
 */
export class StandaloneDriver<Name extends string> {
  /** The driver under test. */
  readonly driver: Driver<Name>;
  /** The parker given to the driver (its runtime thread's parker). */
  readonly parker = new Parker();
  /** How many times the driver asked for a turn (`DriverContext.requestTurn`). */
  turnRequests = 0;
  private readonly core: RuntimeCore;

  /** @param factory - the driver factory under test. */
  constructor(factory: DriverFactory<Name>) {
    this.driver = factory.create({
      parker: this.parker,
      flavor: 'current_thread',
      runtimeId: -1,
      requestTurn: () => {
        this.turnRequests++;
      },
    });
    const driver = this.driver;
    const unsupported = (): never => {
      throw new Error('the testkit’s standalone driver harness has no scheduler: only the driver is available here');
    };
    const handle = {
      id: -1,
      flavor: 'current_thread',
      name: 'testkit standalone driver',
      drivers: [driver.name],
      spawn: unsupported,
      spawnBlocking: unsupported,
      blockOn: unsupported,
      enter: unsupported,
      metrics: unsupported,
      share: unsupported,
    } as unknown as RuntimeHandle;
    this.core = {
      handle,
      driver(name: string, enableHint?: string): Driver {
        if (name === driver.name) return driver;
        throw new DriverDisabledError(name, enableHint);
      },
      spawnTask: unsupported,
    };
  }

  /** Runs `fn` with the driver current on this thread (futures created inside register with it). */
  within<T>(fn: () => T): T {
    const guard = new EnterGuard(this.core);
    try {
      return fn();
    } finally {
      guard.exit();
    }
  }
}
