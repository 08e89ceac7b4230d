import { RuntimeBuilderBase, type DriverFactory } from '@tide/core/driver';
import { CurrentThreadRuntime } from './runtime.js';

/**
 * Configures a {@link CurrentThreadRuntime}: `name`, `eventInterval` (default 61),
 * `maxBlockingThreads` (512), `threadKeepAlive` (10 s), `onUnhandledError`, and the drivers. Each
 * `enable(driverFactory)` adds the driver's name to the runtime's type, so the compiler knows
 * which tasks it can run.
 */
export class CurrentThreadBuilder<Drivers extends string = never> extends RuntimeBuilderBase {
  constructor() {
    super('current_thread');
  }

  /** Adds a driver (time, IO, or a plugin's own), built when the runtime is built. */
  enable<Name extends string>(factory: DriverFactory<Name>): CurrentThreadBuilder<Drivers | Name> {
    this.addDriver(factory);
    return this;
  }

  /** Builds the runtime. */
  build(): CurrentThreadRuntime<Drivers> {
    return new CurrentThreadRuntime<Drivers>(this.commonConfig());
  }
}
