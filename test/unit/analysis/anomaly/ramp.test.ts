import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';

import {
  createRampDetector,
  rampStatistic,
  rampThreshold,
  RAMP_EVIDENCE_SAMPLES,
} from '../../../../src/analysis/anomaly/ramp.ts';
import { InvalidInputError } from '../../../../src/errors.ts';
import { Prng } from '../../../../src/sim/prng.ts';

const T0 = Date.UTC(2026, 0, 1);
const MEM = { kind: 'utilization' as const, direction: 'up' as const };

/** Σ i·z / √Σ i² over the newest k of `z` (weights 1..k, oldest first), the textbook form. */
function rk(z: readonly number[], k: number): number {
  let num = 0;
  let den = 0;
  for (let i = 1; i <= k; i++) {
    num += i * z[z.length - k + i - 1]!;
    den += i * i;
  }
  return num / Math.sqrt(den);
}

/** A detector that has learned 300 samples alternating 42 ± 0.42 (EWMA mean 42, σ 0.42), and the value at z σ. */
function warmed(opts = {}): { d: ReturnType<typeof createRampDetector>; at: (z: number) => number } {
  const d = createRampDetector(MEM, opts);
  for (let i = 0; i < 300; i++) d.update(42 + (i % 2 === 0 ? 0.42 : -0.42), T0 + i * 1000);
  return { d, at: (z) => 42 + z * 0.42 };
}

