import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { ExcursionAnchor } from '../../../../src/analysis/anomaly/cusum-anchor.ts';
import * as cusum from '../../../../src/analysis/anomaly/cusum.ts';
import { LIVE_TUNING } from '../../../../src/analysis/anomaly/live-tuning.ts';
import { generateCorpusSeries } from '../../../../src/eval/corpus/generate.ts';
import { CorpusRandom } from '../../../../src/eval/corpus/random.ts';
import { InvalidInputError } from '../../../../src/errors.ts';

type CusumOptions = cusum.CusumOptions;
type CusumSnapshotState = cusum.CusumSnapshotState;
const createCusumDetector = cusum.createCusumDetector;
const DAY_MS = 86_400_000;
const MIN_MS = 60_000;
const never = (): boolean => false;

/** The live chart (live-tuning.ts) with the excursion anchor as given, daily period. */
const live = (excursionAnchor: boolean, more: Partial<CusumOptions> = {}): Partial<CusumOptions> => ({
  ...LIVE_TUNING.cusum,
  periodMs: DAY_MS,
  excursionAnchor,
  ...more,
});

/** Feeds `zs` to `a` (k 1, h 8: half-lives 8 and 32 samples), confirmed, one a minute; the first non-zero shift. */
function firstShift(
  zs: readonly number[],
  chartAt: (side: number) => boolean = never,
  a = new ExcursionAnchor(1, 8),
): { at: number; d: number } {
  for (let i = 0; i < zs.length; i++) {
    a.begin(true, i * MIN_MS);
    const d = a.update(zs[i]!, chartAt, 1);
    if (d !== 0) return { at: i, d };
  }
  return { at: -1, d: 0 };
}

describe('CUSUM excursion anchor (cusum-anchor.ts)', () => {
  it('re-anchors a plateau once its fast and slow means agree, by the fast mean', () => {
    // A 3 σ plateau: fast 3(1 − 2^(−t/8)), slow 3(1 − 2^(−t/32)); |fast − slow| ≤ k/4 = 0.25 from t ≈ 115.
    const r = firstShift(Array.from({ length: 400 }, () => 3));
    assert.ok(r.at > 100 && r.at < 130, `re-anchored at sample ${r.at}`);
    assert.ok(r.d > 2.75 && r.d <= 3, `by ${r.d} σ`);
  });

  it('does not re-anchor a ramp that is still moving, nor an excursion the chart is at h/2 on', () => {
    // A ramp of 0.05 σ/sample keeps the means ≈ 4.3·8·0.05 = 1.7 σ apart: never a plateau.
    assert.equal(firstShift(Array.from({ length: 400 }, (_, i) => 0.05 * i)).at, -1);
    // The chart at h/2 on the excursion's side reports it: no re-anchor; on the other side only: re-anchored.
    assert.equal(
      firstShift(
        Array.from({ length: 400 }, () => 3),
        (s) => s > 0,
      ).at,
      -1,
    );
    assert.ok(
      firstShift(
        Array.from({ length: 400 }, () => 3),
        (s) => s < 0,
      ).at > 0,
    );
  });

  it('re-anchors at once a confirmed excursion that undoes the last re-anchor (a return)', () => {
    const a = new ExcursionAnchor(1, 8);
    assert.ok(
      firstShift(
        Array.from({ length: 400 }, () => 3),
        never,
        a,
      ).d > 2.75,
      'the +3 σ plateau re-anchored',
    );
    a.begin(false, 0);
    // The return: −3 σ against a re-anchor of ≈ +2.8 σ: undone once the fast mean 3·(1 − 2^(−n/8)) is within k of
    // it, ≥ 1.8 from n ≈ 11 samples — long before a plateau would be.
    const r = firstShift(
      Array.from({ length: 50 }, () => -3),
      never,
      a,
    );
    assert.ok(r.at >= 9 && r.at <= 13, `re-anchored on sample ${r.at} of the return`);
    assert.ok(r.d < -1.75, `by ${r.d} σ`);
    // Without the earlier re-anchor the same −3 σ excursion waits for its plateau.
    assert.ok(firstShift(Array.from({ length: 400 }, () => -3)).at > 100);
  });

  it('holds φ̂ for an excursion confirmed away from a period boundary only (a weekend begins and ends at midnight)', () => {
    // Tolerance 1/24 period = 1 h of a day: confirmed at 00:30 or 23:30 → not held; at 12:00 → held.
    for (const [minute, held] of [
      [30, false],
      [23 * 60 + 30, false],
      [12 * 60, true],
      [61, true],
    ] as const) {
      const a = new ExcursionAnchor(1, 8, DAY_MS);
      const t = 3 * DAY_MS + minute * MIN_MS;
      assert.equal(a.begin(true, t), held, `confirmed at minute ${minute}`);
      assert.equal(a.begin(true, t + 3 * 3_600_000), held, 'fixed for the whole excursion');
    }
    assert.equal(new ExcursionAnchor(1, 8).begin(true, 3 * DAY_MS), true, 'no period: always held');
  });

  it('restarts its means outside a confirmed excursion and restores what it wrote; refuses a bad state', () => {
    const a = new ExcursionAnchor(1, 8);
    assert.equal(a.update(5, never, 1), 0, 'outside a confirmed excursion nothing is learned');
    assert.deepEqual(a.state(), ExcursionAnchor.FRESH);
    firstShift(
      Array.from({ length: 10 }, () => 2),
      never,
      a,
    );
    assert.ok(a.state().fast > 1);
    const b = new ExcursionAnchor(1, 8);
    b.setState(a.state(), 'test');
    assert.deepEqual(b.state(), a.state());
    a.begin(false, 0);
    assert.deepEqual(a.state(), ExcursionAnchor.FRESH);
    for (const bad of [
      null,
      {},
      { fast: 1, slow: Number.NaN, last: 0, phase: 0 },
      { fast: 1, slow: 0, last: '0', phase: 0 },
      { fast: 1, slow: 0, last: 0, phase: 3 },
    ])
      assert.throws(() => b.setState(bad, 'test'), InvalidInputError);
    assert.throws(() => new ExcursionAnchor(0, 8), InvalidInputError);
  });
});

