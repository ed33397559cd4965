import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { decideRollout, readSla } from '../../../../src/analysis/canary/decision.ts';
import type { SlaCheck } from '../../../../src/analysis/canary/decision.ts';
import { judgeMetric } from '../../../../src/analysis/canary/judge.ts';
import type { MetricJudgement, MetricSpec } from '../../../../src/analysis/canary/judge.ts';
import { InvalidInputError } from '../../../../src/errors.ts';
import { Prng } from '../../../../src/sim/prng.ts';

function sample(seed: number, n: number, median: number, sigma: number): number[] {
  const rng = new Prng(seed);
  return Array.from({ length: n }, () => median * Math.exp(rng.gaussian(0, sigma)));
}
const LAT: MetricSpec = {
  name: 'latency',
  badDirection: 'increase',
  unit: 's',
  guard: { statistic: 'p99', max: 0.5 },
};
const THR: MetricSpec = { name: 'throughput', badDirection: 'decrease', unit: 'Mbps' };
/** Tight samples (σ 2 %, n 300): the 98 % bounds are within ~1 % of the estimate. */
function judged(spec: MetricSpec, median: number, factor: number, seed: number): MetricJudgement {
  return judgeMetric(sample(seed, 300, median, 0.02), sample(seed + 100, 300, median * factor, 0.02), spec);
}
const SLA_OK: SlaCheck[] = [
  { name: 'latency p95 <= 100 ms', compliance: true },
  { name: 'error rate < 1 %', compliance: true, critical: true },
];

