import { FutureBase, PENDING, RuntimeShutdownError, type Context, type Poll, type Waker } from '@tide/core';
import type { IoDriver } from '../driver.js';
import type { IoError } from '../errors.js';

/**
 * Whatever waits for the completion of a request sent to the reactor.
 *
 * @internal
 */
export interface IoRequest {
  /** Request `req` succeeded (fields depend on the command; `data` is a view into the arena, valid during the call). */
  complete(req: number, a: number, b: number, x: number, data: Uint8Array | null): void;
  /** Request `req` failed. */
  fail(req: number, error: IoError | Error): void;
  /** The driver shut down before the request completed. */
  onShutdown(): void;
}

const IDLE = 0;
const WAITING = 1;
const DONE = 2;
const FAILED = 3;
const DROPPED = 4;
/** DONE, and the value was handed to the caller. */
const TAKEN = 5;

/**
 * A future that sends one command to the reactor when first polled and completes with its
 * completion: bind, connect, shutdown, a file operation. Subclasses say what to send
 * ({@link RequestFuture.start}) and what the completion means ({@link RequestFuture.result}).
 *
 * Dropped while waiting (`[Symbol.dispose]`, when its task is aborted) it forgets the request
 * (its completion is ignored) and releases whatever the completion would have created
 * ({@link RequestFuture.abandon}). Dropped after it completed but before its task took the value
 * (the completion arrived in the same turn as the abort), it disposes of the value if that is a
 * resource (a stream, listener, socket or file is closed). After the runtime shut down it fails
 * with `RuntimeShutdownError`.
 *
 * @internal
 */
export abstract class RequestFuture<T> extends FutureBase<T, 'io'> implements IoRequest {
  private state = IDLE;
  private req = 0;
  private waker: Waker | null = null;
  private value: T | undefined;
  private error: unknown;

  /**
   * @param driver - the driver to send through.
   * @param what - names the operation in `RuntimeShutdownError` messages.
   */
  constructor(
    protected readonly driver: IoDriver,
    private readonly what: string,
  ) {
    super();
  }

  /** Sends the command (with `driver.request(…, this)`) and returns its request id. */
  protected abstract start(): number;

  /** Turns the completion into the future's value (may throw to fail). */
  protected abstract result(a: number, b: number, x: number, data: Uint8Array | null): T;

  /** The future was dropped while waiting: release what the completion would create. */
  protected abandon(): void {}

  /** Ready with the completion's value; throws its error, or `RuntimeShutdownError` after shutdown. */
  poll(cx: Context): Poll<T> {
    const state = this.state;
    if (state === DONE || state === TAKEN) {
      this.state = TAKEN;
      return this.value as T;
    }
    if (state === FAILED) throw this.error;
    if (this.driver.isShutdown) {
      this.state = DROPPED;
      throw new RuntimeShutdownError(this.what);
    }
    this.waker = cx.waker;
    if (state === IDLE) {
      this.state = WAITING;
      try {
        this.driver.checkRuntime(this.what);
        this.req = this.start();
      } catch (error) {
        this.state = FAILED;
        this.error = error;
        throw error;
      }
    }
    return PENDING;
  }

  /** Completes the future with `value` without sending anything (it was never polled). @internal */
  completeNow(value: T): void {
    if (this.state !== IDLE) return;
    this.value = value;
    this.state = DONE;
  }

  /** @internal */
  complete(_req: number, a: number, b: number, x: number, data: Uint8Array | null): void {
    if (this.state !== WAITING) return;
    try {
      this.value = this.result(a, b, x, data);
      this.state = DONE;
    } catch (error) {
      this.error = error;
      this.state = FAILED;
    }
    this.wake();
  }

  /** @internal */
  fail(_req: number, error: Error): void {
    if (this.state !== WAITING) return;
    this.error = error;
    this.state = FAILED;
    this.wake();
  }

  /** @internal */
  onShutdown(): void {
    this.wake();
  }

  /** Forgets the request if it is still waiting (the task waiting on it was aborted). */
  override [Symbol.dispose](): void {
    if (this.state === WAITING) {
      this.state = DROPPED;
      this.driver.forget(this.req);
      this.abandon();
    } else if (this.state === DONE) {
      // Completed, but nobody will ever see the value: a resource must not stay open in the reactor.
      this.state = DROPPED;
      const value = this.value as unknown;
      this.value = undefined;
      if (typeof value === 'object' && value !== null && Symbol.dispose in value) (value as Disposable)[Symbol.dispose]();
    }
    this.waker = null;
  }

  private wake(): void {
    const waker = this.waker;
    this.waker = null;
    waker?.wake();
  }
}