describe('CUSUM excursion anchor on a chart', () => {
  it('leak then shift (generated series 5005/minute-011): both found with it, both missed without', () => {
    // Gaussian AR(1) φ 0.54 noise, a daily 7 σ cycle and a weekly pattern; a −9.8 σ leak on day 2.0–2.2, a +7.1 σ
    // level shift on day 5.48 (docs/anomaly-detection.md, "The noise estimate after an excursion"). Without the
    // anchor φ̂ climbs to 0.97 and σ̂ to 3× the noise during the leak's lag, which hides both.
    const s = generateCorpusSeries(5005, 11);
    const leak = s.anomalies.find((a) => a.kind === 'leak')!;
    const shift = s.anomalies.find((a) => a.kind === 'level_shift')!;
    const votes = (anchor: boolean): { leak: number; shift: number } => {
      const d = createCusumDetector({ kind: 'generic' }, live(anchor));
      const n = { leak: 0, shift: 0 };
      for (let i = 0; i < s.values.length; i++) {
        const t = s.timestampsMs[i]!;
        if (!d.update(s.values[i]!, t).anomalous) continue;
        for (const [k, a] of [
          ['leak', leak],
          ['shift', shift],
        ] as const)
          if (t >= a.startMs && t <= a.endMs + 10 * s.stepMs) n[k]++;
      }
      return n;
    };
    const off = votes(false);
    const on = votes(true);
    assert.deepEqual(off, { leak: 0, shift: 0 }, 'without the anchor');
    assert.ok(on.leak > 0 && on.shift > 0, `with it: ${JSON.stringify(on)}`);
  });

  it('φ̂ does not learn a sustained offset while the excursion lasts', () => {
    // White N(0, 1) noise, then a +3 σ offset the chart cannot restart on (restarts off): around 0 the lag-1
    // moment of an offset d is d², so without the hold φ̂ climbs towards 0.95.
    const phiAfter = (anchor: boolean): number => {
      const d = createCusumDetector(
        { kind: 'generic' },
        live(anchor, { periodMs: undefined, restartSamples: 1e9 }),
      );
      const rng = new CorpusRandom(3);
      for (let i = 0; i < 2500; i++) d.update(100 + rng.normal() + (i >= 1500 ? 3 : 0), i * MIN_MS);
      const st = d.snapshot().state as CusumSnapshotState;
      return st.c1 / st.c0;
    };
    const off = phiAfter(false);
    const on = phiAfter(true);
    assert.ok(off > 0.5, `without the anchor φ̂ ${off}`);
    assert.ok(on < 0.2, `with it φ̂ ${on}`);
  });

  it('snapshots carry the anchor: a restored chart continues identically; an older snapshot restores fresh; a bad one is refused', () => {
    const rng = new CorpusRandom(9);
    const xs = Array.from({ length: 4000 }, (_, i) => 100 + rng.normal() + (i >= 1500 ? 2.5 : 0));
    const opts = live(true, { periodMs: undefined });
    const a = createCusumDetector({ kind: 'generic' }, opts);
    for (let i = 0; i < 1560; i++) a.update(xs[i]!, i * MIN_MS);
    const snap = a.snapshot();
    assert.ok((snap.state as CusumSnapshotState).anchor !== undefined);
    const b = createCusumDetector({ kind: 'generic' }, opts);
    b.restore(JSON.parse(JSON.stringify(snap)));
    for (let i = 1560; i < 4000; i++)
      assert.deepEqual(b.update(xs[i]!, i * MIN_MS), a.update(xs[i]!, i * MIN_MS), `sample ${i}`);
    const older = Object.fromEntries(
      Object.entries(snap.state as CusumSnapshotState).filter(([k]) => k !== 'anchor'),
    );
    const c = createCusumDetector({ kind: 'generic' }, opts);
    c.restore({ ...snap, state: older });
    assert.deepEqual((c.snapshot().state as CusumSnapshotState).anchor, ExcursionAnchor.FRESH);
    const bad = {
      ...snap,
      state: { ...(snap.state as CusumSnapshotState), anchor: { fast: 0, slow: 0, last: 0 } },
    };
    assert.throws(() => c.restore(bad), InvalidInputError);
    // Off: no gate and no anchor in the snapshot.
    const off = createCusumDetector({ kind: 'generic' }, live(false)).snapshot().state as CusumSnapshotState;
    assert.equal(off.anchor, undefined);
    assert.equal(off.excursion, undefined);
  });

  it('state: +40 B with it on (the gate 24, the anchor 16); a non-boolean option is refused', () => {
    const off = createCusumDetector({ kind: 'generic' }, live(false));
    const on = createCusumDetector({ kind: 'generic' }, live(true));
    assert.equal(on.stateBytes() - off.stateBytes(), 40);
    assert.throws(
      () => createCusumDetector({ kind: 'generic' }, { excursionAnchor: 1 as unknown as boolean }),
      InvalidInputError,
    );
  });
});
