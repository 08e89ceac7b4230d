import { TideError } from '@tide/core';

/** What a misuse of the paused clock was. */
export type ClockErrorKind = 'already-frozen' | 'not-frozen' | 'unsupported-flavor';

/**
 * A misuse of the paused clock: pausing twice, resuming or advancing time that is not frozen, or
 * pausing on a multi-thread runtime (only a current-thread runtime can pause time, as in Tokio).
 */
export class ClockError extends TideError {
  /** `E_TIME_FROZEN`, `E_TIME_NOT_FROZEN` or `E_PAUSE_UNSUPPORTED`. */
  readonly code: 'E_TIME_FROZEN' | 'E_TIME_NOT_FROZEN' | 'E_PAUSE_UNSUPPORTED';
  /** @param kind - what went wrong. */
  constructor(readonly kind: ClockErrorKind) {
    super(
      kind === 'already-frozen'
        ? 'time is already frozen: pause() was called twice without resume() in between'
        : kind === 'not-frozen'
          ? 'time is not frozen: call pause() (or build the time driver with { startPaused: true }) before resume() or advance()'
          : 'the paused clock is only supported on a current-thread runtime (as in Tokio): multi-thread workers each run their own clock',
    );
    this.code = kind === 'already-frozen' ? 'E_TIME_FROZEN' : kind === 'not-frozen' ? 'E_TIME_NOT_FROZEN' : 'E_PAUSE_UNSUPPORTED';
  }
}
