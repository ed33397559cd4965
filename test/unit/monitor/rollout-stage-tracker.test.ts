import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compareVersions, type VersionComparison } from '../../../src/analysis/canary/comparison.ts';
import type { RolloutDecision } from '../../../src/analysis/canary/decision.ts';
import { InvalidInputError } from '../../../src/errors.ts';
import { RolloutStageTracker, type RolloutObservation } from '../../../src/monitor/rollout-stage-tracker.ts';

const T0 = 1_700_000_000_000;
const S = 15_000;

/** A real comparison: v1 migrations take 100 s, v3 `v3Seconds` (speedup = 100 / v3Seconds). */
function comparison(v3Seconds: number): VersionComparison {
  const v = (sec: number) => ({
    throughputMbps: [],
    latencySeconds: [sec, sec + 1, sec + 2],
    cpuPercent: [],
    memoryMb: [],
    migrationSeconds: [sec, sec + 1, sec + 2],
  });
  return compareVersions(v(100), v(v3Seconds));
}

function obs(
  rolloutPercent: number | null,
  v3Seconds = 50,
  decision: RolloutDecision = 'GO',
  score = 0.9,
): RolloutObservation {
  return { rolloutPercent, comparison: comparison(v3Seconds), decision, score };
}

describe('RolloutStageTracker', () => {
  it('records each stage 0/10/25/50/75/100 when reached, with the comparison of that moment and the stage decision', () => {
    const t = new RolloutStageTracker();
    const seq: [number, number, RolloutDecision][] = [
      [0, 100, 'NO-GO'],
      [0, 100, 'NO-GO'],
      [5, 90, 'CAUTION'],
      [10, 80, 'CAUTION'],
      [30, 60, 'GO'], // crosses 25 only
      [50, 50, 'GO'],
      [100, 40, 'GO'], // crosses 75 and 100 in one step
    ];
    seq.forEach(([p, v3, d], i) => assert.equal(t.record(obs(p, v3, d, i / 10), T0 + i * S), true));
    const st = t.stages();
    assert.deepEqual(
      st.map((s) => [s.stage, s.reachedAtMs - T0, s.rolloutPercent, s.decision, s.score, s.atMonitorStart]),
      [
        [0, 0, 0, 'CAUTION', 0.2, true], // stage 0 was current until 10 % was reached: its last decision
        [10, 3 * S, 10, 'CAUTION', 0.3, false],
        [25, 4 * S, 30, 'GO', 0.4, false],
        [50, 5 * S, 50, 'GO', 0.5, false],
        [75, 6 * S, 100, 'GO', 0.6, false],
        [100, 6 * S, 100, 'GO', 0.6, false],
      ],
    );
    // Figures of the comparison at that stage: medians 101 vs 81 → speedup 101/81, p95 improvement (v1−v3)/v1.
    const c10 = comparison(80);
    assert.equal(st[1]!.migrationSpeedup, c10.migrationSpeedup);
    assert.ok(Math.abs(st[1]!.migrationSpeedup! - 101 / 81) < 1e-12);
    assert.equal(st[1]!.latencyP95ImprovementPercent, c10.latencyP95ImprovementPercent);
    assert.ok(st[1]!.latencyP95ImprovementPercent! > 19 && st[1]!.latencyP95ImprovementPercent! < 21);
    assert.equal(st[1]!.throughputImprovementPercent, null); // no throughput samples
    assert.equal(st[1]!.bandwidthSavedPercent, null);
    assert.deepEqual(t.status, { rolloutPercent: 100, stages: 6, dropped: 0 });
  });

  it('the current stage follows the live decision and keeps its first GO / NO-GO and the time to it', () => {
    const t = new RolloutStageTracker();
    const at = (
      p: number,
      d: RolloutDecision,
      first: { decision: 'GO' | 'NO-GO'; afterMs: number } | null,
    ): RolloutObservation => ({
      ...obs(p, 50, d),
      evidence: { firstDecision: first },
    });
    t.record(at(10, 'CAUTION', null), T0);
    t.record(at(10, 'CAUTION', null), T0 + S);
    t.record(at(10, 'GO', { decision: 'GO', afterMs: 170_000 }), T0 + 2 * S);
    t.record(at(10, 'CAUTION', { decision: 'GO', afterMs: 170_000 }), T0 + 3 * S);
    t.record(at(25, 'CAUTION', null), T0 + 4 * S); // the next stage starts undecided
    const st = t.stages();
    assert.deepEqual(
      st.map((s) => [s.stage, s.decision, s.firstDecision, s.timeToDecisionMs, s.updatedAtMs - T0]),
      [
        [10, 'CAUTION', 'GO', 170_000, 3 * S],
        [25, 'CAUTION', null, null, 4 * S],
      ],
    );
  });

  it('first observation above 0 records only the highest stage reached, marked atMonitorStart', () => {
    const t = new RolloutStageTracker();
    t.record(obs(30), T0);
    t.record(obs(40), T0 + S);
    t.record(obs(60), T0 + 2 * S);
    assert.deepEqual(
      t.stages().map((s) => [s.stage, s.atMonitorStart]),
      [
        [25, true],
        [50, false],
      ],
    );
    const full = new RolloutStageTracker();
    full.record(obs(100), T0);
    assert.deepEqual(
      full.stages().map((s) => s.stage),
      [100],
    );
  });

  it('ignores missing or invalid percentages and times not after the previous one', () => {
    const t = new RolloutStageTracker();
    assert.equal(t.record(obs(null), T0), false);
    assert.equal(t.record(obs(Number.NaN), T0), false);
    assert.equal(t.record(obs(150), T0), false);
    assert.equal(t.record(obs(-1), T0), false);
    assert.deepEqual(t.stages(), []);
    assert.equal(t.record(obs(10), T0), true);
    assert.equal(t.record(obs(60), T0), false); // same time
    assert.equal(t.record(obs(60), T0 - 1), false);
    assert.equal(t.record(obs(60), Number.NaN), false);
    assert.deepEqual(
      t.stages().map((s) => s.stage),
      [10],
    );
  });

  it('a rollback and a new rise record the stages again', () => {
    const t = new RolloutStageTracker();
    [0, 50, 0, 25].forEach((p, i) => t.record(obs(p), T0 + i * S));
    assert.deepEqual(
      t.stages().map((s) => [s.stage, (s.reachedAtMs - T0) / S]),
      [
        [0, 0],
        [10, 1],
        [25, 1],
        [50, 1],
        [10, 3],
        [25, 3],
      ],
    );
  });

  it('caps the records (default 64), oldest dropped, decisions kept for the survivors', () => {
    const t = new RolloutStageTracker();
    let time = T0;
    // Each cycle 0 → 100 reaches five stages (10..100); stage 0 is recorded once, at the first observation.
    for (let cycle = 0; cycle < 40; cycle++) {
      t.record(obs(0, 50, 'NO-GO', cycle), (time += S));
      t.record(obs(100, 50, 'GO', cycle), (time += S));
    }
    assert.deepEqual(t.status, { rolloutPercent: 100, stages: 64, dropped: 1 + 40 * 5 - 64 });
    const st = t.stages();
    assert.equal(st.length, 64);
    assert.ok(st.every((s) => s.decision === 'GO' && s.stage > 0));
    assert.equal(st[63]!.score, 39);
    // 201 records: the last 64 are the last four of cycle 27 (25..100) and all of cycles 28..39.
    assert.deepEqual([st[0]!.stage, st[0]!.score, st[4]!.stage, st[4]!.score], [25, 27, 10, 28]);
    assert.ok(st.every((s, i) => i === 0 || s.reachedAtMs >= st[i - 1]!.reachedAtMs));

    const small = new RolloutStageTracker({ maxStages: 2 });
    [0, 10, 25, 50].forEach((p, i) => small.record(obs(p, 50, 'CAUTION', i), T0 + i * S));
    assert.deepEqual(
      small.stages().map((s) => [s.stage, s.score]),
      [
        [25, 2],
        [50, 3],
      ],
    );
  });

  it('bad options throw InvalidInputError', () => {
    for (const maxStages of [0, 1.5, -3])
      assert.throws(() => new RolloutStageTracker({ maxStages }), InvalidInputError);
  });
});
