import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import {
  NAB_PROFILES,
  probationLength,
  rowWeights,
  scaledSigmoid,
  validateFile,
  type NabFile,
} from '../../../../../src/analysis/anomaly/nab/rules.ts';
import { InvalidInputError } from '../../../../../src/errors.ts';

const STD = NAB_PROFILES.standard;
/** Independent form of NAB's scaled sigmoid: 2σ(−5y) − 1 = tanh(−2.5y). */
const S = (y: number): number => Math.tanh(-2.5 * y);
const close = (a: number, b: number, eps = 1e-12): void => assert.ok(Math.abs(a - b) <= eps, `${a} != ${b}`);

// 20 rows, probation = floor(3) = 3; window A = rows 5..8 (width 4), window B = rows 14..15 (width 2).
const TINY: NabFile = {
  name: 'tiny.csv',
  rows: 20,
  windows: [
    [5, 8],
    [14, 15],
  ],
};

describe('scaledSigmoid', () => {
  it('matches the published anchor values', () => {
    close(scaledSigmoid(-1), 0.9866142981514303, 1e-15);
    assert.equal(scaledSigmoid(0), 0);
    close(scaledSigmoid(1), -0.9866142981514303, 1e-15);
    close(scaledSigmoid(-0.5), 0.8482836399575129, 1e-15);
  });
  it('is exactly -1 from y = 3 on (sweeper.py uses >=)', () => {
    assert.equal(scaledSigmoid(3), -1);
    assert.equal(scaledSigmoid(1e9), -1);
    assert.equal(scaledSigmoid(Number.POSITIVE_INFINITY), -1);
    assert.ok(scaledSigmoid(2.999) > -1);
  });
  it('rejects NaN', () => {
    assert.throws(() => scaledSigmoid(Number.NaN), InvalidInputError);
  });
});

describe('probationLength', () => {
  it('is min(floor(15 % of rows), 750)', () => {
    assert.equal(probationLength(100), 15);
    assert.equal(probationLength(4032), 604);
    assert.equal(probationLength(10_000), 750);
    assert.equal(probationLength(0), 0);
    assert.equal(probationLength(19), 2);
  });
  it('rejects bad input', () => {
    assert.throws(() => probationLength(-1), InvalidInputError);
    assert.throws(() => probationLength(1.5), InvalidInputError);
    assert.throws(() => probationLength(10, 1.5), InvalidInputError);
    assert.throws(() => probationLength(10, Number.NaN), InvalidInputError);
  });
});

describe('rowWeights', () => {
  const w = rowWeights(TINY, STD);
  it('charges -fpWeight before the first window', () => {
    for (let i = 0; i < 5; i++) close(w[i]!, -0.11);
  });
  it('gives tpWeight at a window start, falling to ~0 at its end', () => {
    close(w[5]!, 1);
    close(w[6]!, S(-0.75) / S(-1));
    close(w[7]!, S(-0.5) / S(-1));
    close(w[8]!, S(-0.25) / S(-1));
    close(w[14]!, 1);
    close(w[15]!, S(-0.5) / S(-1));
  });
  it('weights false positives by distance past the last window (width - 1 denominator)', () => {
    close(w[9]!, 0.11 * S(1 / 3));
    close(w[11]!, 0.11 * S(1));
    close(w[13]!, 0.11 * S(5 / 3));
    close(w[16]!, 0.11 * S(1));
    close(w[17]!, 0.11 * S(2));
    assert.equal(w[18]!, -0.11); // y = 3 -> exactly -1
    assert.equal(w[19]!, -0.11);
  });
  it('scales with tpWeight and fpWeight', () => {
    const w2 = rowWeights(TINY, { tpWeight: 2, fnWeight: 1, fpWeight: 0.5 });
    close(w2[5]!, 2);
    close(w2[0]!, -0.5);
  });
  it('treats a width-1 window as infinitely far for later false positives', () => {
    const w1 = rowWeights({ name: 'w1', rows: 6, windows: [[2, 2]] }, STD);
    close(w1[2]!, 1);
    assert.equal(w1[3]!, -0.11);
  });
});

describe('validateFile', () => {
  it('rejects bad windows and row counts', () => {
    assert.throws(() => validateFile({ name: 'x', rows: 10, windows: [[5, 10]] }), /not inside rows/);
    assert.throws(() => validateFile({ name: 'x', rows: 10, windows: [[5, 4]] }), InvalidInputError);
    assert.throws(() => validateFile({ name: 'x', rows: 10, windows: [[-1, 2]] }), InvalidInputError);
    assert.throws(() => validateFile({ name: 'x', rows: 10, windows: [[1.5, 2]] }), InvalidInputError);
    assert.throws(
      () =>
        validateFile({
          name: 'x',
          rows: 10,
          windows: [
            [1, 4],
            [4, 6],
          ],
        }),
      /overlaps/,
    );
    assert.throws(
      () =>
        validateFile({
          name: 'x',
          rows: 10,
          windows: [
            [5, 6],
            [1, 2],
          ],
        }),
      /overlaps or precedes/,
    );
    assert.throws(() => validateFile({ name: 'x', rows: -1, windows: [] }), InvalidInputError);
    validateFile({
      name: 'x',
      rows: 10,
      windows: [
        [0, 0],
        [1, 9],
      ],
    });
  });
});
