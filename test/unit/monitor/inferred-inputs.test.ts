import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Sample } from '../../../src/model/sample.ts';
import {
  BatchRatios,
  InferredSeries,
  MAX_INFERENCE_CACHE,
  familyType,
} from '../../../src/monitor/inferred-inputs.ts';

const s = (name: string, labels: Record<string, string>, value: number, t = 1000): Sample => ({
  name,
  labels,
  value,
  timestampMs: t,
});

test('familyType reads the declared type of a family, also for histogram and summary parts', () => {
  const types = new Map([
    ['rpc_duration_seconds', 'summary'],
    ['http_request_duration_seconds', 'histogram'],
    ['jobs_count', 'gauge'],
    ['weird', 'stateset'],
  ]);
  assert.equal(familyType('rpc_duration_seconds_sum', types), 'summary');
  assert.equal(familyType('http_request_duration_seconds_bucket', types), 'histogram');
  assert.equal(familyType('jobs_count', types), 'gauge', 'a gauge named _count is not a histogram part');
  assert.equal(familyType('weird', types), undefined, 'types the text format does not know');
  assert.equal(familyType('missing', types), undefined);
  assert.equal(familyType('anything', undefined), undefined);
});

test('classify uses the declared type: a counter without _total is a rate, a gauge named _total is a value', () => {
  const inf = new InferredSeries([]);
  assert.equal(
    inf.classify(s('myapp_bytes_sent', {}, 1), new Map([['myapp_bytes_sent', 'counter']]))?.inference
      .transform,
    'rate',
  );
  assert.equal(
    inf.classify(s('myapp_open_total', {}, 1), new Map([['myapp_open_total', 'gauge']]))?.inference.transform,
    'value',
  );
  assert.equal(
    inf.classify(s('myapp_open_total', {}, 1), undefined)?.inference.transform,
    'rate',
    'untyped _total is a counter',
  );
  const part = inf.classify(
    s('rpc_duration_seconds_count', {}, 1),
    new Map([['rpc_duration_seconds', 'summary']]),
  );
  assert.deepEqual(part && { family: part.family, part: part.part, kind: part.inference.kind }, {
    family: 'rpc_duration_seconds',
    part: 'count',
    kind: 'latency',
  });
});

test('label-conditioned rules are applied per sample, not from the cache', () => {
  const inf = new InferredSeries([{ match: 'node_network_.*', labels: { device: 'lo' }, kind: 'ignore' }]);
  assert.equal(inf.classify(s('node_network_receive_bytes_total', { device: 'lo' }, 1), undefined), null);
  assert.equal(
    inf.classify(s('node_network_receive_bytes_total', { device: 'eth0' }, 1), undefined)?.inference.kind,
    'bandwidth',
  );
  assert.equal(inf.classify(s('node_network_receive_bytes_total', { device: 'lo' }, 1), undefined), null);
  assert.equal(inf.classify(s('node_cpu_seconds_total', { mode: 'idle' }, 1), undefined), null);
  assert.equal(
    inf.classify(s('node_cpu_seconds_total', { mode: 'system' }, 1), undefined)?.inference.kind,
    'utilization',
  );
});

test('the inference cache holds its limit', () => {
  const inf = new InferredSeries([]);
  for (let i = 0; i < MAX_INFERENCE_CACHE + 50; i++) inf.classify(s(`myapp_gauge_${i}`, {}, 1), undefined);
  assert.ok(inf.cacheSize <= MAX_INFERENCE_CACHE, `cache ${inf.cacheSize}`);
  assert.ok(inf.cacheSize > 0);
});

test('BatchRatios pairs operands with the same labels only, and skips an undefined share', () => {
  const r = new BatchRatios();
  r.add(s('node_filesystem_avail_bytes', { mountpoint: '/' }, 25));
  r.add(s('node_filesystem_size_bytes', { mountpoint: '/' }, 100));
  r.add(s('node_filesystem_avail_bytes', { mountpoint: '/boot' }, 5)); // no size: no ratio
  r.add(s('node_memory_MemAvailable_bytes', {}, 1));
  r.add(s('node_memory_MemTotal_bytes', {}, 0)); // no share of an empty total
  r.add(s('node_load1', {}, 1)); // not an operand
  assert.deepEqual(
    r.inputs().map((i) => [i.key, i.value, i.kind]),
    [['ratio(node_filesystem_used_ratio{mountpoint="/"})', 0.75, 'utilization']],
  );
});
