import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';

import { DWCP_KIND_TUNING, DWCP_UTILIZATION_TUNING } from '../../../../src/analysis/anomaly/dwcp-tuning.ts';
import { createEnsemble } from '../../../../src/analysis/anomaly/presets.ts';
import { badDirectionOf } from '../../../../src/catalog/impact.ts';
import { getMetric } from '../../../../src/catalog/index.ts';
import { KIND_DEFAULTS } from '../../../../src/analysis/anomaly/statistical.ts';
import type { MetricKind } from '../../../../src/model/anomaly.ts';

const KINDS = Object.keys(KIND_DEFAULTS) as MetricKind[];
const DAY_MS = 86_400_000;
const T0 = Date.UTC(2026, 0, 1);

/** Deterministic noise in [-1, 1) (LCG), so the test does not depend on Math.random. */
function noise(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return (s / 2 ** 32) * 2 - 1;
  };
}

describe('DWCP_KIND_TUNING', () => {
  it('has an entry for every metric kind and nothing else', () => {
    assert.deepEqual(Object.keys(DWCP_KIND_TUNING).sort(), [...KINDS].sort());
    assert.ok(Object.isFrozen(DWCP_KIND_TUNING));
  });

  it('gives every kind at least one member, valid thresholds and no muting (the engine does the cooldown)', () => {
    for (const kind of KINDS) {
      const t = DWCP_KIND_TUNING[kind];
      assert.equal(t.muteSamples, 0, kind);
      assert.ok(
        t.ewmaSigma !== undefined || t.seasonalSigma !== undefined || t.relativeEntropy === true,
        kind,
      );
      for (const v of [t.ewmaSigma, t.seasonalSigma]) {
        if (v !== undefined) assert.ok(Number.isFinite(v) && v > 0, `${kind}: ${v}`);
      }
      assert.equal(t.knnCadScore, undefined, kind);
      assert.equal(t.contextOseScore, undefined, kind);
    }
  });

  it('constructs the live ensemble for every kind and judges a stream without throwing', () => {
    for (const kind of KINDS) {
      const d = createEnsemble(
        { kind },
        { preset: 'statistical', tuning: DWCP_KIND_TUNING[kind], muteSamples: 0, seasonalPeriodMs: 300_000 },
      );
      const rnd = noise(7);
      let judged = 0;
      for (let i = 0; i < 200; i++) {
        const v = d.update(100 + rnd(), T0 + i * 1000);
        assert.ok(v.score >= 0 && v.score <= 1, `${kind}: score ${v.score}`);
        if (!v.warmingUp) judged++;
      }
      assert.ok(judged > 0, `${kind}: never left warm-up`);
    }
  });

  it('latency: stays quiet on noise and alarms on a large rise (the bad direction)', () => {
    const d = createEnsemble(
      { kind: 'latency' },
      { preset: 'statistical', tuning: DWCP_KIND_TUNING.latency, muteSamples: 0, seasonalPeriodMs: DAY_MS },
    );
    const rnd = noise(11);
    let alarms = 0;
    for (let i = 0; i < 150; i++) if (d.update(10 + 0.1 * rnd(), T0 + i * 1000).anomalous) alarms++;
    assert.equal(alarms, 0);
    // EWMA σ ≈ 0.058 (uniform ±0.1): +5 is ~85 σ, far above the 6 σ threshold.
    assert.equal(d.update(15, T0 + 150_000).anomalous, true);
  });

  it('latency: a benign stream-duration series over two compressed days (1–5 samples per seasonal bin) does not page', () => {
    // Recorded from the simulator; day 150 s. Without the seasonal member's minimum of samples per bin it paged at
    // 153.5, 165.5, 167.5 and 175.5 s on bin scales of 1–5 samples (seasonal.test.ts).
    const rows = readFileSync(
      new URL('../../../fixtures/series-stream-duration-two-days.csv', import.meta.url),
      'utf8',
    )
      .split('\n')
      .filter((l) => /^[0-9]/.test(l))
      .map((l) => l.split(',').map(Number) as [number, number]);
    const d = createEnsemble(
      { kind: 'latency' },
      { preset: 'statistical', tuning: DWCP_KIND_TUNING.latency, muteSamples: 0, seasonalPeriodMs: 150_000 },
    );
    const t0 = Date.UTC(2024, 0, 1);
    const paged = rows.filter(([t, x]) => d.update(x, t0 + t * 1000).anomalous).map(([t]) => t);
    assert.deepEqual(paged, []);
    assert.equal(DWCP_KIND_TUNING.latency.seasonalMinBinSamples, 10);
  });

  it('the relative-entropy tunings (utilisation, health): never a page on a good-direction shift, nor without a band to show', () => {
    // Bad side per series, as the detection engine hands it over from the catalog: utilisation and disk up,
    // health down, network utilisation down (lost throughput).
    const util = getMetric('dwcp_v3_resource_utilization_percent');
    const cases = [
      {
        name: 'utilization',
        kind: 'utilization',
        tuning: DWCP_KIND_TUNING.utilization,
        direction: badDirectionOf(undefined, 'utilization'),
        bad: 1,
      },
      {
        name: 'health',
        kind: 'health',
        tuning: DWCP_KIND_TUNING.health,
        direction: badDirectionOf(undefined, 'health'),
        bad: -1,
      },
      {
        name: 'network',
        kind: 'utilization',
        tuning: DWCP_UTILIZATION_TUNING.network!,
        direction: badDirectionOf(util, 'utilization', { resource_type: 'network' }),
        bad: -1,
      },
      {
        name: 'disk',
        kind: 'utilization',
        tuning: DWCP_UTILIZATION_TUNING.disk!,
        direction: badDirectionOf(util, 'utilization', { resource_type: 'disk' }),
        bad: 1,
      },
    ] as const;
    for (const { name, kind, tuning, direction, bad: sign } of cases) {
      const run = (step: number) => {
        const d = createEnsemble(
          { kind, direction },
          { preset: 'statistical', tuning, muteSamples: 0, seasonalPeriodMs: DAY_MS },
        );
        const rnd = noise(5);
        const alarms: { x: number; lower: number; upper: number }[] = [];
        for (let i = 0; i < 400; i++) {
          const x = 50 + 2 * rnd() + (i >= 300 ? step : 0);
          const v = d.update(x, T0 + i * 1000);
          if (v.anomalous) alarms.push({ x, lower: v.lower, upper: v.upper });
        }
        return alarms;
      };
      assert.deepEqual(run(-15 * sign), [], `${name}: a step in the good direction does not page`);
      const bad = run(15 * sign);
      assert.ok(bad.length > 0, `${name}: a step in the bad direction pages`);
      for (const a of bad) {
        assert.ok(
          Number.isFinite(a.lower) && Number.isFinite(a.upper),
          `${name}: band [${a.lower}, ${a.upper}]`,
        );
        assert.ok(a.x > a.upper || a.x < a.lower, `${name}: ${a.x} outside [${a.lower}, ${a.upper}]`);
      }
    }
  });
});
