import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';

import {
  createCusumDetector,
  siegmundArl0,
  type CusumOptions,
} from '../../../../src/analysis/anomaly/cusum.ts';
import { LIVE_TUNING } from '../../../../src/analysis/anomaly/live-tuning.ts';
import { createEnsemble } from '../../../../src/analysis/anomaly/presets.ts';
import { LOG_CHI2_SD, SCALE_K, ScaleChart } from '../../../../src/analysis/anomaly/scale-chart.ts';
import { InvalidInputError } from '../../../../src/errors.ts';
import { CorpusRandom } from '../../../../src/eval/corpus/random.ts';

const DAY_MS = 86_400_000;
const MIN_MS = 60_000;
/** A Monday 00:00 UTC. */
const T0 = Date.UTC(2026, 2, 2);
/** The live tuning's chart (live-tuning.ts, which turns the scale chart on) on a daily baseline. */
const LIVE: Partial<CusumOptions> = { ...LIVE_TUNING.cusum, periodMs: DAY_MS };
/** Minute samples: three days to settle the daily baseline, then the judged part. */
const SETTLE = 3 * 1440;

/** Minute series: level 100 + a daily sine of 3 σ + AR(0.2) noise of σ 1 scaled by `factor(i)`. */
function series(
  seed: number,
  n: number,
  factor: (i: number) => number,
  offset = (_i: number) => 0,
): number[] {
  const rng = new CorpusRandom(seed);
  let e = 0;
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    e = 0.2 * e + Math.sqrt(1 - 0.04) * rng.normal();
    out.push(100 + 3 * Math.sin((2 * Math.PI * i) / 1440) + factor(i) * e + offset(i));
  }
  return out;
}

/** First index ≥ from of two anomalous verdicts in a row (the monitor's confirmation), −1 when none. */
function confirmedAt(flags: readonly boolean[], from: number, to: number): number {
  for (let i = Math.max(1, from + 1); i <= to; i++) if (flags[i] === true && flags[i - 1] === true) return i;
  return -1;
}

