import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InvalidInputError } from '../../../src/errors.ts';
import { RegionTrendTracker, UNKNOWN_TREND } from '../../../src/monitor/region-trend-tracker.ts';

const MIN = 60_000;
const T0 = 1_700_000_000_000;
const near = (a: number | null, b: number, eps = 1e-9): void =>
  assert.ok(a !== null && Math.abs(a - b) <= eps, `expected ${b}, got ${a}`);

describe('RegionTrendTracker', () => {
  it('gives the least-squares slope per hour and its direction (hand-computed)', () => {
    const t = new RegionTrendTracker();
    // 90, 85, 80 at 0, 10, 20 min: slope −5 per 10 min = −30 points/h.
    t.record(
      [
        { region: 'eu', score: 90 },
        { region: 'us', score: 90 },
      ],
      T0,
    );
    t.record(
      [
        { region: 'eu', score: 85 },
        { region: 'us', score: 90.5 },
      ],
      T0 + 10 * MIN,
    );
    assert.deepEqual(t.trend('eu', T0 + 10 * MIN), { direction: 'unknown', slopePerHour: null, points: 2 }); // < 3 points
    t.record(
      [
        { region: 'eu', score: 80 },
        { region: 'us', score: 91 },
      ],
      T0 + 20 * MIN,
    );
    const eu = t.trend('eu', T0 + 20 * MIN);
    assert.equal(eu.direction, 'degrading');
    assert.equal(eu.points, 3);
    near(eu.slopePerHour, -30);
    // +1 point per 20 min = +3/h: below the ±5/h threshold → stable.
    const us = t.trend('us', T0 + 20 * MIN);
    assert.equal(us.direction, 'stable');
    near(us.slopePerHour, 3);
    // Rising by 10 per 10 min → improving.
    const up = new RegionTrendTracker();
    [50, 60, 70].forEach((s, i) => up.record([{ region: 'ap', score: s }], T0 + i * 10 * MIN));
    assert.equal(up.trend('ap', T0 + 20 * MIN).direction, 'improving');
    near(up.trend('ap', T0 + 20 * MIN).slopePerHour, 60);
  });

  it('uses only the last hour; unknown regions and old histories are unknown', () => {
    const t = new RegionTrendTracker();
    [90, 85, 80].forEach((s, i) => t.record([{ region: 'eu', score: s }], T0 + i * MIN));
    assert.equal(t.trend('eu', T0 + 2 * MIN).points, 3);
    assert.deepEqual(t.trend('eu', T0 + 2 * 3_600_000), {
      direction: 'unknown',
      slopePerHour: null,
      points: 0,
    });
    assert.deepEqual(t.trend('nowhere', T0), UNKNOWN_TREND);
  });

  it('skips null or out-of-range scores and points not after the last one; absent regions keep their history', () => {
    const t = new RegionTrendTracker();
    t.record(
      [
        { region: 'eu', score: 90 },
        { region: 'us', score: null },
      ],
      T0,
    );
    t.record([{ region: 'eu', score: 80 }], T0); // same time: skipped
    t.record([{ region: 'eu', score: 70 }], T0 - 1); // earlier: skipped
    t.record(
      [
        { region: 'eu', score: 101 },
        { region: 'eu2', score: Number.NaN },
      ],
      T0 + MIN,
    );
    t.record([{ region: 'us', score: 50 }], T0 + 2 * MIN); // eu absent
    assert.deepEqual(t.history('eu'), [{ tMs: T0, score: 90 }]);
    assert.deepEqual(t.history('us'), [{ tMs: T0 + 2 * MIN, score: 50 }]);
    assert.deepEqual(t.size, { regions: 2, points: 2 });
  });

  it('caps: at most 240 points per region and 100 regions by default, oldest dropped', () => {
    const t = new RegionTrendTracker();
    for (let i = 0; i < 1000; i++) t.record([{ region: 'eu', score: i % 100 }], T0 + i * 15_000);
    const h = t.history('eu');
    assert.equal(h.length, 240);
    assert.deepEqual(h[0], { tMs: T0 + 760 * 15_000, score: 60 });
    assert.deepEqual(h[239], { tMs: T0 + 999 * 15_000, score: 99 });

    // 150 regions, one per recomputation: the 50 updated least recently are dropped …
    const r = new RegionTrendTracker();
    for (let i = 0; i < 150; i++) {
      // … except region-0, which is updated again each time.
      r.record(
        [
          { region: `region-${i}`, score: 80 },
          { region: 'region-0', score: 80 },
        ],
        T0 + i * 1000,
      );
    }
    assert.equal(r.size.regions, 100);
    assert.equal(r.history('region-0').length, 150);
    assert.equal(r.history('region-1').length, 0);
    assert.equal(r.history('region-50').length, 0);
    assert.equal(r.history('region-51').length, 1);
    assert.equal(r.history('region-149').length, 1);
    // One recomputation with more regions than the cap keeps the last 100 of it.
    const big = new RegionTrendTracker({ maxRegions: 100, maxPointsPerRegion: 3 });
    big.record(
      Array.from({ length: 250 }, (_, i) => ({ region: `r${i}`, score: 90 })),
      T0,
    );
    assert.equal(big.size.regions, 100);
    assert.equal(big.history('r149').length, 0);
    assert.equal(big.history('r150').length, 1);
    for (let i = 1; i < 10; i++)
      big.record(
        Array.from({ length: 250 }, (_, j) => ({ region: `r${j}`, score: 90 })),
        T0 + i * 1000,
      );
    assert.deepEqual(big.size, { regions: 100, points: 300 });
  });

  it('bad options throw InvalidInputError', () => {
    for (const o of [
      { maxPointsPerRegion: 1 },
      { maxPointsPerRegion: 2.5 },
      { maxPointsPerRegion: 20_000 },
      { maxRegions: 0 },
      { trend: { windowMs: 0 } },
      { trend: { minPoints: 1 } },
    ]) {
      assert.throws(() => new RegionTrendTracker(o), InvalidInputError, JSON.stringify(o));
    }
  });
});
