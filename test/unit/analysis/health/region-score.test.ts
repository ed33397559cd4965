import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError, InvalidInputError, LimitExceededError } from '../../../../src/errors.ts';
import {
  appendScore,
  detectDegradedRegions,
  healthStatus,
  latencyFactor,
  MAX_REGIONS,
  MAX_SCORE_HISTORY,
  scoreRegion,
  scoreTrend,
  type RegionHealthInput,
  type ScorePoint,
} from '../../../../src/analysis/health/region-score.ts';

const MIN = 60_000;
const T0 = 1_700_000_000_000;
const near = (a: number | null, b: number, eps = 1e-9): void =>
  assert.ok(a !== null && Math.abs(a - b) <= eps, `expected ${b}, got ${a}`);

const base: RegionHealthInput = {
  availabilityPercent: 99.9,
  utilizationPercent: 60,
  latencyMs: 20,
  errorRate: 0.01,
  consensusHealthPercent: 100,
};

describe('scoreRegion', () => {
  it('computes the weighted score by hand (defaults 0.3/0.2/0.2/0.2/0.1)', () => {
    const r = scoreRegion(base);
    // factors: 99.9, 100-60=40, 100*(1-20/100)=80, 100*(1-0.01/0.05)=80, 100
    assert.deepEqual(r.factors, {
      availability: 99.9,
      headroom: 40,
      latency: 80,
      errorRate: 80,
      consensus: 100,
    });
    near(r.score, 0.3 * 99.9 + 0.2 * 40 + 0.2 * 80 + 0.2 * 80 + 0.1 * 100); // 79.97
    near(r.score, 79.97);
    assert.equal(r.status, 'degraded');
  });

  it('reproduces the original mappings when asked, and shows why the error mapping changed', () => {
    // Original: error score = 100 - errorRate*100, so 1 % errors scores 99 and the region reads healthy.
    const orig = scoreRegion(base, { errorRateZeroScore: 1 });
    assert.equal(orig.factors.errorRate, 99);
    near(orig.score, 83.77);
    assert.equal(orig.status, 'healthy');
    // Original latency mapping (100 - ms) is the default; 150 ms scores 0, not negative.
    assert.equal(scoreRegion({ ...base, latencyMs: 150 }).factors.latency, 0);
  });

  it('uses a configurable latency zero point and custom weights', () => {
    const r = scoreRegion({ ...base, latencyMs: 250 }, { latencyZeroScoreMs: 500 });
    assert.equal(r.factors.latency, 50);
    const onlyAvail = scoreRegion(base, {
      weights: { availability: 1, headroom: 0, latency: 0, errorRate: 0, consensus: 0 },
    });
    near(onlyAvail.score, 99.9);
    const perfect = scoreRegion({
      availabilityPercent: 100,
      utilizationPercent: 0,
      latencyMs: 0,
      errorRate: 0,
      consensusHealthPercent: 100,
    });
    assert.equal(perfect.score, 100);
    const worst = scoreRegion({
      availabilityPercent: 0,
      utilizationPercent: 100,
      latencyMs: 1e6,
      errorRate: 1,
      consensusHealthPercent: 0,
    });
    assert.equal(worst.score, 0);
    assert.equal(worst.status, 'unhealthy');
  });

  it('rejects weights that do not sum to 1 or are negative, and out-of-range inputs', () => {
    assert.throws(
      () =>
        scoreRegion(base, {
          weights: { availability: 0.3, headroom: 0.2, latency: 0.2, errorRate: 0.2, consensus: 0 },
        }),
      (e: unknown) => e instanceof ConfigError && /weights must sum to 1, got 0\.8999/.test(e.message),
    );
    assert.throws(
      () =>
        scoreRegion(base, {
          weights: { availability: 1.2, headroom: -0.2, latency: 0, errorRate: 0, consensus: 0 },
        }),
      (e: unknown) => e instanceof ConfigError && /weights.headroom/.test(e.message),
    );
    assert.throws(() => scoreRegion(base, { latencyZeroScoreMs: 0 }), ConfigError);
    assert.throws(() => scoreRegion({ ...base, errorRate: 1.5 }), InvalidInputError);
    assert.throws(() => scoreRegion({ ...base, availabilityPercent: Number.NaN }), InvalidInputError);
    assert.throws(() => scoreRegion({ ...base, latencyMs: -1 }), InvalidInputError);
  });

  it("scores latency against each mode's own baseline: internet at 278 ms is 100, not 0 on the datacenter scale", () => {
    // The healthy simulator: eu-west (internet) ~278 ms, ap-south (hybrid) ~95 ms, us-east (datacenter) ~16 ms.
    const internet = scoreRegion({
      ...base,
      latencyMs: 278,
      latencyByMode: [{ mode: 'internet', latencyMs: 278, observations: 900 }],
    });
    assert.equal(internet.factors.latency, 100);
    assert.equal(
      scoreRegion({ ...base, latencyMs: 278 }).factors.latency,
      0,
      'without modes: the original datacenter scale',
    );
    const hybrid = scoreRegion({
      ...base,
      latencyMs: 95,
      latencyByMode: [{ mode: 'hybrid', latencyMs: 95, observations: 900 }],
    });
    near(hybrid.factors.latency, 100 * (1 - 45 / 450)); // baseline 50 ms, zero at 500 ms
    const dc = scoreRegion({
      ...base,
      latencyMs: 16,
      latencyByMode: [{ mode: 'datacenter', latencyMs: 16, observations: 900 }],
    });
    near(dc.factors.latency, 100 * (1 - 6 / 90));
    assert.deepEqual(dc.latencyByMode[0], {
      mode: 'datacenter',
      latencyMs: 16,
      observations: 900,
      score: dc.factors.latency,
      baselineMs: 10,
      zeroScoreMs: 100,
    });
  });

  it('mixed modes weigh each mode by its observations; an unknown mode uses the default scale; profiles are options', () => {
    const r = scoreRegion({
      ...base,
      latencyByMode: [
        { mode: 'internet', latencyMs: 2750, observations: 100 }, // (5000 − 2750)/4500 → 50
        { mode: 'datacenter', latencyMs: 5, observations: 300 }, // ≤ baseline → 100
      ],
    });
    near(r.factors.latency, (100 * 50 + 300 * 100) / 400);
    near(
      scoreRegion({ ...base, latencyByMode: [{ mode: 'lan', latencyMs: 40, observations: 1 }] }).factors
        .latency,
      60,
    );
    const strict = scoreRegion(
      { ...base, latencyByMode: [{ mode: 'internet', latencyMs: 278, observations: 1 }] },
      {
        modeLatency: {
          datacenter: { baselineMs: 10, zeroScoreMs: 100 },
          hybrid: { baselineMs: 50, zeroScoreMs: 500 },
          internet: { baselineMs: 100, zeroScoreMs: 300 },
        },
      },
    );
    near(strict.factors.latency, (100 * (300 - 278)) / 200);
    assert.throws(
      () => scoreRegion({ ...base, latencyByMode: [{ mode: 'internet', latencyMs: 1, observations: 0 }] }),
      InvalidInputError,
    );
  });

  it('latencyFactor: 100 up to the baseline, 0 from the zero point, linear between; rejects a bad profile', () => {
    const p = { baselineMs: 10, zeroScoreMs: 110 };
    assert.equal(latencyFactor(0, p), 100);
    assert.equal(latencyFactor(10, p), 100);
    assert.equal(latencyFactor(60, p), 50);
    assert.equal(latencyFactor(110, p), 0);
    assert.equal(latencyFactor(1e9, p), 0);
    assert.throws(() => latencyFactor(5, { baselineMs: 10, zeroScoreMs: 10 }), ConfigError);
    assert.throws(() => latencyFactor(5, { baselineMs: -1, zeroScoreMs: 10 }), ConfigError);
  });

  it('classifies status at the boundaries', () => {
    assert.equal(healthStatus(80), 'healthy');
    assert.equal(healthStatus(79.999), 'degraded');
    assert.equal(healthStatus(60), 'degraded');
    assert.equal(healthStatus(59.999), 'unhealthy');
  });
});

