import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sloTemplate } from '../../../src/analysis/slo/definition.ts';
import { seriesKey, type Labels } from '../../../src/model/sample.ts';
import {
  buildSlaChecks,
  buildVersionSamples,
  counterIncreases,
  intervalMeans,
  intervalSized,
  sliSeriesFor,
} from '../../../src/monitor/rollout-inputs.ts';
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

test('intervalMeans pairs _sum/_count by labels, takes Δsum/Δcount, skips Δcount = 0 and handles resets', () => {
  const l = { node_id: 'a' };
  const sum = sp('h_sum', l, [
    [T, 10],
    [T + 1000, 30],
    [T + 2000, 30],
    [T + 3000, 5],
  ]);
  const count = sp('h_count', l, [
    [T, 1],
    [T + 1000, 3],
    [T + 2000, 3],
    [T + 3000, 1],
  ]);
  const other = sp('h_sum', { node_id: 'b' }, [
    [T, 1],
    [T + 1000, 2],
  ]); // no matching count → ignored
  const means = intervalMeans({ sum: [sum, other], count: [count] });
  assert.deepEqual(
    means.map((m) => [m.tMs, m.mean, m.countDelta]),
    [
      [T + 1000, 10, 2],
      [T + 3000, 5, 1],
    ],
  );
});

test('counterIncreases: consecutive differences, a decrease is a reset, non-finite skipped', () => {
  const s = sp('c_total', {}, [
    [T, 5],
    [T + 1000, 7],
    [T + 2000, Number.NaN],
    [T + 3000, 2],
  ]);
  assert.deepEqual(counterIncreases([s]), [
    { tMs: T + 1000, inc: 2 },
    { tMs: T + 3000, inc: 2 },
  ]);
});

test('buildVersionSamples: v1/v3 migration means as latency and migration samples, compression from both sides', () => {
  const h = (v: number) => ({
    sum: [
      sp('m_sum', {}, [
        [T, 0],
        [T + 1000, v],
        [T + 2000, 3 * v],
      ]),
    ],
    count: [
      sp('m_count', {}, [
        [T, 0],
        [T + 1000, 1],
        [T + 2000, 2],
      ]),
    ],
  });
  const { v1, v3 } = buildVersionSamples({
    v1Migration: h(20),
    v3Migration: h(10),
    v1Compression: { sum: [], count: [] },
    v3Compression: [
      sp('c', {}, [
        [T, 3],
        [T + 1000, 4],
      ]),
    ],
    slaCompliance: [],
    rolloutProgress: [],
  });
  assert.deepEqual(v1.migrationSeconds, [20, 40]);
  assert.deepEqual(v3.latencySeconds, [10, 20]);
  assert.deepEqual(v3.compressionRatio, [3, 4]);
  assert.deepEqual(v1.compressionRatio, []);
  assert.deepEqual(v1.throughputMbps, []);
  // A start time keeps the intervals ending after it and the gauge values at or after it.
  const later = buildVersionSamples(
    {
      v1Migration: h(20),
      v3Migration: h(10),
      v1Compression: { sum: [], count: [] },
      v3Compression: [
        sp('c', {}, [
          [T, 3],
          [T + 1000, 4],
        ]),
      ],
      slaCompliance: [],
      rolloutProgress: [],
    },
    T + 1000,
  );
  assert.deepEqual(later.v1.migrationSeconds, [40]);
  assert.deepEqual(later.v3.compressionRatio, [4]);
});

test('buildSlaChecks groups by sla_type with the share of compliant scrapes', () => {
  const checks = buildSlaChecks([
    sp('s', { sla_type: 'latency', instance: 'a' }, [
      [T, 1],
      [T + 1, 0],
    ]),
    sp('s', { sla_type: 'latency', instance: 'b' }, [
      [T, 1],
      [T + 1, 1],
    ]),
    sp('s', { sla_type: 'throughput' }, [[T, 1]]),
  ]);
  assert.deepEqual(
    checks.map((c) => [c.name, c.compliance, c.target]),
    [
      ['latency', 0.75, 0.99],
      ['throughput', 1, 0.99],
    ],
  );
});

