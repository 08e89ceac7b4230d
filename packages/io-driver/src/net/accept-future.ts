import { FutureBase, PENDING, type Context, type Poll, type Waker } from '@tide/core';
import type { Interest } from '../io/interest.js';
import type { TcpListener } from './tcp-listener.js';
import type { TcpStream } from './tcp-stream.js';

/** `listener.accept()`: the next incoming connection. */
export class AcceptFuture extends FutureBase<TcpStream, 'io'> implements Interest {
  /** @internal */
  waker: Waker | null = null;

  /** @internal Use `listener.accept()`. */
  constructor(private readonly listener: TcpListener) {
    super();
  }

  /** Ready with a connection; throws the listener's error, `E_CLOSED` or `RuntimeShutdownError`. */
  poll(cx: Context): Poll<TcpStream> {
    const listener = this.listener;
    listener.check('accept');
    const stream = listener.takeConnection();
    if (stream !== undefined) {
      if (this.waker !== null) listener.acceptors.unregister(this);
      return stream;
    }
    if (listener.error !== null) throw listener.error;
    listener.acceptors.register(this, cx.waker, 'TcpListener.accept');
    return PENDING;
  }

  /** Stops waiting (the task was aborted); no connection is lost. */
  override [Symbol.dispose](): void {
    this.listener.acceptors.unregister(this);
  }
}
