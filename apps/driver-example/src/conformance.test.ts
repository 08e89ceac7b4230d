// The testkit's driver conformance suite (the contract of @tide/core/driver) on the mailbox driver,
// plugged into @tide/current-thread. The driver is imported by its package name, so the suite's
// "sendable factory" case re-imports the built dist by URL, as a multi-thread worker would.
import { CurrentThreadRuntime, type CurrentThreadBuilder } from '@tide/current-thread';
import { mailboxDriver, recv } from '@tide/driver-example';
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

const currentThread = {
  flavor: 'current_thread',
  acceptsClosures: true,
  pausedClock: true,
  drivenByCaller: true,
  handleBlockOnDrivesDrivers: false,
  // Async tasks cannot progress while this thread is blocked in blockOn.
  asyncTasksInBlockOn: false,
  build,
} as RuntimeFactory; // a cast, not an annotation: testkit versions differ in the capabilities they list

describeDriver('@tide/driver-example (mailbox driver)', {
  name: 'mailbox',
  driver: () => mailboxDriver(),
  runtime: currentThread,
  // Nobody posts to the mailbox: the receive stays pending for the whole case.
  pending: () => recv('nobody-posts-here'),
});
