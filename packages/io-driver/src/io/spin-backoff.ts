/**
 * Decides whether a thread about to sleep should first watch for work for a few microseconds.
 * Spinning pays off when the other thread answers within the spin (a loopback round trip) and
 * only wastes CPU when it does not (a slow peer, or cores shared with other busy processes):
 * after each spin that found nothing, the next 1, 3, 7, … 63 sleeps go without one; a spin that
 * found work resets that.
 *
 * @internal
 */
export class SpinBackoff {
  private skip = 0;
  private failures = 0;

  /** True if this sleep should spin first. */
  shouldSpin(): boolean {
    if (this.skip === 0) return true;
    this.skip--;
    return false;
  }

  /** The spin found work. */
  success(): void {
    this.failures = 0;
  }

  /** The spin found nothing. */
  failure(): void {
    if (this.failures < 6) this.failures++;
    this.skip = (1 << this.failures) - 1;
  }
}
