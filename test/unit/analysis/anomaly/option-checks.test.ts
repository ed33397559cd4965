import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkIntIn, definedOptions, isIntIn } from '../../../../src/analysis/anomaly/option-checks.ts';
import { InvalidInputError } from '../../../../src/errors.ts';

describe('detector option checks', () => {
  it('definedOptions drops undefined fields only', () => {
    assert.deepEqual(definedOptions({ a: 1, b: undefined, c: 0, d: null }), { a: 1, c: 0, d: null });
  });
  it('isIntIn accepts integers inside the closed range only', () => {
    assert.deepEqual(
      [2, 3, 5].map((v) => isIntIn(v, 2, 5)),
      [true, true, true],
    );
    assert.deepEqual(
      [1, 6, 2.5, Number.NaN, '3'].map((v) => isIntIn(v, 2, 5)),
      [false, false, false, false, false],
    );
  });
  it('checkIntIn names the option and the range', () => {
    assert.doesNotThrow(() => checkIntIn('lag', 1, 1, 200));
    assert.throws(
      () => checkIntIn('lag', 0, 1, 200),
      (e: unknown) =>
        e instanceof InvalidInputError && e.message === 'lag must be an integer in [1, 200], got 0',
    );
  });
});
