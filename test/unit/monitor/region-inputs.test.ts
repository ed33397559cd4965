import assert from 'node:assert/strict';
import { test } from 'node:test';
import { seriesKey, type Labels } from '../../../src/model/sample.ts';
import { buildRegionInputs } from '../../../src/monitor/region-inputs.ts';
import type { SeriesPoints } from '../../../src/store/types.ts';

let nextId = 1;
function sp(name: string, labels: Labels, points: readonly (readonly [number, number])[]): SeriesPoints {
  return {
    series: { id: nextId++, key: seriesKey(name, labels), name, labels },
    timestampsMs: points.map((p) => p[0]),
    values: points.map((p) => p[1]),
  };
}

const T = 1_700_000_000_000;

test('buildRegionInputs maps the five factors per region, their evidence, and lists missing ones', () => {
  const eu = { region: 'eu' };
  const us = { region: 'us' };
  const inputs = buildRegionInputs({
    up: [
      sp('up', eu, [
        [T, 1],
        [T + 1, 1],
        [T + 2, 0],
        [T + 3, 1],
      ]),
      sp('up', us, [[T, 1]]),
    ],
    utilization: [
      sp('u', { ...eu, resource_type: 'cpu' }, [
        [T, 40],
        [T + 1, 60],
      ]),
      sp('u', { ...eu, resource_type: 'disk' }, [[T, 30]]),
    ],
    modeLatency: {
      sum: [
        sp('l_sum', eu, [
          [T, 0],
          [T + 1, 0.02],
          [T + 2, 0.08],
        ]),
      ],
      count: [
        sp('l_count', eu, [
          [T, 0],
          [T + 1, 1],
          [T + 2, 3],
        ]),
      ],
    },
    errors: [
      sp('e', eu, [
        [T, 0],
        [T + 1, 1],
      ]),
    ],
    operations: [
      sp('o', eu, [
        [T, 0],
        [T + 1, 100],
      ]),
    ],
    acpHealth: [
      sp('h', { ...eu, component: 'acp' }, [
        [T, 2],
        [T + 1, 1],
      ]),
      sp('h', { ...us, component: 'acp' }, [[T, 0]]),
    ],
  });
  assert.equal(inputs.length, 2);
  const [e, u] = inputs;
  assert.equal(e!.region, 'eu');
  assert.deepEqual(e!.missing, []);
  assert.deepEqual(e!.partial, {
    availabilityPercent: 75,
    utilizationPercent: 40,
    latencyMs: (1000 * 0.08) / 3,
    errorRate: 0.01,
    consensusHealthPercent: 75,
  });
  // No `mode` label on the latency series: one group, reported as mode "unknown".
  assert.deepEqual(e!.latencyByMode, [{ mode: 'unknown', latencyMs: (1000 * 0.08) / 3, observations: 3 }]);
  assert.deepEqual(e!.evidence.availabilityPercent, { spanMs: 3, samples: 4 });
  assert.deepEqual(e!.evidence.latencyMs, { spanMs: 2, samples: 3 });
  assert.equal(u!.region, 'us');
  assert.deepEqual(u!.missing, ['utilizationPercent', 'latencyMs', 'errorRate']);
  assert.deepEqual(u!.partial, { availabilityPercent: 100, consensusHealthPercent: 0 });
  assert.deepEqual(u!.evidence.availabilityPercent, { spanMs: 0, samples: 1 });
  // `up` alone does not make a region (the monitor's host target has none)
  assert.deepEqual(
    buildRegionInputs({
      up: [sp('up', { job: 'host' }, [[T, 1]])],
      utilization: [],
      modeLatency: { sum: [], count: [] },
      errors: [],
      operations: [],
      acpHealth: [],
    }),
    [],
  );
});

test('latency is split by the mode label of the histogram: each mode its own mean and observation count', () => {
  const eu = { region: 'eu' };
  const sum = (mode: string, perObs: number) =>
    sp('l_sum', { ...eu, mode }, [
      [T, 0],
      [T + 1000, 10 * perObs],
      [T + 2000, 20 * perObs],
    ]);
  const count = (mode: string) =>
    sp('l_count', { ...eu, mode }, [
      [T, 0],
      [T + 1000, 10],
      [T + 2000, 20],
    ]);
  const [r] = buildRegionInputs({
    up: [],
    utilization: [],
    modeLatency: {
      sum: [sum('internet', 0.3), sum('datacenter', 0.01)],
      count: [count('internet'), count('datacenter')],
    },
    errors: [],
    operations: [],
    acpHealth: [],
  });
  assert.deepEqual(
    r!.latencyByMode.map((m) => [m.mode, Math.round(m.latencyMs * 1e6) / 1e6, m.observations]),
    [
      ['datacenter', 10, 20],
      ['internet', 300, 20],
    ],
  );
  assert.ok(Math.abs(r!.partial.latencyMs! - 155) < 1e-9, 'overall mean over both modes');
});
