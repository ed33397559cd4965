/** Input checks shared by the SDK recorders. */
import { InvalidInputError } from '../errors.ts';

/**
 * Returns `v` when it is a finite number >= 0.
 * @throws InvalidInputError naming `what` otherwise (NaN, Infinity, negative).
 */
export function nonNegative(v: number, what: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) {
    throw new InvalidInputError(`${what} must be a finite number >= 0, got ${String(v)}`);
  }
  return v;
}

/**
 * Returns `v` when it is finite and within [lo, hi].
 * @throws InvalidInputError naming `what` otherwise.
 */
export function inRange(v: number, lo: number, hi: number, what: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < lo || v > hi) {
    throw new InvalidInputError(`${what} must be a finite number in [${lo}, ${hi}], got ${String(v)}`);
  }
  return v;
}

/**
 * Returns `s` when it is a non-empty string.
 * @throws InvalidInputError naming `what` otherwise.
 */
export function nonEmpty(s: string, what: string): string {
  if (typeof s !== 'string' || s.length === 0)
    throw new InvalidInputError(`${what} must be a non-empty string`);
  return s;
}
