import { currentFrame } from '../context/frame.js';
import { NoRuntimeError } from '../errors.js';
import type { Driver } from './driver.js';

/**
 * The driver named `name` of the runtime the calling code runs on, for a future to register with
 * when it is created. Throws `NoRuntimeError` outside a runtime, `DriverDisabledError` if the
 * runtime lacks the driver, `DriverNotDrivenError` where it is not turned, and
 * `RuntimeShutdownError` after shutdown.
 *
 * @param name - the requirement name.
 * @param enableHint - how to enable it, shown in the disabled error (`'.enable(timeDriver())'`).
 */
export function currentDriver<D extends Driver>(name: string, enableHint?: string): D {
  const frame = currentFrame();
  if (frame === null) throw new NoRuntimeError(`using the '${name}' driver`);
  return frame.runtime.driver(name, enableHint) as D;
}
