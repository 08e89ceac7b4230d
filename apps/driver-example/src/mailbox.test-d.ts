// The requirement name 'mailbox' is checked by the compiler like 'time' and 'io'.
import { defineTask, type Future } from '@tide/core';
import { CurrentThreadRuntime } from '@tide/current-thread';
import { mailboxDriver, recv, sumFromBlockingPool, type NumberMessage } from '@tide/driver-example';
import { MultiThreadRuntime } from '@tide/multi-thread';
import { timeDriver } from '@tide/time-driver';
import { expectTypeOf, test } from 'vitest';

function* nextNumber() {
  return (yield* recv<NumberMessage>('numbers')).n;
}
const nextNumberRef = defineTask(import.meta.url, 'nextNumber', nextNumber);

test('recv() is a Future that needs the mailbox driver', () => {
  expectTypeOf(recv<NumberMessage>('numbers')).toExtend<Future<NumberMessage, 'mailbox'>>();
});

test('a current-thread runtime with the driver blocks on it; its Handle.blockOn cannot', () => {
  const rt = CurrentThreadRuntime.builder().enable(mailboxDriver()).build();
  expectTypeOf(rt).toEqualTypeOf<CurrentThreadRuntime<'mailbox'>>();
  expectTypeOf(rt.blockOn(nextNumber)).toEqualTypeOf<number>();
  expectTypeOf(rt.blockOn(sumFromBlockingPool, 'numbers', 3)).toEqualTypeOf<number>();
  // @ts-expect-error Handle.blockOn cannot turn drivers: 'mailbox' is not assignable to never
  rt.handle().blockOn(nextNumber);
  // @ts-expect-error the same for the TaskRef form
  rt.handle().blockOn(sumFromBlockingPool, 'numbers', 3);
});

test('a runtime built without the driver refuses tasks that need it', () => {
  const timeOnly = CurrentThreadRuntime.builder().enable(timeDriver()).build();
  // @ts-expect-error 'mailbox' is not assignable to 'time'
  timeOnly.blockOn(nextNumber);
  // @ts-expect-error spawn checks the same
  timeOnly.spawn(nextNumber);
  const mt = MultiThreadRuntime.builder().enable(timeDriver()).build();
  // @ts-expect-error a multi-thread runtime without the driver refuses the TaskRef
  mt.spawn(nextNumberRef);
  const mtMail = MultiThreadRuntime.builder().enable(mailboxDriver()).build();
  expectTypeOf(mtMail.blockOn(nextNumberRef)).toEqualTypeOf<number>();
  // A multi-thread Handle.blockOn drives the workers' drivers, so it accepts the task.
  expectTypeOf(mtMail.handle().blockOn(nextNumberRef)).toEqualTypeOf<number>();
});