describe('cusum: scale chart (CUSUM on ln d² of the residuals)', () => {
  it('h is solved from the stated ARL₀ for k = ln 2/(π/√2) (a doubling of σ)', () => {
    const c = new ScaleChart(1e7, 600, 4, 1);
    assert.ok(Math.abs(SCALE_K - Math.LN2 / LOG_CHI2_SD) < 1e-12);
    assert.ok(Math.abs(siegmundArl0(SCALE_K, c.h) / 1e7 - 1) < 1e-6, `ARL₀ at h ${c.h}`);
    assert.ok(c.h > 21.5 && c.h < 22.5, `h ${c.h}`);
  });

  it('the live ensemble confirms a 2.5× growth of the noise within 3 h on 9 of 10 seeds, nothing before it', () => {
    let found = 0;
    let before = 0;
    for (let seed = 1; seed <= 10; seed++) {
      const start = SETTLE + 600;
      const end = start + 180;
      const values = series(seed, end + 1, (i) => (i >= start && i <= end ? 2.5 : 1));
      const d = createEnsemble(
        { kind: 'generic' },
        { preset: 'live', tuning: LIVE_TUNING, muteSamples: 0, seasonalPeriodMs: DAY_MS },
      );
      const flags = values.map((v, i) => d.update(v, T0 + i * MIN_MS).anomalous);
      if (confirmedAt(flags, start, end) >= 0) found++;
      if (confirmedAt(flags, SETTLE, start - 1) >= 0) before++;
    }
    assert.ok(found >= 9, `confirmed on ${found} of 10 seeds`);
    assert.equal(before, 0);
  });

  it('never votes on a spread change that stays inside the band, however long, though its sum reaches h', () => {
    for (let seed = 1; seed <= 3; seed++) {
      const rng = new CorpusRandom(100 + seed);
      const d = createCusumDetector({ kind: 'generic' }, LIVE);
      const start = SETTLE + 600;
      let maxScale = 0;
      let votes = 0;
      for (let i = 0; i < start + 1440; i++) {
        // Before: Gaussian noise σ 1; after: an oscillation of alternating sign and magnitude 1.2–1.8, inside the
        // ±2σ̂ band (σ̂ ≈ 1 before, larger after), whose successive differences are 2.4–3.6.
        const noise = i < start ? rng.normal() : (i % 2 === 0 ? 1 : -1) * rng.uniform(1.2, 1.8);
        const v = d.update(100 + 3 * Math.sin((2 * Math.PI * i) / 1440) + noise, T0 + i * MIN_MS);
        if (i >= start) {
          maxScale = Math.max(maxScale, d.sums().scale ?? 0);
          if (v.anomalous) votes++;
          assert.ok(!(v.anomalous && v.lower <= v.expected + noise && v.expected + noise <= v.upper));
        }
      }
      assert.equal(votes, 0, `seed ${seed}: ${votes} votes inside the band`);
      assert.ok(maxScale >= new ScaleChart(1e7, 600, 4, 1).h - 1e-6, `seed ${seed}: scale sum ${maxScale}`);
    }
  });

  it('a level offset of hours (a weekend) does not move the scale sum: it sums successive differences', () => {
    for (let seed = 1; seed <= 3; seed++) {
      const start = SETTLE + 600;
      const values = series(
        seed,
        start + 720,
        () => 1,
        (i) => (i >= start ? 2.5 : 0),
      );
      const d = createCusumDetector({ kind: 'generic' }, LIVE);
      let maxScale = 0;
      values.forEach((v, i) => {
        d.update(v, T0 + i * MIN_MS);
        if (i >= start) maxScale = Math.max(maxScale, d.sums().scale ?? 0);
      });
      assert.ok(maxScale < 10, `seed ${seed}: scale sum ${maxScale} after a level offset`);
    }
  });

  it('in control (Gaussian, Laplace, Student-t ν 3 noise at any scale) the sum stays below h over 10⁵ pairs', () => {
    const rng = new CorpusRandom(9);
    const draws: Record<string, () => number> = {
      gaussian: () => rng.normal(),
      laplace: () => rng.laplace(1),
      t3: () => rng.studentT(3),
    };
    for (const [name, draw] of Object.entries(draws)) {
      for (const sigma of [1e-3, 1, 1e4]) {
        const c = new ScaleChart(1e7, 600, 4, 1);
        let max = 0;
        for (let i = 0; i < 100_000; i++) {
          // Disjoint pairs of residuals, as the CUSUM passes them.
          c.pairStart(draw());
          c.update(draw(), sigma, true);
          if (c.sum > max) max = c.sum;
        }
        assert.ok(max < c.h, `${name} σ ${sigma}: max sum ${max} of h ${c.h}`);
      }
    }
  });

  it('does not judge before one half-life learned, and its sum is capped (bounded state)', () => {
    const c = new ScaleChart(1e7, 50, 4, 1);
    for (let i = 0; i < 49; i++) c.update(0.01, 1, true);
    c.pairStart(-1e6);
    c.update(1e6, 1, true);
    assert.equal(c.sum, 0, 'judged before one half-life was learned');
    for (let i = 0; i < 4; i++) c.update(1e6, 1, true);
    assert.ok(c.sum > 0);
    c.pairStart(0);
    const first = c.state();
    assert.ok(first.learned <= 50);
    for (let i = 0; i < 1000; i++) {
      c.pairStart(-1e6);
      c.update(1e6, 1, true);
    }
    assert.ok(c.sum <= c.h + 1e-4, `sum ${c.sum} above its cap ${c.h}`);
    assert.equal(c.bytes(), 20);
    const d = createCusumDetector({ kind: 'generic' }, LIVE);
    const without = createCusumDetector({ kind: 'generic' }, { ...LIVE, scale: false });
    assert.equal(d.stateBytes() - without.stateBytes(), 20);
  });

  it('the CUSUM feeds it one difference per disjoint pair of samples', () => {
    const d = createCusumDetector({ kind: 'generic' }, { ...LIVE, periodMs: 3_600_000 });
    const values = series(5, 900, () => 1);
    const learned = (): number => (d.snapshot().state as { scale: { learned: number } }).scale.learned;
    for (let i = 0; i < 500; i++) d.update(values[i]!, T0 + i * MIN_MS);
    const l1 = learned();
    assert.ok(l1 > 0 && l1 < 400, `learned ${l1}`);
    for (let i = 500; i < 700; i++) d.update(values[i]!, T0 + i * MIN_MS);
    assert.equal(learned() - l1, 100);
  });

  it('residuals beyond the CUSUM clip (a plateau 8 σ off) do not teach it a lower in-control mean', () => {
    for (let seed = 1; seed <= 3; seed++) {
      const start = SETTLE + 1400;
      const values = series(
        seed,
        start + 200,
        () => 1,
        (i) => (i >= start ? 8 : 0),
      );
      // No restart, so that the residuals stay beyond the clip (±4 σ) for the whole plateau.
      const d = createCusumDetector({ kind: 'generic' }, { ...LIVE, restartSamples: 1_000_000 });
      const mean = (): number => (d.snapshot().state as { scale: { mean: number } }).scale.mean;
      let before = 0;
      values.forEach((v, i) => {
        if (i === start) before = mean();
        d.update(v, T0 + i * MIN_MS);
      });
      assert.ok(mean() - before > -0.3, `seed ${seed}: ȳ ${before} → ${mean()}`);
    }
  });

  it('extreme residuals leave its state finite and its snapshot restorable', () => {
    const c = new ScaleChart(1e7, 50, 4, 1);
    for (const z of [1e300, -1e300, Number.MAX_VALUE, -Number.MAX_VALUE, 1e300, 1e300]) {
      c.pairStart(z);
      c.update(z, 1e-9, true);
    }
    for (let i = 0; i < 100; i++) {
      c.pairStart(0.3);
      c.update(-0.4, 1, true);
    }
    const st = c.state();
    for (const v of Object.values(st)) assert.ok(Number.isFinite(v), JSON.stringify(st));
    new ScaleChart(1e7, 50, 4, 1).setState(st, 'test');
  });

  it('snapshots: restore continues identically; an older snapshot restores a fresh chart; bad state is refused', () => {
    const start = SETTLE + 600;
    const values = series(4, start + 300, (i) => (i >= start ? 3 : 1));
    const a = createCusumDetector({ kind: 'generic' }, LIVE);
    const cut = start + 60;
    for (let i = 0; i < cut; i++) a.update(values[i]!, T0 + i * MIN_MS);
    const snap = a.snapshot();
    const b = createCusumDetector({ kind: 'generic' }, LIVE);
    b.restore(JSON.parse(JSON.stringify(snap)));
    for (let i = cut; i < values.length; i++) {
      const va = a.update(values[i]!, T0 + i * MIN_MS);
      const vb = b.update(values[i]!, T0 + i * MIN_MS);
      assert.deepEqual(vb, va, `sample ${i}`);
    }
    // An older build's snapshot has no scale chart: it restores, and the chart learns again before judging.
    const old = JSON.parse(JSON.stringify(snap));
    delete old.state.scale;
    const c = createCusumDetector({ kind: 'generic' }, LIVE);
    c.restore(old);
    assert.equal(c.sums().scale, 0);
    const bad = JSON.parse(JSON.stringify(snap));
    bad.state.scale.variance = -1;
    const e = createCusumDetector({ kind: 'generic' }, LIVE);
    const before = JSON.stringify(e.snapshot());
    assert.throws(() => e.restore(bad), InvalidInputError);
    assert.equal(JSON.stringify(e.snapshot()), before);
  });

  it('fast-check: any scale state is restored or refused with a coded error, never half-applied', () => {
    const start = createCusumDetector({ kind: 'generic' }, LIVE).snapshot();
    const anyNum = fc.oneof(
      fc.double(),
      fc.integer(),
      fc.constant(Number.NaN),
      fc.constant(null),
      fc.string(),
    );
    fc.assert(
      fc.property(
        fc.record(
          { sum: anyNum, mean: anyNum, variance: anyNum, learned: anyNum, first: anyNum },
          { requiredKeys: [] },
        ),
        (scale) => {
          const d = createCusumDetector({ kind: 'generic' }, LIVE);
          const snap = { ...start, state: { ...(start.state as object), scale } };
          const before = JSON.stringify(d.snapshot());
          try {
            d.restore(snap);
            const st = (d.snapshot().state as { scale: Record<string, number> }).scale;
            for (const v of Object.values(st)) assert.ok(Number.isFinite(v));
          } catch (err) {
            assert.ok(err instanceof InvalidInputError, String(err));
            assert.equal(JSON.stringify(d.snapshot()), before);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
