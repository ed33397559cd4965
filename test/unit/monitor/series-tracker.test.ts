import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SeriesTracker } from '../../../src/monitor/series-tracker.ts';
import type { Sample } from '../../../src/model/sample.ts';

const s = (name: string, labels: Record<string, string>, value: number, t: number): Sample => ({ name, labels, value, timestampMs: t });

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
  const r = tr.admit([s('dwcp_v3_compression_ratio', { node_id: 'a', algorithm: 'x' }, Number.NaN, 1), s('dwcp_v3_compression_ratio', { node_id: 'b', algorithm: 'x' }, Infinity, 1)]);
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
    tr.admit([s('dwcp_v3_migration_duration_seconds_sum', L, sum, t), s('dwcp_v3_migration_duration_seconds_count', L, count, t)]).inputs;
  assert.equal(step(0, 0, 1000).length, 0);
  assert.equal(step(10, 1, 2000).length, 0); // 1 observation so far
  assert.equal(step(30, 2, 3000).length, 0); // 2
  const out = step(60, 3, 4000); // 3 observations: mean of 10, 20, 30
  assert.equal(out.length, 1);
  assert.equal(out[0]!.value, 20);
  assert.equal(step(100, 4, 5000).length, 0); // the carry restarts
});
