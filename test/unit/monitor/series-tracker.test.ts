import { test } from 'node:test';
import assert from 'node:assert/strict';
import { metricForSampleName } from '../../../src/catalog/index.ts';
import { SeriesTracker } from '../../../src/monitor/series-tracker.ts';
import { seriesKey, type Sample } from '../../../src/model/sample.ts';

const s = (name: string, labels: Record<string, string>, value: number, t: number): Sample => ({
  name,
  labels,
  value,
  timestampMs: t,
});

test('gauges pass through as detection inputs with the catalog kind', () => {
  const tr = new SeriesTracker(100);
  const r = tr.admit([s('dwcp_v3_compression_ratio', { node_id: 'n1', algorithm: 'zstd' }, 3.5, 1000)]);
  assert.equal(r.admitted.length, 1);
  assert.equal(r.inputs.length, 1);
  assert.equal(r.inputs[0]!.kind, 'compression');
  assert.equal(r.inputs[0]!.transform, 'value');
  assert.equal(r.inputs[0]!.value, 3.5);
});

test('counters become per-second rates, a reset counts from zero', () => {
  const tr = new SeriesTracker(100);
  const L = { node_id: 'n1', component: 'amst', error_type: 'x' };
  assert.equal(tr.admit([s('dwcp_v3_component_errors_total', L, 10, 1000)]).inputs.length, 0);
  const r2 = tr.admit([s('dwcp_v3_component_errors_total', L, 30, 3000)]);
  assert.equal(r2.inputs[0]!.value, 10); // 20 over 2 s
  assert.equal(r2.inputs[0]!.transform, 'rate');
  const r3 = tr.admit([s('dwcp_v3_component_errors_total', L, 4, 4000)]);
  assert.equal(r3.inputs[0]!.value, 4); // reset: 0 -> 4 in 1 s
});

test('histograms become per-interval means of sum/count', () => {
  const tr = new SeriesTracker(100);
  const L = { node_id: 'n1', mode: 'datacenter', operation: 'send' };
  tr.admit([
    s('dwcp_v3_mode_latency_seconds_sum', L, 1, 1000),
    s('dwcp_v3_mode_latency_seconds_count', L, 10, 1000),
    s('dwcp_v3_mode_latency_seconds_bucket', { ...L, le: '0.1' }, 10, 1000),
  ]);
  const r = tr.admit([
    s('dwcp_v3_mode_latency_seconds_sum', L, 3, 2000),
    s('dwcp_v3_mode_latency_seconds_count', L, 20, 2000),
    s('dwcp_v3_mode_latency_seconds_bucket', { ...L, le: '0.1' }, 15, 2000),
  ]);
  assert.equal(r.inputs.length, 1);
  assert.equal(r.inputs[0]!.transform, 'mean');
  assert.equal(r.inputs[0]!.metric, 'dwcp_v3_mode_latency_seconds');
  assert.ok(Math.abs(r.inputs[0]!.value - 0.2) < 1e-12); // 2 s over 10 observations
});

test('duplicates and out-of-order samples are rejected and counted; nothing else is lost', () => {
  const tr = new SeriesTracker(100);
  tr.admit([s('g', {}, 1, 2000)]);
  const r = tr.admit([s('g', {}, 2, 2000), s('g', {}, 3, 1000), s('h', {}, 4, 1000)]);
  assert.deepEqual(r.rejected, { duplicate: 1, out_of_order: 1 });
  assert.equal(r.admitted.length, 1);
  assert.equal(r.admitted[0]!.name, 'h');
});

test('NaN and Inf samples are admitted (the store decides) but never analysed', () => {
  const tr = new SeriesTracker(100);
  const r = tr.admit([
    s('dwcp_v3_compression_ratio', { node_id: 'a', algorithm: 'x' }, Number.NaN, 1),
    s('dwcp_v3_compression_ratio', { node_id: 'b', algorithm: 'x' }, Infinity, 1),
  ]);
  assert.equal(r.admitted.length, 2);
  assert.equal(r.inputs.length, 0);
});

test('the series limit holds: new series beyond it are rejected, known series continue', () => {
  const tr = new SeriesTracker(3);
  const batch = Array.from({ length: 10 }, (_, i) => s('g', { i: String(i) }, i, 1000));
  const r = tr.admit(batch);
  assert.equal(tr.size, 3);
  assert.equal(r.admitted.length, 3);
  assert.equal(r.rejected.series_limit, 7);
  const r2 = tr.admit([s('g', { i: '0' }, 1, 2000)]);
  assert.equal(r2.admitted.length, 1);
  assert.equal(tr.forgetOlderThan(1500), 2);
  assert.equal(tr.size, 1);
});

