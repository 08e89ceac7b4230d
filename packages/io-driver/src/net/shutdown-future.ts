import { RequestFuture } from '../io/request.js';
import { Cmd } from '../reactor/protocol.js';
import type { TcpStream } from './tcp-stream.js';

/** `stream.shutdown()`: completes once the end of stream (FIN) was sent after the pending writes. */
export class ShutdownFuture extends RequestFuture<void> {
  /** @internal Use `stream.shutdown()`. */
  constructor(private readonly stream: TcpStream) {
    super(stream.driver, 'TcpStream.shutdown');
  }

  /** @internal */
  protected start(): number {
    this.stream.check('shutdown');
    return this.driver.request(Cmd.TcpShutdown, this.stream.rid, 0, 0, 0, null, this);
  }

  /** @internal */
  protected result(): void {
    return undefined;
  }
}
