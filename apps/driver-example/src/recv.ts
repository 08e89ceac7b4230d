import { FutureBase, PENDING, RuntimeShutdownError, type Context, type Poll, type Waker } from '@tide/core';
import { NO_MESSAGE, currentMailboxDriver, type MailboxDriver, type MailboxWaiter } from './driver.js';

/**
 * A future that completes with the next message posted to this runtime thread's mailbox. Created
 * with {@link recv}; its type `Future<T, 'mailbox'>` tells the compiler it needs the mailbox driver.
 */
export class Recv<T> extends FutureBase<T, 'mailbox'> implements MailboxWaiter {
  private waker: Waker | null = null;
  private shut = false;

  /** @internal Use {@link recv}. */
  constructor(
    private readonly driver: MailboxDriver,
    /** The topic this receive waits on. */
    readonly topic: string,
  ) {
    super();
  }

  /** The next message of the topic; pending while there is none. Throws `RuntimeShutdownError` after shutdown. */
  poll(cx: Context): Poll<T> {
    const driver = this.driver;
    if (this.shut || driver.isShutdown) {
      driver.forget(this.topic, this);
      throw new RuntimeShutdownError('this mailbox receiver');
    }
    const message = driver.take(this.topic);
    if (message !== NO_MESSAGE) {
      driver.forget(this.topic, this);
      this.waker = null;
      return message as T;
    }
    this.waker = cx.waker;
    driver.register(this.topic, this);
    return PENDING;
  }

  /** @internal A message may be there. */
  wake(): void {
    this.waker?.wake();
  }

  /** @internal The driver shut down. */
  shutdown(): void {
    this.shut = true;
    this.waker?.wake();
  }

  /** Stops waiting (the task was aborted); a message not yet taken stays in the mailbox for the next receiver. */
  [Symbol.dispose](): void {
    this.driver.forget(this.topic, this);
    this.waker = null;
  }
}

/**
 * Receives the next message posted under `topic` to this runtime thread's mailbox:
 * `const job = yield* recv<Job>('jobs')` in a generator task, `await recv('jobs')` in an async
 * one. Messages of one topic arrive in the order each sender posted them; several tasks waiting
 * on one topic get one message each, oldest waiter first. `T` is what you expect the sender to
 * have sent (messages travel as JSON; nothing checks the shape). Throws where the driver is
 * missing: `NoRuntimeError`, `DriverDisabledError`, `DriverNotDrivenError`, `RuntimeShutdownError`.
 */
export function recv<T = unknown>(topic: string): Recv<T> {
  if (typeof topic !== 'string') throw new TypeError('recv: the topic must be a string');
  return new Recv<T>(currentMailboxDriver(), topic);
}
