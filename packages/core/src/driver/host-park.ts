import type { Parker } from './parker.js';

/**
 * A driver's `parkAsync` building block: waits on the runtime's {@link Parker} without blocking
 * the thread, bounded by one host timer. The timer is ref'd, so a pending deadline keeps the
 * process alive, as a `setTimeout` would; {@link HostPark.cancelTimer} drops it at shutdown.
 */
export class HostPark {
  private timer: ReturnType<typeof setTimeout> | undefined;

  /** @param parker - the runtime's parker (`DriverContext.parker`). */
  constructor(private readonly parker: Parker) {}

  /** Resolves on an unpark, when `signal` aborts, or after `timeoutMs` (`Infinity`: no timer). */
  async wait(timeoutMs: number, signal?: AbortSignal): Promise<void> {
    const controller = new AbortController();
    const onAbort = (): void => controller.abort();
    signal?.addEventListener('abort', onAbort, { once: true });
    if (timeoutMs !== Infinity) this.timer = setTimeout(onAbort, Math.ceil(timeoutMs));
    try {
      await this.parker.parkAsync(Infinity, controller.signal);
    } finally {
      this.cancelTimer();
      signal?.removeEventListener('abort', onAbort);
    }
  }

  /** Clears the pending host timer, so that it keeps nothing alive (shutdown). */
  cancelTimer(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }
}
