import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  DEFAULT_SETTLE_LAG_MS,
  RatioEffectPathMemo,
} from '../../../../src/analysis/canary/ratio-effect-memo.ts';
import { ratioEffectPath, type RatioObservation } from '../../../../src/analysis/canary/ratio-effect.ts';
import { InvalidInputError } from '../../../../src/errors.ts';
import { Prng } from '../../../../src/sim/prng.ts';

/** An observation with the time it becomes visible (stored) and its version. */
interface Arriving {
  readonly o: RatioObservation;
  readonly v: 1 | 3;
  readonly arrivesMs: number;
}

const STRATA = ['node:a', 'node:b', 'node:c', 'baseline', 'pooled'] as const;

/** One observation of a random shape: plain, with events, clustered (pooled) or on a baseline; times in whole s. */
function observation(rng: Prng, tMs: number): RatioObservation {
  const stratum = STRATA[rng.int(0, STRATA.length - 1)]!;
  const count = rng.chance(0.5) ? rng.int(1, 4) : rng.uniform(0.5, 30);
  const base = { tMs, stratum, sum: count * rng.uniform(1, 3), count };
  if (stratum === 'pooled') return { ...base, cluster: `n${rng.int(0, 3)}` };
  if (stratum === 'baseline')
    return {
      ...base,
      baseline: { key: `n${rng.int(0, 2)}`, mean: 1 + rng.int(0, 2) / 4, relVariance: 0.001 },
    };
  return rng.chance(0.3) ? { ...base, events: rng.int(1, 5) } : base;
}

/** Looks every 15 s after `startMs`, and `endMs` (as the stage evidence's looks). */
function looks(startMs: number, endMs: number): number[] {
  const out: number[] = [];
  for (let t = startMs + 15_000; t < endMs; t += 15_000) out.push(t);
  out.push(endMs);
  return out;
}

/**
 * A stream of calls over growing data: observations every second (ties between strata and versions), most stored
 * at once, some late (up to 50 s, before and after the settled look), some earlier ones changed in place, stage
 * starts that move; each call's inputs in arrival order or grouped by stratum.
 */
function runStream(seed: number): { calls: number; reused: number } {
  const rng = new Prng(seed);
  const memo = new RatioEffectPathMemo();
  const all: Arriving[] = [];
  let startMs = 0;
  let nowMs = 0;
  let generatedTo = 0;
  const callsN = rng.int(3, 25);
  for (let c = 0; c < callsN; c++) {
    nowMs += rng.chance(0.8) ? 15_000 : rng.int(1, 40) * 1000;
    for (; generatedTo < nowMs; generatedTo += 1000) {
      const n = rng.int(0, 3);
      for (let k = 0; k < n; k++) {
        const late = rng.chance(0.04) ? rng.int(1, 50) * 1000 : 0;
        all.push({
          o: observation(rng, generatedTo + 1000),
          v: rng.chance(0.5) ? 1 : 3,
          arrivesMs: generatedTo + 1000 + late,
        });
      }
    }
    if (rng.chance(0.05) && all.length > 0) {
      // An earlier observation changes (e.g. its stratum, when a node starts running both versions).
      const i = rng.int(0, all.length - 1);
      all[i] = { ...all[i]!, o: { ...all[i]!.o, stratum: 'node:d' } };
    }
    if (rng.chance(0.08)) startMs = rng.chance(0.5) ? startMs + 15_000 : Math.max(0, startMs - 5000);
    const visible = all.filter((a) => a.arrivesMs <= nowMs && a.o.tMs > startMs);
    if (rng.chance(0.3)) visible.sort((a, b) => a.o.stratum.localeCompare(b.o.stratum));
    const v1 = visible.filter((a) => a.v === 1).map((a) => ({ ...a.o }));
    const v3 = visible.filter((a) => a.v === 3).map((a) => ({ ...a.o }));
    const l = looks(startMs, nowMs);
    assert.deepStrictEqual(memo.path(v1, v3, l), ratioEffectPath(v1, v3, l), `seed ${seed} call ${c}`);
  }
  return { calls: callsN, reused: memo.calls.reused };
}

describe('RatioEffectPathMemo (the effect path continued between calls)', () => {
  it('is the reference path bit for bit over random streams and call timings, and reuses settled looks', () => {
    let calls = 0;
    let reused = 0;
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 31 - 1 }), (seed) => {
        const r = runStream(seed);
        calls += r.calls;
        reused += r.reused;
      }),
      { numRuns: 300, seed: 20_261_206 },
    );
    // Most calls continue the previous path (the others: first calls, moved starts, late or changed observations).
    assert.ok(reused > calls / 3, `reused ${reused} of ${calls} calls`);
  });

  it('continues from the settled look: only a change at or before it recomputes the whole path', () => {
    const memo = new RatioEffectPathMemo();
    const obs = (n: number, v: number): RatioObservation[] =>
      Array.from({ length: n }, (_, i) => ({
        tMs: (i + 1) * 1000,
        stratum: 'node:a',
        sum: v + (i % 3),
        count: 1,
      }));
    const l1 = looks(0, 120_000);
    memo.path(obs(120, 10), obs(120, 11), l1);
    assert.deepEqual(memo.calls, { reused: 0, full: 1 });
    const l2 = looks(0, 135_000);
    assert.deepStrictEqual(
      memo.path(obs(135, 10), obs(135, 11), l2),
      ratioEffectPath(obs(135, 10), obs(135, 11), l2),
    );
    assert.deepEqual(memo.calls, { reused: 1, full: 1 });
    // A change after the settled look (135 s − 30 s lag → 105 s) is continued from it ...
    const changedLate = obs(150, 10).map((o) => (o.tMs === 110_000 ? { ...o, sum: 99 } : o));
    const l3 = looks(0, 150_000);
    assert.deepStrictEqual(
      memo.path(changedLate, obs(150, 11), l3),
      ratioEffectPath(changedLate, obs(150, 11), l3),
    );
    assert.deepEqual(memo.calls, { reused: 2, full: 1 });
    // ... one at or before it (the settled look is now 150 − 30 = 120 s) recomputes the path.
    const changedEarly = changedLate.map((o) => (o.tMs === 50_000 ? { ...o, sum: 98 } : o));
    assert.deepStrictEqual(
      memo.path(changedEarly, obs(150, 11), l3),
      ratioEffectPath(changedEarly, obs(150, 11), l3),
    );
    assert.deepEqual(memo.calls, { reused: 2, full: 2 });
    assert.equal(DEFAULT_SETTLE_LAG_MS, 30_000);
  });

  it('throws as the reference for bad inputs and keeps its state', () => {
    const memo = new RatioEffectPathMemo();
    const ok: RatioObservation[] = [{ tMs: 1000, stratum: 'x', sum: 1, count: 1 }];
    const bad: RatioObservation[] = [{ tMs: 1000, stratum: 'x', sum: 1, count: 0 }];
    for (const [v1, l] of [
      [bad, [2000]],
      [ok, [2000, 1000]],
    ] as const) {
      assert.throws(() => ratioEffectPath(v1, ok, l), InvalidInputError);
      assert.throws(() => memo.path(v1, ok, l), InvalidInputError);
    }
    assert.throws(() => new RatioEffectPathMemo({ settleLagMs: -1 }), RangeError);
  });
});
