import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { createCusumDetector, cusumThreshold, siegmundArl0 } from '../../../../src/analysis/anomaly/cusum.ts';
import { NOT_JUDGED } from '../../../../src/analysis/anomaly/detector.ts';
import { InvalidInputError } from '../../../../src/errors.ts';
import { CorpusRandom } from '../../../../src/eval/corpus/random.ts';

/** A detector whose baseline settles on level 10 with σ ≈ 1.2533 (alternating ±1) and then barely moves. */
function settled(
  opts: Parameters<typeof createCusumDetector>[1] = {},
  kind: 'generic' | 'latency' = 'generic',
) {
  const d = createCusumDetector({ kind }, { baselineHalfLife: 1e9, warmupSamples: 20, h: 5, ...opts });
  for (let i = 0; i < 40; i++) d.update(i % 2 === 0 ? 11 : 9, i * 1000);
  return d;
}

describe('cusum: decision interval from ARL₀ (Siegmund 1985)', () => {
  it('reproduces the one-sided in-control ARLs of Montgomery Table 9.3 (k = 0.5: h = 4 → 336, h = 5 → 930)', () => {
    assert.ok(Math.abs(siegmundArl0(0.5, 4) / 336 - 1) < 0.02, String(siegmundArl0(0.5, 4)));
    assert.ok(Math.abs(siegmundArl0(0.5, 5) / 930 - 1) < 0.02, String(siegmundArl0(0.5, 5)));
  });

  it('solves h for a target ARL₀ (round trip) and grows with the target', () => {
    const h = cusumThreshold(1, 1e6);
    assert.ok(Math.abs(siegmundArl0(1, h) / 1e6 - 1) < 1e-9);
    assert.ok(h > 5.5 && h < 6.5, String(h));
    // The values the TSDoc of cusumThreshold states (two decimals).
    assert.equal(h.toFixed(2), '6.09');
    assert.equal(cusumThreshold(1, 1e4).toFixed(2), '3.79');
    assert.ok(cusumThreshold(1, 1e8) > h);
    assert.throws(() => cusumThreshold(0, 1e6), InvalidInputError);
    assert.throws(() => cusumThreshold(1, 5), InvalidInputError);
  });
});

describe('cusum: known answers', () => {
  it('warms up, then a sustained +3σ shift adds ≈ 3 − k = 2 per sample and signals at S ≥ h = 5 (third sample)', () => {
    const d = createCusumDetector({ kind: 'generic' }, { baselineHalfLife: 1e9, warmupSamples: 20, h: 5 });
    assert.equal(d.update(11, 0), NOT_JUDGED);
    for (let i = 1; i < 40; i++) d.update(i % 2 === 0 ? 11 : 9, i * 1000);
    const sigma = (d.predict(0)!.upper - d.predict(0)!.expected) / 2;
    const x = d.predict(0)!.expected + 3 * sigma;
    const v1 = d.update(x, 41_000);
    const v2 = d.update(x, 42_000);
    const v3 = d.update(x, 43_000);
    // 3 − 1 per sample, a little less as the (running-mean) baseline learns the shifted samples: 5.27.
    assert.ok(d.sums().up >= 5 && d.sums().up <= 6, String(d.sums().up));
    assert.equal(v1.anomalous, false);
    assert.equal(v2.anomalous, false);
    assert.equal(v3.anomalous, true);
    assert.ok(v2.score < 0.5 && v3.score >= 0.5);
    assert.ok(v3.deviation > 2 && v3.deviation <= 3, String(v3.deviation));
    assert.equal(v3.severity, 'medium');
    // The sample lies outside the band the verdict reports (expected ± 2k·σ).
    assert.ok(x > v3.upper);
  });

  it('a single blip of any size cannot signal: residuals are clipped at ±clip (adds ≤ clip − k = 3 < h)', () => {
    const d = settled();
    const v = d.update(1e9, 50_000);
    assert.equal(v.anomalous, false);
    assert.ok(d.sums().up <= 3 + 1e-9);
    assert.ok(v.deviation > 1e6, 'deviation is reported unclipped');
  });

  it('votes only with the sample outside the band: a sum above h with an in-band sample scores just below ½', () => {
    const d = settled({ restartSamples: 100 });
    const s = (d.predict(0)!.upper - d.predict(0)!.expected) / 2;
    const e = d.predict(0)!.expected;
    for (let i = 0; i < 4; i++) d.update(e + 4 * s, 50_000 + i * 1000);
    const v = d.update(e + 1.5 * s, 60_000); // S stays ≥ h, but 1.5σ is inside the 2σ band
    assert.ok(d.sums().up >= 5, String(d.sums().up));
    assert.equal(v.anomalous, false);
    assert.equal(v.score, 0.4999);
  });

  it('restarts after a held signal: a permanent step is accepted as the new level (Page 1954)', () => {
    const d = settled({ restartSamples: 3 });
    let anomalous = 0;
    for (let i = 0; i < 200; i++)
      if (d.update(20 + (i % 2 === 0 ? 1 : -1), 50_000 + i * 1000).anomalous) anomalous++;
    assert.ok(anomalous >= 1 && anomalous <= 6, `anomalous samples ${anomalous}`);
    assert.ok(Math.abs(d.predict(0)!.expected - 20) < 1, String(d.predict(0)!.expected));
  });

  it('looks only along the kind’s bad direction (latency: up)', () => {
    const d = settled({}, 'latency');
    let anomalous = 0;
    for (let i = 0; i < 20; i++) if (d.update(0, 50_000 + i * 1000).anomalous) anomalous++;
    assert.equal(anomalous, 0);
    assert.equal(d.sums().up, 0);
  });

  it('non-finite input is not judged and changes nothing', () => {
    const d = settled();
    const before = JSON.stringify(d.snapshot());
    assert.equal(d.update(Number.NaN, 1), NOT_JUDGED);
    assert.equal(d.update(1, Number.POSITIVE_INFINITY), NOT_JUDGED);
    assert.equal(JSON.stringify(d.snapshot()), before);
  });
});

