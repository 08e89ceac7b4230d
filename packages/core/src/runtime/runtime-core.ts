import type { Driver } from '../driver/driver.js';
import type { RuntimeHandle } from './runtime-handle.js';
import type { JoinHandle } from '../task/join-handle.js';

/**
 * What a runtime flavor exposes to the context machinery and to driver-backed futures on the
 * thread where the code runs. Flavor authors implement it; application code never sees it.
 */
export interface RuntimeCore {
  /** The public handle of this runtime. */
  readonly handle: RuntimeHandle;
  /**
   * The driver named `name`, ready to take registrations on this thread. Throws
   * `DriverDisabledError` if the runtime was built without it, `DriverNotDrivenError` if it exists
   * but is not turned here (a shared handle on another thread), `RuntimeShutdownError` after shutdown.
   *
   * @param enableHint - shown in the disabled error, for example `'.enable(timeDriver())'`.
   */
  driver(name: string, enableHint?: string): Driver;
  /** Spawns `task(...args)` on this runtime (the free `spawn` calls it without copying the arguments again). */
  spawnTask(task: unknown, args: unknown[]): JoinHandle<unknown, string>;
  /**
   * Optional fast path of {@link spawnTask} for the common single-argument call
   * (`spawn(task, arg)`): no argument array is allocated. Runtimes without it get `spawnTask`.
   */
  spawnTask1?(task: unknown, arg: unknown): JoinHandle<unknown, string>;
}
