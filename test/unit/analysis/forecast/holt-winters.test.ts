import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import {
  fitHoltWinters,
  forecastHoltWinters,
  holtWintersInitialState,
  holtWintersVarianceFactor,
} from '../../../../src/analysis/forecast/holt-winters.ts';
import { nelderMead } from '../../../../src/analysis/forecast/nelder-mead.ts';
import { normalQuantile } from '../../../../src/math/normal.ts';
import { InvalidInputError } from '../../../../src/errors.ts';

const close = (a: number, b: number, tol: number): void =>
  assert.ok(Math.abs(a - b) <= tol, `${a} vs ${b} (tol ${tol})`);

describe('Holt-Winters (additive)', () => {
  // m = 2, y = [1, 3, 2, 4, 4, 6]. Seasons 1, 2: A1 = 2, A2 = 3 → b0 = 0.5, ℓ = 2 − 0.5·1.5 = 1.25,
  // s0 = mean(1 − 2 + 0.25, 2 − 3 + 0.25) = −0.75, s1 = +0.75. The first four values lie exactly on
  // trend + season, so ℓ = 3.25, b = 0.5 after t = 3 with zero errors. With α = 0.5, β* = 0.4, γ = 0.3:
  // t = 4: ŷ = 3.25 + 0.5 − 0.75 = 3, e = 1; ℓ = 0.5(4 + 0.75) + 0.5(3.75) = 4.25;
  //        s0 = 0.3(4 − 3.25 − 0.5) + 0.7(−0.75) = −0.45; b = 0.4(4.25 − 3.25) + 0.6·0.5 = 0.7.
  // t = 5: ŷ = 4.25 + 0.7 + 0.75 = 5.7, e = 0.3; ℓ = 0.5(6 − 0.75) + 0.5(4.95) = 5.1;
  //        s1 = 0.3(6 − 4.25 − 0.7) + 0.7·0.75 = 0.84; b = 0.4(5.1 − 4.25) + 0.6·0.7 = 0.76.
  // Forecasts: h=1: 5.1 + 0.76 − 0.45 = 5.41; h=2: 5.1 + 1.52 + 0.84 = 7.46; h=3: 5.1 + 2.28 − 0.45 = 6.93.
  const ys = [1, 3, 2, 4, 4, 6];
  const params = { alpha: 0.5, beta: 0.4, gamma: 0.3 };

  it('initialises from the first two seasons', () => {
    const s = holtWintersInitialState(ys, 2);
    close(s.level, 1.25, 1e-12);
    close(s.trend, 0.5, 1e-12);
    close(s.season[0]!, -0.75, 1e-12);
    close(s.season[1]!, 0.75, 1e-12);
  });

  it('equals hand-computed states and forecasts for fixed α, β*, γ', () => {
    const fit = fitHoltWinters(ys, { seasonLength: 2, params });
    close(fit.level, 5.1, 1e-12);
    close(fit.trend, 0.76, 1e-12);
    close(fit.season[0]!, -0.45, 1e-12);
    close(fit.season[1]!, 0.84, 1e-12);
    assert.deepEqual(
      [...fit.fitted].map((v) => Math.round(v * 1e12) / 1e12),
      [1, 3, 2, 4, 3, 5.7],
    );
    close(fit.sse, 1.09, 1e-12);
    close(fit.sigma, Math.sqrt(1.09 / 3), 1e-12);
    close(forecastHoltWinters(fit, 1).mean, 5.41, 1e-12);
    close(forecastHoltWinters(fit, 2).mean, 7.46, 1e-12);
    close(forecastHoltWinters(fit, 3).mean, 6.93, 1e-12);
    const p = forecastHoltWinters(fit, 1, 0.95);
    close(p.upper - p.mean, normalQuantile(0.975) * fit.sigma, 1e-12);
  });

  it('variance factor equals the closed form and 1 + Σ c_j², c_j = α + βj + γ·[m | j]', () => {
    const p = { alpha: 0.3, beta: 0.2, gamma: 0.4 };
    const b = p.alpha * p.beta;
    const m = 4;
    for (const h of [1, 2, 4, 5, 9, 13, 40]) {
      let sum = 1;
      for (let j = 1; j < h; j++) {
        const c = p.alpha + b * j + (j % m === 0 ? p.gamma : 0);
        sum += c * c;
      }
      close(holtWintersVarianceFactor(p, m, h), sum, 1e-9 * sum);
    }
    assert.equal(holtWintersVarianceFactor(p, m, 1), 1);
  });

  it('widens intervals with the horizon', () => {
    const fit = fitHoltWinters(ys, { seasonLength: 2, params });
    const w = [1, 2, 5, 20].map((h) => {
      const f = forecastHoltWinters(fit, h);
      return f.upper - f.lower;
    });
    for (let i = 1; i < w.length; i++) assert.ok(w[i]! > w[i - 1]!);
  });

  it('recovers a noisy sine + trend: fitted forecasts 2 seasons ahead are within the noise', () => {
    const m = 24;
    let seed = 1;
    const noise = (): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648 - 0.5; // uniform ±0.5, sd 0.29
    };
    const truth = (t: number): number => 10 + 0.05 * t + 5 * Math.sin((2 * Math.PI * t) / m);
    const n = 10 * m;
    const y = Array.from({ length: n }, (_, t) => truth(t) + noise());
    const fit = fitHoltWinters(y, { seasonLength: m });
    let maxErr = 0;
    for (let h = 1; h <= 2 * m; h++)
      maxErr = Math.max(maxErr, Math.abs(forecastHoltWinters(fit, h).mean - truth(n - 1 + h)));
    assert.ok(maxErr < 0.6, `max error ${maxErr} (amplitude 5, noise ±0.5)`);
    assert.ok(fit.sigma > 0.2 && fit.sigma < 0.45, `sigma ${fit.sigma}`);
    assert.ok(fit.iterations > 0 && fit.iterations <= 150);
    assert.ok(fit.params.gamma <= 1 - fit.params.alpha + 1e-12);
  });

  it('without trend (ETS(A,N,A)) keeps b = 0 and fits only α, γ', () => {
    const m = 4;
    const y = Array.from({ length: 40 }, (_, t) => 5 + [1, -1, 2, -2][t % m]!);
    const fit = fitHoltWinters(y, { seasonLength: m, trend: false });
    assert.equal(fit.trend, 0);
    assert.equal(fit.params.beta, 0);
    close(forecastHoltWinters(fit, 3).mean, 7, 1e-9);
  });

  it('rejects bad input', () => {
    assert.throws(() => fitHoltWinters([1, 2, 3], { seasonLength: 2 }), InvalidInputError);
    assert.throws(() => fitHoltWinters(ys, { seasonLength: 1 }), InvalidInputError);
    assert.throws(() => fitHoltWinters([1, 2, Number.NaN, 4], { seasonLength: 2 }), InvalidInputError);
    assert.throws(
      () => fitHoltWinters(ys, { seasonLength: 2, params: { alpha: 0.8, beta: 0.1, gamma: 0.5 } }),
      InvalidInputError,
    );
    const fit = fitHoltWinters(ys, { seasonLength: 2, params });
    assert.throws(() => forecastHoltWinters(fit, 0), InvalidInputError);
    assert.throws(() => forecastHoltWinters(fit, 1.5), InvalidInputError);
  });
});

describe('nelderMead', () => {
  it('minimises the Rosenbrock function within its iteration bound', () => {
    const r = nelderMead((x) => 100 * (x[1]! - x[0]! ** 2) ** 2 + (1 - x[0]!) ** 2, [-1.2, 1], {
      maxIterations: 1000,
      tolerance: 1e-14,
    });
    close(r.x[0]!, 1, 1e-3);
    close(r.x[1]!, 1, 1e-3);
    assert.ok(r.iterations <= 1000);
    const bounded = nelderMead((x) => (x[0]! - 3) ** 2, [0], { maxIterations: 5 });
    assert.equal(bounded.iterations, 5);
  });
});