describe('cusum: autocorrelation', () => {
  it('whitening keeps AR(1) noise (φ = 0.6) quiet: no signal in 20 000 samples at the default ARL₀', () => {
    const rng = new CorpusRandom(7);
    const d = createCusumDetector({ kind: 'generic' });
    let e = 0;
    let alarms = 0;
    for (let i = 0; i < 20_000; i++) {
      e = 0.6 * e + 0.8 * rng.normal();
      if (d.update(100 + e, i * 60_000).anomalous) alarms++;
    }
    assert.equal(alarms, 0);
  });
});

describe('cusum: seasonal baseline, bounds, snapshot', () => {
  it('state is bounded: stateBytes does not grow with the number of samples', () => {
    const d = createCusumDetector({ kind: 'generic' }, { periodMs: 3_600_000 });
    for (let i = 0; i < 1000; i++) d.update(Math.sin(i / 10), i * 10_000);
    const b = d.stateBytes();
    for (let i = 1000; i < 50_000; i++) d.update(Math.sin(i / 10), i * 10_000);
    assert.equal(d.stateBytes(), b);
    assert.ok(b < 2048, String(b));
  });

  it('snapshot/restore resumes with identical verdicts; a bad snapshot is refused and changes nothing', () => {
    const rng = new CorpusRandom(3);
    const a = createCusumDetector({ kind: 'generic' }, { periodMs: 3_600_000 });
    for (let i = 0; i < 3000; i++)
      a.update(50 + rng.normal() + (i > 2500 ? 0.02 * (i - 2500) : 0), i * 10_000);
    const b = createCusumDetector({ kind: 'generic' }, { periodMs: 3_600_000 });
    b.restore(JSON.parse(JSON.stringify(a.snapshot())));
    for (let i = 3000; i < 3200; i++) {
      const x = 50 + rng.normal() + 0.02 * (i - 2500);
      assert.deepEqual(b.update(x, i * 10_000), a.update(x, i * 10_000));
    }
    const before = JSON.stringify(b.snapshot());
    assert.throws(
      () =>
        b.restore({ detector: 'cusum', version: 1, state: { ...(a.snapshot().state as object), up: -1 } }),
      InvalidInputError,
    );
    assert.throws(() => b.restore({ detector: 'ewma', version: 1, state: {} }), InvalidInputError);
    const bad = JSON.parse(JSON.stringify(a.snapshot()));
    bad.state.baseline.offsets = [1, 2];
    assert.throws(() => b.restore(bad), InvalidInputError);
    assert.equal(JSON.stringify(b.snapshot()), before);
  });

  it('rejects bad options', () => {
    assert.throws(() => createCusumDetector({ kind: 'generic' }, { k: 0 }), InvalidInputError);
    assert.throws(() => createCusumDetector({ kind: 'generic' }, { clip: 0.5 }), InvalidInputError);
    assert.throws(() => createCusumDetector({ kind: 'generic' }, { periodMs: 10 }), InvalidInputError);
    assert.throws(() => createCusumDetector({ kind: 'generic' }, { nope: 1 } as never), InvalidInputError);
    assert.throws(
      () => createCusumDetector({ kind: 'generic' }, { restartInside: 1 } as never),
      InvalidInputError,
    );
  });
});

describe('cusum: restart inside the excursion only (restartInside)', () => {
  /** Alarms after a 4-sample 30 σ burst on Gaussian noise (σ = 1, level 50), counted from the burst's end. */
  const alarmsAfterBurst = (restartInside: boolean): number => {
    const rng = new CorpusRandom(21);
    const d = createCusumDetector({ kind: 'generic' }, { arl0: 1e7, restartInside });
    const burst = 2000;
    let after = 0;
    for (let i = 0; i < 2400; i++) {
      const v = d.update(50 + rng.normal() + (i >= burst && i < burst + 4 ? 30 : 0), i * 1000);
      if (i >= burst + 4 && v.anomalous) after++;
    }
    return after;
  };

  it('a burst that has ended is not taken for a new level: no alarm on the return to normal', () => {
    assert.ok(alarmsAfterBurst(false) > 0, 'the re-anchoring restart pages on the return to normal');
    assert.equal(alarmsAfterBurst(true), 0);
  });

  it('a lasting shift is still accepted (re-anchored) and stops paging', () => {
    const rng = new CorpusRandom(22);
    const d = createCusumDetector({ kind: 'generic' }, { arl0: 1e7, restartInside: true });
    let first = -1;
    let late = 0;
    for (let i = 0; i < 3000; i++) {
      const v = d.update(50 + rng.normal() + (i >= 2000 ? 4 : 0), i * 1000);
      if (v.anomalous && first < 0 && i >= 2000) first = i - 2000;
      if (v.anomalous && i >= 2100) late++;
    }
    assert.ok(first >= 0 && first < 10, `shift found after ${first} samples`);
    assert.equal(late, 0);
  });
});
