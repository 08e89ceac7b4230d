// The testkit's driver conformance suite (the contract of @tide/core/driver) on the io driver,
// plugged into @tide/current-thread.
import { GeneratorFuture, type Future, type Suspend } from '@tide/core';
import { CurrentThreadRuntime, type CurrentThreadBuilder } from '@tide/current-thread';
import { TcpListener, ioDriver, type ListenFuture } from '@tide/io-driver';
import { describeDriver, type RuntimeBuildOptions, type RuntimeFactory, type RuntimeUnderTest } from '@tide/testkit';
import { timeDriver } from '@tide/time-driver';

/** Builds a current-thread runtime the way the suite asks for one. */
function build(options: RuntimeBuildOptions = {}): RuntimeUnderTest {
  let builder: CurrentThreadBuilder<string> = CurrentThreadRuntime.builder();
  if (options.time !== false) builder = builder.enable(timeDriver({ startPaused: options.time?.startPaused === true }));
  for (const driver of options.drivers ?? []) builder = builder.enable(driver);
  const runtime = builder.build();
  // The suite checks run-time behaviour, including calls the runtime's types would refuse.
  const loose = runtime as unknown as {
    blockOn(task: unknown, ...args: unknown[]): unknown;
    run(task: unknown, ...args: unknown[]): Promise<unknown>;
  };
  return {
    flavor: 'current_thread',
    handle: runtime.handle(),
    blockOn: (task, ...args) => loose.blockOn(task, ...(args as unknown[])) as never,
    run: (task, ...args) => loose.run(task, ...(args as unknown[])) as never,
    shutdown: (timeoutMs) => runtime.shutdownTimeout(timeoutMs),
  };
}

const currentThread: RuntimeFactory = {
  flavor: 'current_thread',
  acceptsClosures: true,
  pausedClock: true,
  drivenByCaller: true,
  handleBlockOnDrivesDrivers: false,
  build,
};

/** Binds a listener, then waits in accept() — a registration nothing completes. Closes the listener when dropped. */
function* acceptForever(bind: ListenFuture): Generator<Suspend<'io'>, void, unknown> {
  const listener = yield* bind;
  try {
    yield* listener.accept();
  } finally {
    listener.close();
  }
}

describeDriver('@tide/io-driver', {
  name: 'io',
  driver: () => ioDriver(),
  runtime: currentThread,
  // The bind is created at the call, so the driver is looked up there (and its errors thrown there).
  pending: (): Future<unknown, 'io'> => new GeneratorFuture(acceptForever(TcpListener.bind({ host: '127.0.0.1', port: 0 }))),
});