test('sparse histograms carry sum and count over intervals until enough observations accumulated', () => {
  const tr = new SeriesTracker(100);
  const L = { node_id: 'n1', mode: 'internet' };
  const step = (sum: number, count: number, t: number) =>
    tr.admit([
      s('dwcp_v3_migration_duration_seconds_sum', L, sum, t),
      s('dwcp_v3_migration_duration_seconds_count', L, count, t),
    ]).inputs;
  assert.equal(step(0, 0, 1000).length, 0);
  assert.equal(step(10, 1, 2000).length, 0); // 1 observation so far
  assert.equal(step(30, 2, 3000).length, 0); // 2
  const out = step(60, 3, 4000); // 3 observations: mean of 10, 20, 30
  assert.equal(out.length, 1);
  assert.equal(out[0]!.value, 20);
  assert.equal(step(100, 4, 5000).length, 0); // the carry restarts
});

test('series outside the catalog are derived as inferred: busy CPU modes as rates, idle left out, histograms as means', () => {
  const tr = new SeriesTracker(100, { inference: { enabled: true } });
  const types = new Map([
    ['node_cpu_seconds_total', 'counter'],
    ['http_request_duration_seconds', 'histogram'],
    ['node_boot_time_seconds', 'gauge'],
  ]);
  const batch = (t: number, user: number, idle: number, sum: number, count: number): Sample[] => [
    s('node_cpu_seconds_total', { cpu: '0', mode: 'user' }, user, t),
    s('node_cpu_seconds_total', { cpu: '0', mode: 'idle' }, idle, t),
    s('http_request_duration_seconds_sum', {}, sum, t),
    s('http_request_duration_seconds_count', {}, count, t),
    s('http_request_duration_seconds_bucket', { le: '+Inf' }, count, t),
    s('node_boot_time_seconds', {}, 1.7e9, t),
  ];
  assert.deepEqual(tr.admit(batch(1000, 10, 100, 1, 10), { types: types }).inputs, []);
  const r = tr.admit(batch(3000, 11, 101, 3, 20), { types: types });
  const byKey = new Map(r.inputs.map((i) => [i.key, i]));
  assert.deepEqual([...byKey.keys()].sort(), [
    'mean(http_request_duration_seconds)',
    'rate(node_cpu_seconds_total{cpu="0",mode="user"})',
  ]);
  const cpu = byKey.get('rate(node_cpu_seconds_total{cpu="0",mode="user"})')!;
  assert.equal(cpu.kind, 'utilization');
  assert.equal(cpu.value, 0.5); // 1 s of user time over 2 s
  assert.equal(cpu.def, undefined);
  assert.match(cpu.inferred!, /_seconds_total/);
  const lat = byKey.get('mean(http_request_duration_seconds)')!;
  assert.equal(lat.kind, 'latency');
  assert.equal(lat.metric, 'http_request_duration_seconds');
  assert.ok(Math.abs(lat.value - 0.2) < 1e-12); // 2 s over 10 observations
});

test('memory and filesystem gauges of one batch become used shares; an operator rule overrides the naming', () => {
  const tr = new SeriesTracker(100, {
    inference: {
      enabled: true,
      rules: [
        { match: 'myapp_queue_depth', kind: 'utilization' },
        { match: 'node_load1', kind: 'ignore' },
      ],
    },
  });
  const fs = { device: '/dev/sda1', mountpoint: '/' };
  const r = tr.admit([
    s('node_memory_MemAvailable_bytes', {}, 2e9, 1000),
    s('node_memory_MemTotal_bytes', {}, 8e9, 1000),
    s('node_filesystem_avail_bytes', fs, 10, 1000),
    s('node_filesystem_size_bytes', fs, 100, 1000),
    s('myapp_queue_depth', {}, 7, 1000),
    s('node_load1', {}, 0.3, 1000),
  ]);
  const got = Object.fromEntries(
    r.inputs.filter((i) => i.kind !== 'generic').map((i) => [i.key, [i.kind, i.value]]),
  );
  assert.deepEqual(got, {
    'ratio(node_memory_used_ratio)': ['utilization', 0.75],
    'ratio(node_filesystem_used_ratio{device="/dev/sda1",mountpoint="/"})': ['utilization', 0.9],
    myapp_queue_depth: ['utilization', 7],
  });
  assert.ok(!r.inputs.some((i) => i.metric === 'node_load1'), 'ignored by the rule');
  assert.equal(r.admitted.length, 6, 'every sample is still admitted (stored)');
});

test('without inference, series outside the catalog stay generic (value, or rate of a _total name)', () => {
  const tr = new SeriesTracker(100);
  tr.admit([
    s('node_cpu_seconds_total', { cpu: '0', mode: 'user' }, 10, 1000),
    s('myapp_ratio', {}, 0.5, 1000),
  ]);
  const r = tr.admit([
    s('node_cpu_seconds_total', { cpu: '0', mode: 'user' }, 12, 2000),
    s('myapp_ratio', {}, 0.5, 2000),
  ]);
  assert.deepEqual(
    r.inputs.map((i) => [i.metric, i.kind, i.transform, i.inferred]),
    [
      ['node_cpu_seconds_total', 'generic', 'rate', undefined],
      ['myapp_ratio', 'generic', 'value', undefined],
    ],
  );
});

