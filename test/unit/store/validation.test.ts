import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InvalidInputError } from '../../../src/errors.ts';
import {
  checkLimit,
  checkPositiveInteger,
  checkPositiveSafeIntegers,
} from '../../../src/store/validation.ts';

describe('store argument checks', () => {
  it('checkPositiveInteger returns the value or names the bound in its error', () => {
    assert.equal(checkPositiveInteger('maxStates', 3), 3);
    for (const v of [0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY])
      assert.throws(
        () => checkPositiveInteger('maxStates', v),
        (e: unknown) =>
          e instanceof InvalidInputError && e.message === `maxStates must be a positive integer, got ${v}`,
      );
  });
  it('checkPositiveSafeIntegers accepts positive safe integers and names the first bad bound after the prefix', () => {
    assert.doesNotThrow(() =>
      checkPositiveSafeIntegers({ maxReports: 1, maxBytes: Number.MAX_SAFE_INTEGER }),
    );
    for (const v of [0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 53])
      assert.throws(
        () => checkPositiveSafeIntegers({ maxReports: 5, maxBytes: v, other: 0 }, 'report store '),
        (e: unknown) =>
          e instanceof InvalidInputError &&
          e.message === `report store maxBytes must be a positive integer, got ${v}`,
      );
    assert.throws(
      () => checkPositiveSafeIntegers({ maxPerTenant: 0 }),
      /^.*maxPerTenant must be a positive integer, got 0$/,
    );
  });
  it('checkLimit is the same check for `limit`', () => {
    assert.doesNotThrow(() => checkLimit(1));
    assert.throws(
      () => checkLimit(0),
      /^InvalidInputError: limit must be a positive integer, got 0$|limit must be a positive integer, got 0/,
    );
  });
});
