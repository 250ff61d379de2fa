// Numeric bounds the envelope and message bodies share (issue 12, finding 7).
import Type from 'typebox';

/**
 * The latest instant a JavaScript Date can hold (ECMAScript §21.4.1.22, "Time Values and Time
 * Range": ±8.64e15 ms). A timestamp past it is no time at all (`new Date(ts)` is Invalid Date).
 * How far a valid `ts` may stray from the hub's clock is the hub's business (its clock is not
 * the protocol's): see CLOCK_WINDOW in @cellfleet/core.
 */
export const MAX_TIMESTAMP_MS = 8.64e15;
/** Milliseconds since the epoch, within what a Date can hold. */
export const Timestamp = Type.Integer({ minimum: 0, maximum: MAX_TIMESTAMP_MS });
/**
 * A counter (sequence, session): an integer a double holds exactly (2^53 − 1), so it survives
 * JSON, JavaScript and a BIGINT column unchanged; `seq: 1e308` is an integer to JSON Schema, and
 * was stored as a REAL (issue 12, finding 7).
 */
export const Counter = Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER });
