import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { SlaCheck } from '../../../../src/analysis/canary/decision.ts';
import type { EvidenceState, SequentialVerdict } from '../../../../src/analysis/canary/sequential-judge.ts';
import { decideStage } from '../../../../src/analysis/canary/stage-decision.ts';
import { InvalidInputError } from '../../../../src/errors.ts';

const T = 1_700_000_000_000;
const LOOKS = [T + 15_000, T + 30_000, T + 45_000];

function verdict(metric: string, states: readonly EvidenceState[], degradation: number | null = 0): SequentialVerdict {
  const state = states[states.length - 1]!;
  return {
    metric,
    unit: 's',
    badDirection: 'increase',
    critical: metric === 'migration_duration',
    state,
    v1: { observations: 100, count: 400, mean: 10 },
    v3: { observations: 100, count: 400, mean: 10 * (1 + (degradation ?? 0) / 100) },
    strata: 3,
    degradationPercent: degradation,
    lowerPercent: degradation === null ? null : degradation - 3,
    upperPercent: degradation === null ? null : degradation + 3,
    pValue: degradation === null ? null : 0.5,
    alpha: 0.02,
    marginPercent: 7.5,
    thresholdPercent: 10,
    firstNonInferiorMs: null,
    firstRegressionMs: null,
    needed: state === 'undecided' ? { moreMs: 60_000, moreV3Events: 100 } : null,
    states,
    reason: `${metric} is ${state}`,
  };
}
const SLA_OK: SlaCheck[] = [{ name: 'latency', compliance: 1, target: 0.99 }];

describe('decideStage', () => {
  it('GO when every metric is non-inferior and the SLAs are met; time to decision from the first such look', () => {
    const d = decideStage({
      verdicts: [verdict('migration_duration', ['undecided', 'non-inferior', 'non-inferior'], -8), verdict('compression', ['non-inferior', 'non-inferior', 'non-inferior'])],
      sla: SLA_OK,
      looksMs: LOOKS,
      evidenceStartMs: T,
    });
    assert.equal(d.decision, 'GO');
    assert.equal(d.evidenceDecision, 'GO');
    assert.deepEqual(d.firstDecision, { decision: 'GO', atMs: T + 30_000, afterMs: 30_000 });
    assert.equal(d.firstGoAtMs, T + 30_000);
    assert.equal(d.firstNoGoAtMs, null);
    assert.equal(d.forced, false);
    assert.equal(d.score, 1);
    assert.ok(d.drivers.every((x) => x.effect === 'supports-go'));
    assert.match(d.summary, /^GO \(first GO after 30 s of evidence\) — /);
  });

  it('NO-GO (forced) on a regression, with the regression listed and its driver first', () => {
    const d = decideStage({
      verdicts: [verdict('migration_duration', ['undecided', 'undecided', 'regression'], 16), verdict('compression', ['non-inferior', 'non-inferior', 'non-inferior'])],
      sla: SLA_OK,
      looksMs: LOOKS,
      evidenceStartMs: T,
    });
    assert.equal(d.decision, 'NO-GO');
    assert.equal(d.forced, true);
    assert.deepEqual(d.firstDecision, { decision: 'NO-GO', atMs: T + 45_000, afterMs: 45_000 });
    assert.deepEqual(d.regressions, [{ metric: 'migration_duration', severity: 'medium', degradationPercent: 16, pValue: 0.5, v1Value: 10, v3Value: 11.6 }]);
    assert.equal(d.drivers[0]!.effect, 'forces-no-go');
    assert.equal(d.drivers[0]!.source, 'evidence');
    // canary credit (0 + 1)/2, SLA 1: 0.4·1 + 0.6·0.5
    assert.ok(Math.abs(d.score - 0.7) < 1e-12);
  });

  it('CAUTION while a metric is undecided or without data; a missed SLA blocks GO; a critical one forces NO-GO', () => {
    const open = decideStage({
      verdicts: [verdict('migration_duration', ['insufficient', 'undecided', 'undecided'], 2), verdict('compression', ['nodata', 'nodata', 'nodata'], null)],
      sla: [],
      looksMs: LOOKS,
      evidenceStartMs: T,
    });
    assert.equal(open.decision, 'CAUTION');
    assert.equal(open.firstDecision, null);
    assert.deepEqual(
      open.drivers.map((x) => [x.source, x.effect]),
      [
        ['evidence', 'blocks-go'],
        ['nodata', 'blocks-go'],
      ],
    );
    assert.equal(open.slaScore, null);
    assert.equal(open.score, 0.5);

    const ok = [verdict('migration_duration', ['non-inferior', 'non-inferior', 'non-inferior'], -5)];
    const slaMiss = decideStage({ verdicts: ok, sla: [{ name: 'latency', compliance: 0.9, target: 0.99 }], looksMs: LOOKS, evidenceStartMs: T, slaMetAt: [true, false, false] });
    assert.equal(slaMiss.decision, 'CAUTION');
    assert.equal(slaMiss.evidenceDecision, 'GO');
    assert.deepEqual(slaMiss.firstDecision, { decision: 'GO', atMs: T + 15_000, afterMs: 15_000 }); // the SLAs were met at the first look
    const never = decideStage({ verdicts: ok, sla: [], looksMs: LOOKS, evidenceStartMs: T, slaMetAt: [false, false, false] });
    assert.equal(never.firstDecision, null);
    const critical = decideStage({ verdicts: ok, sla: [{ name: 'errors', compliance: false, critical: true }], looksMs: LOOKS, evidenceStartMs: T });
    assert.equal(critical.decision, 'NO-GO');
    assert.equal(critical.forced, true);
    assert.equal(critical.drivers[0]!.effect, 'forces-no-go');
  });

  it('the first decision is the earlier of the first GO and the first NO-GO', () => {
    const d = decideStage({
      verdicts: [verdict('migration_duration', ['non-inferior', 'undecided', 'regression'], 12)],
      sla: [],
      looksMs: LOOKS,
      evidenceStartMs: T,
    });
    assert.deepEqual([d.firstGoAtMs, d.firstNoGoAtMs, d.firstDecision?.decision], [T + 15_000, T + 45_000, 'GO']);
    assert.equal(d.decision, 'NO-GO');
  });

  it('rejects duplicates and states that do not match the looks', () => {
    const v = verdict('migration_duration', ['undecided', 'undecided', 'undecided']);
    assert.throws(() => decideStage({ verdicts: [v, v], sla: [], looksMs: LOOKS, evidenceStartMs: T }), InvalidInputError);
    assert.throws(() => decideStage({ verdicts: [v], sla: [], looksMs: LOOKS.slice(1), evidenceStartMs: T }), InvalidInputError);
    assert.throws(() => decideStage({ verdicts: [v], sla: [], looksMs: LOOKS, evidenceStartMs: T, slaMetAt: [true] }), InvalidInputError);
    assert.throws(() => decideStage({ verdicts: [v], sla: [{ name: 'x', compliance: 2 }], looksMs: LOOKS, evidenceStartMs: T }), InvalidInputError);
  });
});
