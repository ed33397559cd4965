import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { SlaCheck } from '../../../../src/analysis/canary/decision.ts';
import { ratioEffectPath, type RatioObservation } from '../../../../src/analysis/canary/ratio-effect.ts';
import {
  judgeSequential,
  SEQUENTIAL_DEFAULTS,
  type EvidenceState,
  type SequentialVerdict,
} from '../../../../src/analysis/canary/sequential-judge.ts';
import { decideStage, type StageDecision } from '../../../../src/analysis/canary/stage-decision.ts';
import { InvalidInputError } from '../../../../src/errors.ts';
import { quantileSorted } from '../../../../src/math/quantile.ts';
import { Prng } from '../../../../src/sim/prng.ts';

const T = 1_700_000_000_000;
const LOOKS = [T + 15_000, T + 30_000, T + 45_000];

function verdict(
  metric: string,
  states: readonly EvidenceState[],
  degradation: number | null = 0,
): SequentialVerdict {
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
      verdicts: [
        verdict('migration_duration', ['undecided', 'non-inferior', 'non-inferior'], -8),
        verdict('compression', ['non-inferior', 'non-inferior', 'non-inferior']),
      ],
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
      verdicts: [
        verdict('migration_duration', ['undecided', 'undecided', 'regression'], 16),
        verdict('compression', ['non-inferior', 'non-inferior', 'non-inferior']),
      ],
      sla: SLA_OK,
      looksMs: LOOKS,
      evidenceStartMs: T,
    });
    assert.equal(d.decision, 'NO-GO');
    assert.equal(d.forced, true);
    assert.deepEqual(d.firstDecision, { decision: 'NO-GO', atMs: T + 45_000, afterMs: 45_000 });
    assert.deepEqual(d.regressions, [
      {
        metric: 'migration_duration',
        severity: 'medium',
        degradationPercent: 16,
        pValue: 0.5,
        v1Value: 10,
        v3Value: 11.6,
      },
    ]);
    assert.equal(d.drivers[0]!.effect, 'forces-no-go');
    assert.equal(d.drivers[0]!.source, 'evidence');
    // canary credit (0 + 1)/2, SLA 1: 0.4·1 + 0.6·0.5
    assert.ok(Math.abs(d.score - 0.7) < 1e-12);
  });

  it('CAUTION while a metric is undecided or without data; a missed SLA blocks GO; a critical one forces NO-GO', () => {
    const open = decideStage({
      verdicts: [
        verdict('migration_duration', ['insufficient', 'undecided', 'undecided'], 2),
        verdict('compression', ['nodata', 'nodata', 'nodata'], null),
      ],
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
    assert.equal(open.score, 0.75); // open evidence: the marginal credit

    const ok = [verdict('migration_duration', ['non-inferior', 'non-inferior', 'non-inferior'], -5)];
    const slaMiss = decideStage({
      verdicts: ok,
      sla: [{ name: 'latency', compliance: 0.9, target: 0.99 }],
      looksMs: LOOKS,
      evidenceStartMs: T,
      slaMetAt: [true, false, false],
    });
    assert.equal(slaMiss.decision, 'CAUTION');
    assert.equal(slaMiss.evidenceDecision, 'GO');
    assert.deepEqual(slaMiss.firstDecision, { decision: 'GO', atMs: T + 15_000, afterMs: 15_000 }); // the SLAs were met at the first look
    const never = decideStage({
      verdicts: ok,
      sla: [],
      looksMs: LOOKS,
      evidenceStartMs: T,
      slaMetAt: [false, false, false],
    });
    assert.equal(never.firstDecision, null);
    const critical = decideStage({
      verdicts: ok,
      sla: [{ name: 'errors', compliance: false, critical: true }],
      looksMs: LOOKS,
      evidenceStartMs: T,
    });
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
    assert.deepEqual(
      [d.firstGoAtMs, d.firstNoGoAtMs, d.firstDecision?.decision],
      [T + 15_000, T + 45_000, 'GO'],
    );
    assert.equal(d.decision, 'NO-GO');
  });

  it('rejects duplicates and states that do not match the looks', () => {
    const v = verdict('migration_duration', ['undecided', 'undecided', 'undecided']);
    assert.throws(
      () => decideStage({ verdicts: [v, v], sla: [], looksMs: LOOKS, evidenceStartMs: T }),
      InvalidInputError,
    );
    assert.throws(
      () => decideStage({ verdicts: [v], sla: [], looksMs: LOOKS.slice(1), evidenceStartMs: T }),
      InvalidInputError,
    );
    assert.throws(
      () => decideStage({ verdicts: [v], sla: [], looksMs: LOOKS, evidenceStartMs: T, slaMetAt: [true] }),
      InvalidInputError,
    );
    assert.throws(
      () =>
        decideStage({
          verdicts: [v],
          sla: [{ name: 'x', compliance: 2 }],
          looksMs: LOOKS,
          evidenceStartMs: T,
        }),
      InvalidInputError,
    );
  });

  it('under continuous monitoring: A/A stays below α in NO-GO, the tolerance below α/2 in GO, and a real improvement reaches GO (seeded Monte Carlo)', () => {
    // A 50 % stage of 10 min on 6 nodes (link speeds 1-4 GiB/s), ~0.8 migrations/s per node and version of 2, 8 or
    // 32 GiB (relative spread ≈ 0.9), histogram intervals of 5 s; compression: 2 v1 observations and 1 v3 gauge value
    // of 3x ± 3 % per interval. Looked at every 15 s (40 looks), decided with the defaults (α = 0.02, tolerance
    // 7.5 %, threshold 10 %). Durations of v3 are `factor` times v1's; compression is equal throughout.
    const looks = Array.from({ length: 40 }, (_, k) => T + (k + 1) * 15_000);
    const run = (rng: Prng, factor: number): StageDecision => {
      const d1: RatioObservation[] = [];
      const d3: RatioObservation[] = [];
      const c1: RatioObservation[] = [];
      const c3: RatioObservation[] = [];
      for (let node = 0; node < 6; node++) {
        const speed = rng.uniform(1, 4);
        const stratum = `n${node}`;
        for (let i = 1; i <= 120; i++) {
          const tMs = T + i * 5000;
          for (const [into, f] of [
            [d1, 1],
            [d3, factor],
          ] as const) {
            const k = rng.poisson(4);
            let sum = 0;
            for (let j = 0; j < k; j++)
              sum += ([2, 8, 32][rng.int(0, 2)]! / speed) * f * (1 + rng.gaussian(0, 0.03));
            if (k > 0) into.push({ tMs, stratum, sum, count: k });
          }
          c1.push({ tMs, stratum, sum: 3 * (2 + rng.gaussian(0, 0.03 * Math.SQRT2)), count: 2 });
          c3.push({ tMs, stratum, sum: 3 * (1 + rng.gaussian(0, 0.03)), count: 1 });
        }
      }
      const verdicts = [
        judgeSequential(
          {
            name: 'migration_duration',
            unit: 's',
            badDirection: 'increase',
            critical: true,
            events: 'migrations',
          },
          looks,
          ratioEffectPath(d1, d3, looks),
          T,
        ),
        judgeSequential(
          { name: 'compression', unit: 'x', badDirection: 'decrease', events: 'compressions' },
          looks,
          ratioEffectPath(c1, c3, looks),
          T,
        ),
      ];
      return decideStage({ verdicts, sla: SLA_OK, looksMs: looks, evidenceStartMs: T });
    };
    const runs = 200;
    const alpha = SEQUENTIAL_DEFAULTS.alpha;
    const mc = (p: number): number => 3 * Math.sqrt((p * (1 - p)) / runs); // 3 Monte-Carlo standard errors
    const rng = new Prng(20260601);
    const tally = (factor: number): { go: number; noGo: number; goAfterMs: number[] } => {
      const t = { go: 0, noGo: 0, goAfterMs: [] as number[] };
      for (let r = 0; r < runs; r++) {
        const d = run(rng, factor);
        if (d.firstGoAtMs !== null) {
          t.go++;
          t.goAfterMs.push(d.firstGoAtMs - T);
        }
        if (d.firstNoGoAtMs !== null) t.noGo++;
      }
      return t;
    };
    // A/A: any NO-GO at any of the 40 looks is false; two metrics, each ≤ α/2.
    const aa = tally(1);
    assert.ok(aa.noGo / runs <= alpha + mc(alpha), `A/A: NO-GO at some look in ${aa.noGo} of ${runs}`);
    // v3 exactly at the tolerance (7.5 % slower): GO at any look is false, ≤ α/2 (one side of one sequence).
    const atMargin = tally(1.075);
    assert.ok(
      atMargin.go / runs <= alpha / 2 + mc(alpha / 2),
      `7.5 % slower: GO at some look in ${atMargin.go} of ${runs}`,
    );
    // A 10 % regression: never GO, and found as NO-GO in most runs.
    const worse = tally(1.1);
    assert.equal(worse.go, 0, `10 % slower: GO in ${worse.go} of ${runs}`);
    // A real improvement (v3 10 % faster): GO within the stage in ≥ 90 % of runs, sooner than for equal versions.
    const better = tally(0.9);
    assert.ok(better.go / runs >= 0.9, `10 % faster: GO in ${better.go} of ${runs}`);
    const median = (x: number[]): number =>
      quantileSorted(
        [...x].sort((a, b) => a - b),
        0.5,
      );
    assert.ok(
      aa.goAfterMs.length > 0 && median(better.goAfterMs) < median(aa.goAfterMs),
      `median time to GO: better ${median(better.goAfterMs)} ms, equal ${median(aa.goAfterMs)} ms`,
    );
  });

  it('judged per GiB of guest memory: a 10 % stage reaches GO on equal versions in ≥ 90 % of runs within 10 min, errors stay within α (seeded Monte Carlo)', () => {
    // A 10 % stage of 10 min on 6 nodes (link speeds 1-4 GiB/s), 4 migrations/s per node (0.4 v3, 3.6 v1) of 2, 8 or
    // 32 GiB, each taking memory / speed + 1 s of fixed overhead, times a per-migration jitter of ±30 % (10 times
    // the simulator's): per GiB the small VMs are slower, so time per GiB is not constant, only its spread is far
    // smaller than the VM-size spread of time per migration. Observations per 5 s interval: (Σ seconds, Σ GiB,
    // migrations); compression as above; 40 looks, defaults (α = 0.02, tolerance 7.5 %, threshold 10 %).
    const looks = Array.from({ length: 40 }, (_, k) => T + (k + 1) * 15_000);
    const run = (rng: Prng, factor: number): StageDecision => {
      const d1: RatioObservation[] = [];
      const d3: RatioObservation[] = [];
      const c1: RatioObservation[] = [];
      const c3: RatioObservation[] = [];
      for (let node = 0; node < 6; node++) {
        const speed = rng.uniform(1, 4);
        const stratum = `n${node}`;
        for (let i = 1; i <= 120; i++) {
          const tMs = T + i * 5000;
          for (const [into, f, perInterval] of [
            [d1, 1, 18],
            [d3, factor, 2],
          ] as const) {
            const k = rng.poisson(perInterval);
            let sum = 0;
            let gib = 0;
            for (let j = 0; j < k; j++) {
              const size = [2, 8, 32][rng.int(0, 2)]!;
              sum += (size / speed + 1) * f * Math.max(0.05, 1 + rng.gaussian(0, 0.3));
              gib += size;
            }
            if (k > 0) into.push({ tMs, stratum, sum, count: gib, events: k });
          }
          c1.push({ tMs, stratum, sum: 3 * (2 + rng.gaussian(0, 0.03 * Math.SQRT2)), count: 2 });
          c3.push({ tMs, stratum, sum: 3 * (1 + rng.gaussian(0, 0.03)), count: 1 });
        }
      }
      const verdicts = [
        judgeSequential(
          {
            name: 'migration_time_per_gib',
            unit: 's/GiB',
            badDirection: 'increase',
            critical: true,
            events: 'migrations',
          },
          looks,
          ratioEffectPath(d1, d3, looks),
          T,
        ),
        judgeSequential(
          { name: 'compression', unit: 'x', badDirection: 'decrease', events: 'compressions' },
          looks,
          ratioEffectPath(c1, c3, looks),
          T,
        ),
      ];
      return decideStage({ verdicts, sla: SLA_OK, looksMs: looks, evidenceStartMs: T });
    };
    const runs = 200;
    const alpha = SEQUENTIAL_DEFAULTS.alpha;
    const mc = (p: number): number => 3 * Math.sqrt((p * (1 - p)) / runs);
    const rng = new Prng(20261203);
    const tally = (factor: number): { go: number; noGo: number; goAfterMs: number[] } => {
      const t = { go: 0, noGo: 0, goAfterMs: [] as number[] };
      for (let r = 0; r < runs; r++) {
        const d = run(rng, factor);
        if (d.firstGoAtMs !== null) {
          t.go++;
          t.goAfterMs.push(d.firstGoAtMs - T);
        }
        if (d.firstNoGoAtMs !== null) t.noGo++;
      }
      return t;
    };
    const aa = tally(1);
    assert.ok(aa.noGo / runs <= alpha + mc(alpha), `A/A: NO-GO at some look in ${aa.noGo} of ${runs}`);
    assert.ok(aa.go / runs >= 0.9, `A/A: GO within 10 min in ${aa.go} of ${runs}`);
    const atMargin = tally(1.075);
    assert.ok(
      atMargin.go / runs <= alpha / 2 + mc(alpha / 2),
      `7.5 % slower: GO at some look in ${atMargin.go} of ${runs}`,
    );
    const worse = tally(1.1);
    assert.equal(worse.go, 0, `10 % slower: GO in ${worse.go} of ${runs}`);
    assert.ok(worse.noGo / runs >= 0.5, `10 % slower: NO-GO in ${worse.noGo} of ${runs}`);
    const median = quantileSorted(
      [...aa.goAfterMs].sort((a, b) => a - b),
      0.5,
    );
    assert.ok(median <= 5 * 60_000, `A/A median time to GO ${median} ms`);
  });
});
