/** Checks every streaming detector's tests share: non-finite input and option validation. */
import assert from 'node:assert/strict';
import { NOT_JUDGED, type PersistentDetector } from '../../src/analysis/anomaly/detector.ts';
import { InvalidInputError } from '../../src/errors.ts';

/** NaN, +Infinity and −Infinity. */
export const NON_FINITE: readonly number[] = [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY];

/**
 * Asserts that `d` answers every non-finite value with a verdict that is not anomalous and still warming up
 * (`NOT_JUDGED` itself when `exact`), and that its learned state (snapshot) does not change.
 */
export function assertIgnoresNonFinite(d: PersistentDetector, exact = true): void {
  const before = JSON.stringify(d.snapshot());
  for (const x of NON_FINITE) {
    const v = d.update(x, 0);
    if (exact) assert.equal(v, NOT_JUDGED, String(x));
    assert.equal(v.anomalous, false, String(x));
    assert.equal(v.warmingUp, true, String(x));
  }
  assert.equal(JSON.stringify(d.snapshot()), before);
}

/** Asserts that `create(options)` throws InvalidInputError for each of `bad` (named in the failure message). */
export function assertRejectsOptions(
  create: (options: Record<string, unknown>) => unknown,
  bad: readonly Record<string, unknown>[],
): void {
  for (const o of bad) assert.throws(() => create(o), InvalidInputError, JSON.stringify(o));
}
