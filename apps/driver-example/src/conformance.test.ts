// The testkit's driver conformance suite (the contract of @tide/core/driver) on the mailbox driver,
// plugged into @tide/current-thread. The driver is imported by its package name, so the suite's
// "sendable factory" case re-imports the built dist by URL, as a multi-thread worker would.
import { mailboxDriver, recv } from '@tide/driver-example';
import { describeDriver } from '@tide/testkit';
import { currentThreadFactory } from '@tide/testkit/current-thread';

describeDriver('@tide/driver-example (mailbox driver)', {
  name: 'mailbox',
  driver: () => mailboxDriver(),
  runtime: currentThreadFactory,
  // Nobody posts to the mailbox: the receive stays pending for the whole case.
  pending: () => recv('nobody-posts-here'),
});