describe('decideRollout', () => {
  it('GO when everything passes, with per-metric evidence', () => {
    const r = decideRollout({ sla: SLA_OK, judgements: [judged(LAT, 0.03, 1, 1), judged(THR, 1000, 1, 2)] });
    assert.equal(r.decision, 'GO');
    assert.equal(r.forced, false);
    assert.equal(r.score, 1);
    assert.deepEqual(
      r.drivers.map((d) => [d.name, d.effect]),
      [
        ['latency', 'supports-go'],
        ['throughput', 'supports-go'],
        ['latency p95 <= 100 ms', 'supports-go'],
        ['error rate < 1 %', 'supports-go'],
      ],
    );
    assert.match(r.summary, /^GO: score 100\.0/);
  });

  it('a breached absolute guard forces NO-GO and names the metric and value', () => {
    const r = decideRollout({ sla: SLA_OK, judgements: [judged(LAT, 0.6, 1, 3), judged(THR, 1000, 1, 4)] });
    assert.equal(r.decision, 'NO-GO');
    assert.equal(r.forced, true);
    assert.equal(r.drivers[0]!.source, 'guard');
    assert.equal(r.drivers[0]!.effect, 'forces-no-go');
    assert.match(r.drivers[0]!.text, /latency guard breached: p99 = 0\.6\d* s \(must be < 0\.5\)/);
  });

  it('a critical regression (> 30 %) forces NO-GO even though the score alone would not', () => {
    const judgements = [
      judged(LAT, 0.03, 1.4, 5),
      ...[1, 2, 3, 4, 5, 6].map((k) => judged({ ...THR, name: `t${k}` }, 1000, 1, 10 + k)),
    ];
    const r = decideRollout({ sla: SLA_OK, judgements });
    assert.ok(r.score >= 0.75, `score ${r.score}`);
    assert.equal(r.decision, 'NO-GO');
    assert.equal(r.forced, true);
    assert.deepEqual(
      r.regressions.map((g) => [g.metric, g.severity]),
      [['latency', 'critical']],
    );
    assert.ok(
      r.drivers.some((d) => d.source === 'regression' && d.effect === 'forces-no-go' && d.value > 30),
    );
  });

  it('a breached critical SLA forces NO-GO; a non-critical one gives CAUTION', () => {
    const j = [judged(LAT, 0.03, 1, 6)];
    const crit = decideRollout({
      sla: [{ name: 'error rate < 1 %', compliance: false, critical: true, detail: '1.7 %' }],
      judgements: j,
    });
    assert.equal(crit.decision, 'NO-GO');
    assert.equal(crit.forced, true);
    assert.match(crit.drivers[0]!.text, /SLA error rate < 1 % not met: 1\.7 %/);
    const soft = decideRollout({
      sla: [
        { name: 'p95', compliance: false },
        { name: 'errors', compliance: true },
      ],
      judgements: j,
    });
    assert.equal(soft.decision, 'CAUTION'); // score 0.4·0.5 + 0.6·1 = 0.8
    assert.ok(Math.abs(soft.score - 0.8) < 1e-12);
  });

  it('a low regression (10–15 %) blocks GO: CAUTION with the regression as driver', () => {
    const r = decideRollout({
      sla: SLA_OK,
      judgements: [judged(LAT, 0.03, 1.12, 7), judged(THR, 1000, 1, 8)],
    });
    assert.equal(r.decision, 'CAUTION');
    assert.equal(r.regressions[0]!.severity, 'low');
    assert.match(r.drivers[0]!.text, /latency regression \(low\): 1[12]\.\d % worse/);
  });

  it('a small degradation that cannot be ruled out beyond the GO margin gives CAUTION', () => {
    const r = decideRollout({ sla: SLA_OK, judgements: [judged(LAT, 0.03, 1.05, 9)] });
    assert.equal(r.decision, 'CAUTION');
    assert.equal(r.drivers[0]!.source, 'margin');
    assert.match(
      r.drivers[0]!.text,
      /cannot rule out a \d+\.\d % degradation \(98 % bound, GO needs < 5 %\)/,
    );
  });

  it('missing data blocks GO; many failures give NO-GO by score', () => {
    const nd = judgeMetric([], [0.03], LAT);
    assert.equal(
      decideRollout({ sla: SLA_OK, judgements: [nd, judged(THR, 1000, 1, 10)] }).decision,
      'CAUTION',
    );
    const bad = [0, 1, 2].map((k) => judged({ ...THR, name: `t${k}` }, 1000, 0.8, 20 + k));
    const r = decideRollout({ sla: SLA_OK, judgements: bad });
    assert.equal(r.decision, 'NO-GO');
    assert.equal(r.forced, false);
    assert.ok(r.score < 0.75);
  });

  it('bad input throws InvalidInputError', () => {
    assert.throws(() => decideRollout({ sla: [], judgements: [] }), {
      name: 'InvalidInputError',
      message: /at least one SLA check or metric judgement/,
    });
    assert.throws(
      () => decideRollout({ sla: [{ name: 'a', compliance: 1.5 }], judgements: [] }),
      /ratio in \[0, 1\]/,
    );
    assert.throws(
      () =>
        decideRollout({
          sla: [
            { name: 'a', compliance: true },
            { name: 'a', compliance: true },
          ],
          judgements: [],
        }),
      /appears twice/,
    );
    assert.throws(
      () => decideRollout({ sla: SLA_OK, judgements: [] }, { weights: { sla: 0, canary: 0 } }),
      InvalidInputError,
    );
    assert.throws(
      () => decideRollout({ sla: SLA_OK, judgements: [] }, { goScore: 0.5, noGoScore: 0.9 }),
      /noGoScore <= goScore/,
    );
  });
});

describe('readSla', () => {
  it('reads ratio, target and weight; met from a boolean compliance, else ratio >= target', () => {
    assert.deepEqual(readSla({ name: 'a', compliance: 0.995, target: 0.99, weight: 2 }), {
      ratio: 0.995,
      target: 0.99,
      weight: 2,
      met: true,
    });
    assert.deepEqual(readSla({ name: 'a', compliance: 0.98, target: 0.99 }), {
      ratio: 0.98,
      target: 0.99,
      weight: 1,
      met: false,
    });
    assert.deepEqual(readSla({ name: 'a', compliance: false }), {
      ratio: 0,
      target: 1,
      weight: 1,
      met: false,
    });
    assert.deepEqual(readSla({ name: 'a', compliance: true }), { ratio: 1, target: 1, weight: 1, met: true });
  });

  it('rejects a target outside [0, 1] and a negative or non-finite weight', () => {
    assert.throws(
      () => readSla({ name: 'a', compliance: 1, target: 1.5 }),
      /SLA a: target must be in \[0, 1\]/,
    );
    assert.throws(() => readSla({ name: 'a', compliance: 1, weight: -1 }), /SLA a: weight must be >= 0/);
    assert.throws(() => readSla({ name: 'a', compliance: 1, weight: Number.NaN }), InvalidInputError);
  });
});
