/**
 * Helpers the detectors' option resolvers share: dropping `undefined` fields before merging over defaults, and
 * integer range checks with one error wording. Pure.
 */
import { InvalidInputError } from '../../errors.ts';

/** A copy of `o` without its `undefined` fields (so a merge over defaults keeps the defaults for them). */
export function definedOptions<T extends object>(o: T): Partial<T> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) if (v !== undefined) out[k] = v;
  return out as Partial<T>;
}

/** Whether `v` is an integer in `[lo, hi]`. */
export function isIntIn(v: unknown, lo: number, hi: number): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v >= lo && v <= hi;
}

/** @throws InvalidInputError "`name` must be an integer in [lo, hi], got v" unless `v` is an integer in `[lo, hi]`. */
export function checkIntIn(name: string, v: number, lo: number, hi: number): void {
  if (!isIntIn(v, lo, hi))
    throw new InvalidInputError(`${name} must be an integer in [${lo}, ${hi}], got ${v}`);
}
