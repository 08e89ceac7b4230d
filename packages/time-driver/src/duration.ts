import { ArgumentRangeError } from '@tide/core';
import { describeArgument } from '@tide/core/driver';

/** Checks a duration in milliseconds: a finite number ≥ 0 (NaN, negative and infinite are refused, never read as 0). */
export function checkDuration(what: string, ms: number): number {
  if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0) {
    throw new ArgumentRangeError(`${what}: duration must be a finite number of milliseconds ≥ 0, got ${describeArgument(ms)}`);
  }
  return ms;
}