describe('scoreTrend', () => {
  const line = (perHour: number, start = 80): ScorePoint[] =>
    Array.from({ length: 7 }, (_, i) => ({ tMs: T0 + i * 10 * MIN, score: start + (perHour * i) / 6 }));
  const now = T0 + 60 * MIN;

  it('gives the least-squares slope per hour and its sign', () => {
    const up = scoreTrend(line(6), {}, now);
    near(up.slopePerHour, 6);
    assert.equal(up.trend, 'improving');
    assert.equal(up.points, 7);
    const down = scoreTrend(line(-12), {}, now);
    near(down.slopePerHour, -12);
    assert.equal(down.trend, 'degrading');
    assert.equal(scoreTrend(line(3), {}, now).trend, 'stable');
    assert.equal(scoreTrend(line(3), { stableSlopePerHour: 2 }, now).trend, 'improving');
  });

  it('uses only the window (the original ignored it) and needs minPoints', () => {
    const h: ScorePoint[] = [{ tMs: T0 - 5 * 60 * MIN, score: 0 }, ...line(0)];
    assert.equal(scoreTrend(h, {}, now).slopePerHour, 0);
    assert.ok(scoreTrend(h, { windowMs: 6 * 60 * MIN }, now).slopePerHour! > 0);
    const two = scoreTrend(line(6).slice(-2), {}, now);
    assert.deepEqual(two, { slopePerHour: null, trend: 'unknown', points: 2 });
  });

  it('rejects unsorted histories', () => {
    assert.throws(
      () =>
        scoreTrend(
          [
            { tMs: T0 + 1, score: 50 },
            { tMs: T0, score: 50 },
          ],
          {},
          now,
        ),
      InvalidInputError,
    );
  });
});