test('sliSeriesFor: ratio (bad/total), histogram mean and gauge per-node sums; quantiles are not derived', () => {
  const now = T + 60_000;
  const errRate = sloTemplate('error-rate')!;
  const bad = [
    sp('e', {}, [
      [T, 0],
      [T + 5000, 1],
      [T + 15_000, 1],
    ]),
  ];
  const total = [
    sp('o', {}, [
      [T, 0],
      [T + 5000, 100],
      [T + 15_000, 200],
    ]),
  ];
  const ev = sliSeriesFor(errRate, { kind: 'ratio', bad, total }, 10_000, T, now);
  assert.deepEqual(ev, {
    kind: 'events',
    stepMs: 10_000,
    steps: [
      { tMs: T, good: 99, total: 100 },
      { tMs: T + 10_000, good: 100, total: 100 },
    ],
  });

  const mig = sloTemplate('migration-time')!;
  const hist = {
    sum: [
      sp('d_sum', {}, [
        [T, 0],
        [T + 5000, 100],
        [T + 15_000, 1000],
      ]),
    ],
    count: [
      sp('d_count', {}, [
        [T, 0],
        [T + 5000, 1],
        [T + 15_000, 2],
      ]),
    ],
  };
  const st = sliSeriesFor(mig, { kind: 'histogram', histogram: hist }, 10_000, T, now);
  assert.equal(st?.kind, 'steps');
  assert.deepEqual(st?.steps, [
    { tMs: T, good: true, value: 100 },
    { tMs: T + 10_000, good: false, value: 900 },
  ]);

  const thr = sloTemplate('throughput')!;
  const g = [
    sp('t', { instance: 'a', transport: 'rdma' }, [[T, 2e9]]),
    sp('t', { instance: 'a', transport: 'tcp' }, [[T, 1e9]]),
    sp('t', { instance: 'b', transport: 'rdma' }, [
      [T, 1e9],
      [T + 1000, 3e9],
    ]),
  ];
  const gs = sliSeriesFor(thr, { kind: 'gauge', series: g }, 10_000, T, now);
  // node a: 3e9, node b: mean 2e9 → mean over nodes 2.5e9 ≥ 2.4e9
  assert.deepEqual(gs?.steps, [{ tMs: T, good: true, value: 2.5e9 }]);

  assert.equal(
    sliSeriesFor(sloTemplate('latency-p99')!, { kind: 'histogram', histogram: hist }, 10_000, T, now),
    null,
  );
  assert.equal(sliSeriesFor(errRate, { kind: 'gauge', series: g }, 10_000, T, now), null);
});

test('sliSeriesFor keeps only steps starting in [start, now)', () => {
  const s = sliSeriesFor(
    sloTemplate('error-rate')!,
    {
      kind: 'ratio',
      bad: [
        sp('e', {}, [
          [T - 20_000, 0],
          [T - 10_000, 0],
          [T + 10_000, 0],
          [T + 30_000, 0],
        ]),
      ],
      total: [
        sp('o', {}, [
          [T - 20_000, 0],
          [T - 10_000, 5],
          [T + 10_000, 10],
          [T + 30_000, 20],
        ]),
      ],
    },
    10_000,
    T,
    T + 30_000,
  );
  assert.deepEqual(
    s?.steps.map((x) => x.tMs),
    [T + 10_000],
  );
});

test('intervalSized joins a histogram with the size counter of the same labels, at shared scrapes, resets handled', () => {
  const l = { node_id: 'a', mode: 'internet' };
  const h = {
    sum: [
      sp('d_sum', l, [
        [0, 0],
        [5, 10],
        [10, 30],
        [15, 30],
        [20, 5],
      ]),
    ],
    count: [
      sp('d_count', l, [
        [0, 0],
        [5, 1],
        [10, 3],
        [15, 3],
        [20, 1],
      ]),
    ],
  };
  // The counter has no point at t=10: (5, 15] is one interval; at t=20 all three reset and count their new values.
  // The size series of node b has no histogram and is ignored.
  const size = [
    sp('m', l, [
      [0, 0],
      [5, 8],
      [15, 24],
      [20, 2],
    ]),
    sp('m', { node_id: 'b', mode: 'internet' }, [
      [0, 0],
      [5, 1],
    ]),
  ];
  const x = intervalSized(h, size);
  assert.deepEqual(
    x.map((m) => [m.tMs, m.sumDelta, m.countDelta, m.sizeDelta]),
    [
      [5, 10, 1, 8],
      [15, 20, 2, 16],
      [20, 5, 1, 2],
    ],
  );
  // Without a size counter of the same labels there is nothing to judge per unit of size.
  assert.deepEqual(intervalSized(h, []), []);
});
