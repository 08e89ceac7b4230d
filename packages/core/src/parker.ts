/**
 * `@tide/core/parker`: the parker protocol alone, with no other part of core — for a thread that
 * only has to wake a runtime thread (a driver's reactor thread, a worker posting results) and
 * should not load the runtime to do so.
 *
 * ```ts
 * import { unparkParker } from '@tide/core/parker';
 * const state = new Int32Array(parkerBuffer); // a Parker's `buffer`, sent by the runtime thread
 * unparkParker(state); // after posting an event the runtime must see
 * ```
 *
 * The same `Parker` class is exported from `@tide/core/driver`.
 *
 * @packageDocumentation
 */
export { Parker, unparkParker, PARKER_EMPTY, PARKER_PARKED, PARKER_NOTIFIED } from './driver/parker.js';