describe('detectDegradedRegions', () => {
  it('lists non-healthy regions worst first with how long they have been so', () => {
    const now = T0 + 40 * MIN;
    const h = new Map<string, ScorePoint[]>([
      ['eu-west', [90, 91, 92, 93].map((s, i) => ({ tMs: T0 + i * 10 * MIN, score: s }))],
      ['us-east', [90, 75, 70, 72].map((s, i) => ({ tMs: T0 + i * 10 * MIN, score: s }))],
      ['ap-south', [{ tMs: T0 + 30 * MIN, score: 50 }]],
      ['sa-east', [79, 85, 65].map((s, i) => ({ tMs: T0 + i * 10 * MIN, score: s }))],
    ]);
    const r = detectDegradedRegions(h, {}, now);
    assert.deepEqual(
      r.map((x) => [
        x.region,
        x.status,
        x.score,
        (x.sinceMs - T0) / MIN,
        x.durationMs / MIN,
        x.worstScore,
        x.stale,
      ]),
      [
        ['ap-south', 'unhealthy', 50, 30, 10, 50, true],
        ['sa-east', 'degraded', 65, 20, 20, 65, true],
        ['us-east', 'degraded', 72, 10, 30, 70, true],
      ],
    );
    const fresh = detectDegradedRegions(h, { staleAfterMs: 15 * MIN }, now);
    assert.equal(fresh.find((x) => x.region === 'us-east')!.stale, false);
  });

  it('bounds regions and history sizes', () => {
    const many = new Map<string, ScorePoint[]>();
    for (let i = 0; i <= MAX_REGIONS; i++) many.set(`r${i}`, []);
    assert.throws(() => detectDegradedRegions(many, {}, T0), LimitExceededError);
    const long = Array.from({ length: MAX_SCORE_HISTORY + 1 }, (_, i) => ({ tMs: T0 + i, score: 50 }));
    assert.throws(() => detectDegradedRegions(new Map([['x', long]]), {}, T0 + 1e6), LimitExceededError);
  });
});

describe('appendScore', () => {
  it('keeps at most maxPoints, dropping the oldest', () => {
    let h: ScorePoint[] = [];
    for (let i = 0; i < 10; i++) h = appendScore(h, { tMs: T0 + i, score: i }, 3);
    assert.deepEqual(
      h.map((p) => p.score),
      [7, 8, 9],
    );
    assert.throws(() => appendScore(h, { tMs: T0, score: 1 }, 3), InvalidInputError);
    assert.throws(() => appendScore(h, { tMs: T0 + 99, score: 101 }, 3), InvalidInputError);
    assert.throws(() => appendScore(h, { tMs: T0 + 99, score: 1 }, MAX_SCORE_HISTORY + 1), InvalidInputError);
  });
});
