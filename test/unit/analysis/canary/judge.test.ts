import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { JUDGE_DEFAULTS, judgeCanary, judgeMetric } from '../../../../src/analysis/canary/judge.ts';
import { InvalidInputError } from '../../../../src/errors.ts';
import { Prng } from '../../../../src/sim/prng.ts';

function lognormal(seed: number, n: number, median: number, sigma: number): number[] {
  const rng = new Prng(seed);
  return Array.from({ length: n }, () => median * Math.exp(rng.gaussian(0, sigma)));
}
const base = lognormal(1, 200, 0.03, 0.1);
const scaled = (f: number): number[] => lognormal(2, 200, 0.03 * f, 0.1);

describe('judgeMetric', () => {
  it('uses the Kayenta defaults: tolerance 25 %, confidence 98 %', () => {
    assert.equal(JUDGE_DEFAULTS.tolerance, 0.25);
    assert.equal(JUDGE_DEFAULTS.confidence, 0.98);
  });

  it('latency (increase is bad): +50 % is High and failed, −50 % is Low but not failed', () => {
    const up = judgeMetric(base, scaled(1.5), { name: 'latency', badDirection: 'increase', unit: 's' });
    assert.equal(up.classification, 'high');
    assert.equal(up.failed, true);
    assert.ok(up.degradationPercent > 40 && up.degradationPercent < 60, String(up.degradationPercent));
    assert.match(up.reason, /latency high: the whole interval lies above the band \(worse\)/);
    const down = judgeMetric(base, scaled(0.5), { name: 'latency', badDirection: 'increase' });
    assert.equal(down.classification, 'low');
    assert.equal(down.failed, false);
    assert.ok(down.degradationPercent < -40);
  });

  it('throughput (decrease is bad): −50 % is Low and failed, +50 % is High but not failed', () => {
    const low = judgeMetric(base, scaled(0.5), { name: 'throughput', badDirection: 'decrease' });
    assert.equal(low.classification, 'low');
    assert.equal(low.failed, true);
    assert.ok(low.degradationPercent > 40);
    const high = judgeMetric(base, scaled(1.5), { name: 'throughput', badDirection: 'decrease' });
    assert.equal(high.classification, 'high');
    assert.equal(high.failed, false);
  });

  it('either direction fails both ways', () => {
    assert.equal(judgeMetric(base, scaled(1.5), { name: 'm', badDirection: 'either' }).failed, true);
    assert.equal(judgeMetric(base, scaled(0.5), { name: 'm', badDirection: 'either' }).failed, true);
  });

  it('a significant 10 % change inside the 25 % tolerance passes, with its effect reported', () => {
    const j = judgeMetric(base, scaled(1.1), { name: 'latency', badDirection: 'increase' });
    assert.equal(j.classification, 'pass');
    assert.equal(j.failed, false);
    assert.equal(j.significant, true);
    assert.ok(j.degradationPercent > 7 && j.degradationPercent < 13, String(j.degradationPercent));
    assert.ok(j.degradationUpperPercent > j.degradationPercent);
    assert.equal(j.bandUpper, 0.25 * Math.abs(j.baselineMedian));
    // a tighter tolerance turns it into High
    assert.equal(
      judgeMetric(base, scaled(1.1), { name: 'latency', badDirection: 'increase', tolerance: 0.02 })
        .classification,
      'high',
    );
  });

  it('no data on either side is nodata and not failed; identical data passes with zero effect', () => {
    const nd = judgeMetric([], base, { name: 'cpu', badDirection: 'increase' });
    assert.equal(nd.classification, 'nodata');
    assert.equal(nd.failed, false);
    assert.match(nd.reason, /no data \(0 baseline, 200 canary samples\)/);
    const same = judgeMetric([5, 5, 5], [5, 5], { name: 'cpu', badDirection: 'increase' });
    assert.equal(same.classification, 'pass');
    assert.equal(same.effectPercent, 0);
  });

  it('an absolute guard on the canary fails the metric even when the comparison passes', () => {
    const v1 = lognormal(5, 200, 0.45, 0.1); // p99 ≈ 0.45·e^(2.33·0.1) ≈ 0.57 s
    const v3 = lognormal(6, 200, 0.45, 0.1);
    const j = judgeMetric(v1, v3, {
      name: 'latency',
      badDirection: 'increase',
      unit: 's',
      guard: { statistic: 'p99', max: 0.5 },
    });
    assert.equal(j.classification, 'pass');
    assert.equal(j.guard?.breached, true);
    assert.equal(j.failed, true);
    assert.match(j.reason, /guard p99 = 0\.\d+ s breaches < 0\.5/);
    const ok = judgeMetric(base, base, {
      name: 'err',
      badDirection: 'increase',
      guard: { statistic: 'mean', max: 1 },
    });
    assert.equal(ok.guard?.breached, false);
  });

  it('bad input throws InvalidInputError with clear messages', () => {
    assert.throws(() => judgeMetric([1, Number.NaN], [1], { name: 'cpu', badDirection: 'increase' }), {
      name: 'InvalidInputError',
      message: /cpu baseline\[1\] is NaN/,
    });
    assert.throws(
      () => judgeMetric([1], [1], { name: 'cpu', badDirection: 'increase', tolerance: -1 }),
      /tolerance must be/,
    );
    assert.throws(
      () => judgeMetric([1], [1], { name: 'cpu', badDirection: 'increase' }, { confidence: 0 }),
      /confidence/,
    );
    assert.throws(
      () => judgeMetric([1], [1], { name: 'cpu', badDirection: 'increase', guard: { statistic: 'p99' } }),
      /guard needs max or min/,
    );
    assert.throws(
      () =>
        judgeCanary([
          { spec: { name: 'a', badDirection: 'increase' }, baseline: [1], canary: [1] },
          { spec: { name: 'a', badDirection: 'increase' }, baseline: [1], canary: [1] },
        ]),
      InvalidInputError,
    );
  });
});