describe('ramp detector (window-limited GLR for a linear trend)', () => {
  it('the statistic is the largest ramp-matched sum over windows 2..n', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -6, max: 6, noNaN: true }), { minLength: 2, maxLength: 8 }),
        (z) => {
          let best = Number.NEGATIVE_INFINITY;
          for (let k = 2; k <= z.length; k++) best = Math.max(best, rk(z, k));
          const got = rampStatistic(Float64Array.from(z), z.length);
          assert.ok(Math.abs(got - best) <= 1e-9 * (1 + Math.abs(best)), `${got} vs ${best}`);
        },
      ),
    );
    assert.equal(rampStatistic(Float64Array.from([3]), 1), Number.NEGATIVE_INFINITY);
  });

  it('takes its threshold from the stated false-alarm rate (Bonferroni over the windows)', () => {
    // Φ̄(c) = rate/(maxWindow − 1): 7.78·10⁻⁷/3 → 5.02 σ; 5·10⁻⁷/3 → 5.10 σ.
    assert.ok(Math.abs(rampThreshold(1 / 360_000 - 2e-6, 4) - 5.019) < 0.005);
    assert.ok(Math.abs(rampThreshold(5e-7, 4) - 5.104) < 0.005);
    assert.ok(rampThreshold(5e-7, 5) > rampThreshold(5e-7, 4));
    for (const [rate, w] of [
      [0, 4],
      [0.5, 4],
      [Number.NaN, 4],
      [1e-6, 1],
      [1e-6, 65],
      [1e-6, 2.5],
    ] as const) {
      assert.throws(() => rampThreshold(rate, w), InvalidInputError, `${rate} ${w}`);
    }
    assert.throws(() => createRampDetector(MEM, { bandSigma: -1 }), InvalidInputError);
    assert.throws(() => createRampDetector(MEM, { warmupSamples: 1 }), InvalidInputError);
    assert.throws(
      () => createRampDetector(MEM, { nope: 1 } as unknown as { maxWindow: number }),
      InvalidInputError,
    );
  });

  it('votes on a climb whose samples each stay below a level threshold: −0.3, 2.5, 2.4, 4.4 σ', () => {
    // R₃ on the fourth sample = (2.5 + 2·2.4 + 3·4.4)/√14 = 5.48 ≥ 5.02; on the third 3.26 (window 2) — no vote.
    const { d, at } = warmed({ falseAlarmRate: 1 / 360_000 - 2e-6 });
    const verdicts = [-0.3, 2.5, 2.4, 4.4].map((z, i) => d.update(at(z), T0 + (300 + i) * 1000));
    assert.deepEqual(
      verdicts.map((v) => v.anomalous),
      [false, false, false, true],
    );
    const v = verdicts[3]!;
    assert.ok(v.score >= 0.5 && v.score < 1);
    // The EWMA learned 2.5 and 2.4 σ before it (σ̂ up ≈ 3 %), so the sample reads ≈ 4.3 σ.
    assert.ok(Math.abs(v.deviation - 4.4) < 0.2, `deviation ${v.deviation}`);
    assert.ok(Math.abs(v.expected - 42) < 0.05 && v.upper > v.expected && at(4.4) > v.upper);
    assert.equal(RAMP_EVIDENCE_SAMPLES, 2);
  });

  it('never votes on one sample alone, however large (residuals are clipped at the threshold)', () => {
    const { d, at } = warmed();
    assert.equal(d.update(at(0), T0 + 300_000).anomalous, false);
    const spike = d.update(at(50), T0 + 301_000);
    assert.equal(spike.anomalous, false);
    assert.ok(spike.score < 0.5);
  });

  it('never votes while the current sample is inside its band (±2 σ), however steep the run before it', () => {
    const { d, at } = warmed();
    const v = [4, 4.5, 4.9, 1.9].map((z, i) => d.update(at(z), T0 + (300 + i) * 1000));
    assert.equal(v[3]!.anomalous, false);
    assert.ok(v[3]!.score < 0.5);
    assert.equal(v[2]!.anomalous, true, 'the same run votes while the sample is outside the band');
  });

  it('looks only along the bad direction: a falling ramp on a metric that is bad upwards is quiet', () => {
    const { d, at } = warmed();
    const v = [-2, -4, -6, -8].map((z, i) => d.update(at(z), T0 + (300 + i) * 1000));
    assert.ok(v.every((x) => !x.anomalous && x.score === 0));
  });

  it('on in-control Gaussian noise votes no more often than its stated rate allows (2·10⁶ samples)', () => {
    // Stated 10⁻⁵ per sample here (threshold 4.53 σ) so the count is measurable: expected ≤ 20 in 2·10⁶.
    const d = createRampDetector(MEM, { falseAlarmRate: 1e-5 });
    const rng = new Prng(77);
    let votes = 0;
    for (let i = 0; i < 2_000_000; i++) if (d.update(rng.gaussian(0, 1), T0 + i * 1000).anomalous) votes++;
    assert.ok(votes <= 20, `${votes} votes`);
  });

  it('has bounded state and restores a snapshot exactly; a bad snapshot throws and changes nothing', () => {
    const a = createRampDetector(MEM);
    const bytes = a.stateBytes();
    const rng = new Prng(5);
    for (let i = 0; i < 5000; i++) a.update(42 + rng.gaussian(0, 0.42), T0 + i * 1000);
    assert.equal(a.stateBytes(), bytes);
    const snap = JSON.parse(JSON.stringify(a.snapshot())) as ReturnType<typeof a.snapshot>;
    const b = createRampDetector(MEM);
    b.restore(snap);
    const before = JSON.stringify(b.snapshot());
    for (const bad of [
      { ...snap, detector: 'ewma' },
      { ...snap, version: 9 },
      { ...snap, state: { ...(snap.state as object), recent: [1, 2, 3, 4, 5] } },
      { ...snap, state: { ...(snap.state as object), recent: [99] } },
      { ...snap, state: { ...(snap.state as object), lastAnomalous: 'no' } },
    ]) {
      assert.throws(() => b.restore(bad), InvalidInputError);
      assert.equal(JSON.stringify(b.snapshot()), before);
    }
    for (let i = 0; i < 20; i++) {
      const x = 42 + 0.42 * 1.2 * i;
      assert.deepEqual(b.update(x, T0 + (6000 + i) * 1000), a.update(x, T0 + (6000 + i) * 1000));
    }
  });

  it('restoring arbitrary snapshot data either succeeds or throws InvalidInputError and changes nothing (fuzz)', () => {
    const d = createRampDetector(MEM);
    for (let i = 0; i < 40; i++) d.update(42 + (i % 2), T0 + i * 1000);
    const good = d.snapshot();
    fc.assert(
      fc.property(
        fc.record({
          detector: fc.oneof(fc.constant('ramp'), fc.string()),
          version: fc.oneof(fc.constant(1), fc.integer()),
          state: fc.oneof(
            fc.anything(),
            fc.record({
              ewma: fc.oneof(fc.constant((good.state as { ewma: unknown }).ewma), fc.anything()),
              recent: fc.array(fc.oneof(fc.double(), fc.string()), { maxLength: 6 }),
              lastAnomalous: fc.oneof(fc.boolean(), fc.anything()),
            }),
          ),
        }),
        (snap) => {
          const before = JSON.stringify(d.snapshot());
          try {
            d.restore(snap as ReturnType<typeof d.snapshot>);
          } catch (e) {
            assert.ok(e instanceof InvalidInputError, String(e));
            assert.equal(JSON.stringify(d.snapshot()), before);
          }
          d.restore(good);
        },
      ),
    );
  });
});
