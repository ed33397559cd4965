import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import {
  exactUCounts,
  mannWhitneyU,
  pairwiseDifferenceOrderStatistic,
} from '../../../../src/analysis/canary/mann-whitney.ts';
import { InvalidInputError } from '../../../../src/errors.ts';
import { Prng } from '../../../../src/sim/prng.ts';

const close = (a: number, b: number, eps = 1e-12): void =>
  assert.ok(Math.abs(a - b) <= eps, `${a} != ${b} (eps ${eps})`);

/** Brute force: all pairwise differences x_i − y_j, ascending. */
function diffs(x: readonly number[], y: readonly number[]): number[] {
  const d: number[] = [];
  for (const a of x) for (const b of y) d.push(a - b);
  return d.sort((p, q) => p - q);
}
function median(a: readonly number[]): number {
  const n = a.length;
  return n % 2 ? a[(n - 1) / 2]! : (a[n / 2 - 1]! + a[n / 2]!) / 2;
}
/** Brute force: exact null distribution of U by enumerating every choice of x's ranks among 1..m+n. */
function enumerateU(m: number, n: number): number[] {
  const counts = new Array<number>(m * n + 1).fill(0);
  const rec = (start: number, left: number, rankSum: number): void => {
    if (left === 0) {
      counts[rankSum - (m * (m + 1)) / 2]!++;
      return;
    }
    for (let r = start; r <= m + n; r++) rec(r + 1, left - 1, rankSum + r);
  };
  rec(1, m, 0);
  return counts;
}

describe('mannWhitneyU against known answers', () => {
  it('20 vs 20 with ties: U and p of scipy 1.17.1 / ClickHouse test 01560_mann_whitney', () => {
    // Expected U = 223, p = 0.5426959774289482: scipy.stats.mannwhitneyu(x, y) (asymptotic, continuity) run
    // locally with scipy 1.17.1; ClickHouse's tests/queries/0_stateless/01560_mann_whitney.sql expects the same.
    const x = [
      310, 195, 530, 155, 530, 245, 385, 450, 465, 545, 170, 180, 125, 180, 230, 75, 430, 480, 495, 295,
    ];
    const y = [
      116, 171, 176, 421, 111, 326, 481, 111, 346, 441, 261, 411, 206, 521, 456, 446, 296, 51, 426, 261,
    ];
    const r = mannWhitneyU(x, y);
    assert.equal(r.u1, 223);
    assert.equal(r.u2, 177);
    assert.equal(r.ties, true);
    assert.equal(r.exact, false);
    close(r.pValue, 0.5426959774289482, 1e-14);
    assert.equal(r.shift, median(diffs(x, y))); // 24 (numpy median of the outer differences)
    assert.equal(r.shift, 24);
    assert.ok(r.shiftLower < 24 && r.shiftUpper > 24);
  });

  it('small sample, no ties: hand-computed U and exact p', () => {
    // U by hand: 19 beats 11,17,12 (3); 22 beats all 4; 16 beats 11,12 (2); 29 and 24 beat all (4+4) → 17.
    // Exact p by hand: C(9,4) = 126 arrangements; P(U ≤ 3) = (1+1+2+3)/126 → p = 2·7/126 = 1/9 (scipy: 0.1111…).
    const r = mannWhitneyU([19, 22, 16, 29, 24], [20, 11, 17, 12]);
    assert.equal(r.u1, 17);
    assert.equal(r.exact, true);
    close(r.pValue, 14 / 126, 1e-15);
    assert.equal(r.shift, 7); // median of the 20 differences, brute force
    assert.equal(r.shift, median(diffs([19, 22, 16, 29, 24], [20, 11, 17, 12])));
  });

  it('textbook race example (tortoise and hare, Wikipedia "Mann–Whitney U test")', () => {
    // Finishing order T H H H H H T T T T T H; x = tortoise finishing positions, y = hare positions.
    // Hand count: the first tortoise finishes ahead of 6 hares, the other five ahead of 1 each → tortoises win
    // 11 contests, so U of the tortoises' *positions* (how often a tortoise position exceeds a hare's) = 36 − 11 = 25.
    // p-values from scipy 1.17.1: exact 0.30952380952380953, asymptotic 0.2979530616081678.
    const t = [1, 7, 8, 9, 10, 11];
    const h = [2, 3, 4, 5, 6, 12];
    const ex = mannWhitneyU(t, h);
    assert.equal(ex.u1, 25);
    assert.equal(ex.u2, 11);
    close(ex.pValue, 0.30952380952380953, 1e-15);
    const as = mannWhitneyU(t, h, { method: 'asymptotic' });
    close(as.pValue, 0.2979530616081678, 1e-14);
  });

  it('ties within and across samples: tie-corrected variance, with and without continuity (scipy 1.17.1)', () => {
    const x = [1, 2, 2, 3, 5, 6];
    const y = [2, 3, 3, 4, 7, 8, 9];
    const r = mannWhitneyU(x, y);
    assert.equal(r.u1, 11);
    assert.equal(r.exact, false); // ties force the normal approximation
    close(r.pValue, 0.16996790760227598, 1e-14);
    close(mannWhitneyU(x, y, { continuity: false }).pValue, 0.14858893087037514, 1e-14);
    assert.throws(() => mannWhitneyU(x, y, { method: 'exact' }), InvalidInputError);
  });

  it('30 vs 25 values: p and Hodges-Lehmann estimate (scipy/numpy)', () => {
    const a = [
      10.69, 11.64, 10.66, 7.39, 11.81, 10.89, 8.93, 11.16, 10.73, 10.59, 10.06, 11.09, 8.53, 9.67, 9.04,
      11.2, 10.08, 9.42, 8.44, 9.49, 10.02, 9.45, 12.59, 12.01, 4.58, 6.22, 9.65, 9.16, 10.43, 10.43,
    ];
    const b = [
      15.24, 8.78, 10.24, 15.09, 12.29, 12.33, 9.97, 7.7, 11.33, 11.22, 8.55, 9.63, 10.86, 9.11, 10.8, 11.19,
      11.07, 9.99, 12.19, 12.78, 11.64, 9.36, 12.46, 10.0, 12.76,
    ];
    const r = mannWhitneyU(a, b);
    assert.equal(r.u1, 249.5);
    close(r.pValue, 0.03460403216242977, 1e-13);
    close(mannWhitneyU(a, b, { continuity: false }).pValue, 0.03388700245000851, 1e-13);
    close(r.shift, -0.955, 1e-12); // numpy.median(numpy.subtract.outer(a, b))
    assert.equal(r.shift, median(diffs(a, b)));
    assert.ok(r.z < 0);
  });

  it('all values equal: z = 0, p = 1, zero shift', () => {
    const r = mannWhitneyU([3, 3, 3], [3, 3]);
    assert.equal(r.z, 0);
    assert.equal(r.pValue, 1);
    assert.equal(r.shift, 0);
    assert.equal(r.shiftLower, 0);
    assert.equal(r.shiftUpper, 0);
  });
});

