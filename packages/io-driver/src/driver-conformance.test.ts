// The testkit's driver conformance suite (the contract of @tide/core/driver) on the io driver,
// plugged into @tide/current-thread through the testkit's own adapter.
import { GeneratorFuture, type Future, type Suspend } from '@tide/core';
import { TcpListener, ioDriver, type ListenFuture } from '@tide/io-driver';
import { describeDriver } from '@tide/testkit';
import { currentThreadFactory } from '@tide/testkit/current-thread';

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
  runtime: currentThreadFactory,
  // The bind is created at the call, so the driver is looked up there (and its errors thrown there).
  pending: (): Future<unknown, 'io'> => new GeneratorFuture(acceptForever(TcpListener.bind({ host: '127.0.0.1', port: 0 }))),
});