test("the catalog's node_exporter-named metrics without a tuned kind are inferred like a real node_exporter's", () => {
  const cpu = metricForSampleName('node_cpu_seconds_total');
  assert.ok(
    cpu && cpu.group === 'node' && cpu.anomalyKind === 'generic',
    'the host collector catalogs node_exporter names',
  );
  const tr = new SeriesTracker(100, { inference: { enabled: true } });
  const L = { cpu: '0', mode: 'system' };
  tr.admit([
    s('node_cpu_seconds_total', L, 5, 1000),
    s('dwcp_v3_compression_ratio', { node_id: 'n1', algorithm: 'zstd' }, 3, 1000),
  ]);
  const r = tr.admit([
    s('node_cpu_seconds_total', L, 5.5, 2000),
    s('dwcp_v3_compression_ratio', { node_id: 'n1', algorithm: 'zstd' }, 3, 2000),
  ]);
  assert.deepEqual(
    r.inputs.map((i) => [i.metric, i.kind, i.transform, i.def === undefined, i.inferred !== undefined]),
    [
      ['node_cpu_seconds_total', 'utilization', 'rate', true, true],
      ['dwcp_v3_compression_ratio', 'compression', 'value', false, false],
    ],
  );
});

test('revert undoes an admission whose samples were not stored: new series forgotten, last timestamps restored', () => {
  const tr = new SeriesTracker(2);
  tr.admit([s('dwcp_rv_old', {}, 1, 1000)], { source: 'rw' });
  const r = tr.admit(
    [s('dwcp_rv_old', {}, 2, 2000), s('dwcp_rv_old', {}, 3, 3000), s('dwcp_rv_new', {}, 5, 2000)],
    { source: 'rw' },
  );
  assert.equal(r.admitted.length, 3);
  assert.equal(tr.size, 2);
  r.revert();
  r.revert(); // idempotent
  assert.equal(tr.size, 1, 'the series the admission created is forgotten');
  assert.equal(tr.budget.of('rw').held, 1, 'its share of the budget is released');
  const retry = tr.admit(
    [s('dwcp_rv_old', {}, 2, 2000), s('dwcp_rv_old', {}, 3, 3000), s('dwcp_rv_new', {}, 5, 2000)],
    { source: 'rw' },
  );
  assert.deepEqual([retry.admitted.length, retry.rejected], [3, {}], 'the same samples are admitted again');
  assert.deepEqual(
    tr.admit([s('dwcp_rv_old', {}, 3, 3000)]).rejected,
    { duplicate: 1 },
    'after the retry the order check holds again',
  );
});

test('admit returns the series key of every admitted sample, in order (the store reuses them)', () => {
  const tr = new SeriesTracker(3);
  const batch = [
    s('dwcp_k', { b: '2', a: '1' }, 1, 1000),
    s('dwcp_k', { a: '1', b: '2' }, 2, 1000), // same series, other label order: a duplicate
    s('dwcp_k', { a: 'x"\\\n', b: '2' }, 3, 1000),
    s('dwcp_k', {}, 4, 1000),
    s('dwcp_k2', { a: '1' }, 5, 1000), // over the budget of 3
  ];
  const r = tr.admit(batch);
  assert.deepEqual(r.rejected, { duplicate: 1, series_limit: 1 });
  assert.deepEqual(
    r.keys,
    [batch[0]!, batch[2]!, batch[3]!].map((x) => seriesKey(x.name, x.labels)),
  );
  assert.deepEqual(r.keys, ['dwcp_k{a="1",b="2"}', 'dwcp_k{a="x\\"\\\\\\n",b="2"}', 'dwcp_k']);
});

test('revert leaves a series a later admission has moved on', () => {
  const tr = new SeriesTracker(10);
  tr.admit([s('dwcp_rv_race', {}, 1, 1000)]);
  const failed = tr.admit([s('dwcp_rv_race', {}, 2, 2000)]);
  tr.admit([s('dwcp_rv_race', {}, 3, 3000)]); // stored meanwhile by another batch
  failed.revert();
  assert.deepEqual(
    tr.admit([s('dwcp_rv_race', {}, 3, 3000)]).rejected,
    { duplicate: 1 },
    'the later admission is kept',
  );
});

test('revert restores the histogram accumulators, so a retried interval is not counted twice', () => {
  const tr = new SeriesTracker(100);
  const L = { node_id: 'n1', mode: 'datacenter', operation: 'send' };
  const h = (sum: number, count: number, t: number) => [
    s('dwcp_v3_mode_latency_seconds_sum', L, sum, t),
    s('dwcp_v3_mode_latency_seconds_count', L, count, t),
  ];
  tr.admit(h(0, 0, 1000));
  tr.admit(h(1, 1, 2000)).revert();
  tr.admit(h(1, 1, 2000)); // the retry: 1 observation pending, not 2
  assert.equal(tr.admit(h(2, 2, 3000)).inputs.length, 0, 'two observations are below the minimum');
  const r = tr.admit(h(6, 3, 4000));
  assert.equal(r.inputs.length, 1);
  assert.equal(r.inputs[0]!.value, 2, 'mean of the three observations (6 / 3)');
});