describe('exact distribution and interval', () => {
  it('exactUCounts equals brute-force enumeration and sums to C(m+n, m)', () => {
    for (const [m, n] of [
      [1, 1],
      [3, 4],
      [4, 3],
      [5, 4],
      [6, 6],
      [2, 7],
    ] as const) {
      const c = exactUCounts(m, n).map(Number);
      assert.deepEqual(c, enumerateU(m, n), `m=${m}, n=${n}`);
    }
  });

  it('exact interval is [D(C), D(mn+1−C)] with C the α/2 quantile of U (R wilcox.test rule)', () => {
    const x = [19, 22, 16, 29, 24];
    const y = [20, 11, 17, 12];
    const dist = enumerateU(5, 4);
    const total = dist.reduce((s, v) => s + v, 0);
    for (const confidence of [0.8, 0.9, 0.95]) {
      const alpha = 1 - confidence;
      let c = 0;
      let cum = dist[0]!;
      while (cum / total < alpha / 2) cum += dist[++c]!;
      if (c === 0) c = 1;
      const d = diffs(x, y);
      const r = mannWhitneyU(x, y, { confidence });
      assert.equal(r.shiftLower, d[c - 1]);
      assert.equal(r.shiftUpper, d[d.length - c]);
    }
  });

  it('asymptotic interval covers the true shift about as often as promised (seeded simulation)', () => {
    const rng = new Prng(7);
    let covered = 0;
    const runs = 300;
    for (let k = 0; k < runs; k++) {
      const x = Array.from({ length: 30 }, () => rng.gaussian(2, 1));
      const y = Array.from({ length: 25 }, () => rng.gaussian(0, 1));
      const r = mannWhitneyU(x, y, { confidence: 0.9 });
      if (r.shiftLower <= 2 && 2 <= r.shiftUpper) covered++;
    }
    const rate = covered / runs;
    assert.ok(rate > 0.85 && rate < 0.95, `coverage ${rate}`);
  });

  it('a wider confidence gives a wider interval around the same estimate', () => {
    const rng = new Prng(3);
    const x = Array.from({ length: 40 }, () => rng.gaussian(1, 1));
    const y = Array.from({ length: 40 }, () => rng.gaussian(0, 1));
    const a = mannWhitneyU(x, y, { confidence: 0.8 });
    const b = mannWhitneyU(x, y, { confidence: 0.98 });
    assert.equal(a.shift, b.shift);
    assert.ok(b.shiftLower <= a.shiftLower && b.shiftUpper >= a.shiftUpper);
    assert.ok(a.shiftLower < a.shift && a.shift < a.shiftUpper);
  });

  it('pairwise-difference order statistics match a full sort, with ties and negatives', () => {
    const rng = new Prng(11);
    for (let trial = 0; trial < 20; trial++) {
      const x = Array.from({ length: 1 + rng.int(0, 12) }, () => rng.int(-5, 5) / 2);
      const y = Array.from({ length: 1 + rng.int(0, 12) }, () => rng.gaussian(0, 2));
      const d = diffs(x, y);
      const xs = Float64Array.from(x).sort();
      const ys = Float64Array.from(y).sort();
      for (let k = 1; k <= d.length; k++)
        assert.equal(pairwiseDifferenceOrderStatistic(xs, ys, k), d[k - 1], `k=${k}`);
    }
    assert.throws(
      () => pairwiseDifferenceOrderStatistic(Float64Array.of(1), Float64Array.of(2), 2),
      InvalidInputError,
    );
  });
});

describe('bad input', () => {
  it('empty sample, NaN, Infinity and a bad confidence throw InvalidInputError with a clear message', () => {
    assert.throws(() => mannWhitneyU([], [1]), { name: 'InvalidInputError', message: /sample x is empty/ });
    assert.throws(() => mannWhitneyU([1], []), { name: 'InvalidInputError', message: /sample y is empty/ });
    assert.throws(() => mannWhitneyU([1, Number.NaN], [1]), {
      name: 'InvalidInputError',
      message: /x\[1\] is NaN/,
    });
    assert.throws(() => mannWhitneyU([1], [Infinity]), { message: /must be finite/ });
    assert.throws(() => mannWhitneyU([1], [2], { confidence: 1 }), {
      message: /confidence must be in \(0, 1\)/,
    });
  });
});
