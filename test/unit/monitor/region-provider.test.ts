import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { RegionTrend } from '../../../src/contract/regions.ts';
import { seriesKey, type Labels } from '../../../src/model/sample.ts';
import { evaluateRegions } from '../../../src/monitor/region-provider.ts';
import type { RegionSeries } from '../../../src/monitor/region-inputs.ts';
import type { SeriesPoints } from '../../../src/store/types.ts';

const T = 1_700_000_000_000;
const UNKNOWN: RegionTrend = { direction: 'unknown', slopePerHour: null, points: 0 };
let nextId = 1;

function sp(name: string, labels: Labels, points: readonly (readonly [number, number])[]): SeriesPoints {
  return {
    series: { id: nextId++, key: seriesKey(name, labels), name, labels },
    timestampsMs: points.map((p) => p[0]),
    values: points.map((p) => p[1]),
  };
}

/** `seconds` of 1 s scrapes of a healthy region in `mode` with per-operation latency `latencyS`, `opsPerScrape` ops. */
function region(
  name: string,
  mode: string,
  latencyS: number,
  seconds: number,
  opsPerScrape = 5,
): RegionSeries {
  const l = { region: name, node: `${name}-1` };
  const t = Array.from({ length: seconds + 1 }, (_, i) => T + i * 1000);
  return {
    up: [
      sp(
        'up',
        l,
        t.map((x) => [x, 1]),
      ),
    ],
    utilization: [
      sp(
        'u',
        { ...l, resource_type: 'cpu' },
        t.map((x) => [x, 50]),
      ),
    ],
    modeLatency: {
      sum: [
        sp(
          'l_sum',
          { ...l, mode },
          t.map((x, i) => [x, i * opsPerScrape * latencyS]),
        ),
      ],
      count: [
        sp(
          'l_count',
          { ...l, mode },
          t.map((x, i) => [x, i * opsPerScrape]),
        ),
      ],
    },
    errors: [
      sp(
        'e',
        { ...l, component: 'amst' },
        t.map((x) => [x, 0]),
      ),
    ],
    operations: [
      sp(
        'o',
        { ...l, component: 'amst' },
        t.map((x, i) => [x, i * 100]),
      ),
    ],
    acpHealth: [
      sp(
        'h',
        { ...l, component: 'acp' },
        t.map((x) => [x, 2]),
      ),
    ],
  };
}

function merge(...rs: RegionSeries[]): RegionSeries {
  return {
    up: rs.flatMap((r) => r.up),
    utilization: rs.flatMap((r) => r.utilization),
    modeLatency: { sum: rs.flatMap((r) => r.modeLatency.sum), count: rs.flatMap((r) => r.modeLatency.count) },
    errors: rs.flatMap((r) => r.errors),
    operations: rs.flatMap((r) => r.operations),
    acpHealth: rs.flatMap((r) => r.acpHealth),
  };
}

test('warm-up: 30 s of data → insufficient-data, every factor saying what it lacks; no score', () => {
  const [r] = evaluateRegions(region('eu-west', 'internet', 0.278, 30), {}, () => UNKNOWN);
  assert.equal(r!.status, 'insufficient-data');
  assert.equal(r!.score, null);
  assert.equal(r!.factors, null);
  assert.deepEqual(r!.missing, [
    'availabilityPercent',
    'utilizationPercent',
    'latencyMs',
    'errorRate',
    'consensusHealthPercent',
  ]);
  assert.deepEqual(r!.reasons, [
    'availability (up): 30s of data, 2m needed',
    'utilisation: 30s of data, 2m needed',
    'latency: 30s of data, 2m needed',
    'error rate: 30s of data, 2m needed',
    'consensus health: 30s of data, 2m needed',
  ]);
  // What was measured so far is still shown.
  assert.ok(Math.abs(r!.inputs.latencyMs! - 278) < 1e-6, String(r!.inputs.latencyMs));
});

test('a healthy cluster after the warm-up: all three regions healthy, each scored on its own mode', () => {
  const rs = evaluateRegions(
    merge(
      region('ap-south', 'hybrid', 0.095, 180),
      region('eu-west', 'internet', 0.278, 180),
      region('us-east', 'datacenter', 0.016, 180),
    ),
    {},
    () => UNKNOWN,
  );
  assert.deepEqual(
    rs.map((r) => [r.region, r.status]),
    [
      ['ap-south', 'healthy'],
      ['eu-west', 'healthy'],
      ['us-east', 'healthy'],
    ],
  );
  const eu = rs[1]!;
  assert.equal(eu.factors!.latency, 100);
  assert.deepEqual(
    eu.latencyByMode.map((m) => m.mode),
    ['internet'],
  );
  assert.deepEqual(eu.reasons, []);
  // The same internet region on the original datacenter scale (no per-mode profile for "internet") scores 0.
  const old = evaluateRegions(region('eu-west', 'lan', 0.278, 180), {}, () => UNKNOWN)[0]!;
  assert.equal(old.factors!.latency, 0);
  assert.equal(old.status, 'degraded');
});

test('latency needs enough observations; the gates and the per-mode scale are options', () => {
  const sparse = region('eu-west', 'internet', 0.278, 180, 0.1); // 18 observations in 3 minutes
  const [r] = evaluateRegions(sparse, {}, () => UNKNOWN);
  assert.equal(r!.status, 'insufficient-data');
  assert.deepEqual(r!.reasons, ['latency: 18 observations, 30 needed']);
  assert.deepEqual(r!.missing, ['latencyMs']);
  assert.equal(evaluateRegions(sparse, { minLatencyObservations: 10 }, () => UNKNOWN)[0]!.status, 'healthy');
  assert.equal(
    evaluateRegions(region('eu-west', 'internet', 0.278, 30), { warmupMs: 10_000 }, () => UNKNOWN)[0]!.status,
    'healthy',
  );
  const strict = evaluateRegions(
    region('eu-west', 'internet', 0.278, 180),
    {
      score: {
        modeLatency: {
          datacenter: { baselineMs: 10, zeroScoreMs: 100 },
          hybrid: { baselineMs: 50, zeroScoreMs: 500 },
          internet: { baselineMs: 50, zeroScoreMs: 300 },
        },
      },
    },
    () => UNKNOWN,
  )[0]!;
  assert.ok(Math.abs(strict.factors!.latency - (100 * 22) / 250) < 1e-6, String(strict.factors!.latency));
});

test('the trend comes from the caller and a region without data for a factor says so', () => {
  const rs = region('us-east', 'datacenter', 0.016, 180);
  const noAcp = { ...rs, acpHealth: [] };
  const trend: RegionTrend = { direction: 'stable', slopePerHour: 0, points: 5 };
  const [r] = evaluateRegions(noAcp, {}, () => trend);
  assert.equal(r!.status, 'insufficient-data');
  assert.deepEqual(r!.reasons, ['consensus health: no data in the window']);
  assert.equal(r!.trend, trend);
});
