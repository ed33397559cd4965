import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Registry } from 'prom-client';
import { InvalidInputError } from '../../../src/errors.ts';
import { SpanMetricsSink } from '../../../src/traces/span-metrics.ts';
import type { SpanRecord } from '../../../src/traces/span.ts';

let seq = 0;
function span(
  service: string,
  name: string,
  durationUs: number,
  status: SpanRecord['status'] = 'ok',
  kind: SpanRecord['kind'] = 'server',
): SpanRecord {
  seq++;
  return {
    traceId: seq.toString(16).padStart(32, '0'),
    spanId: seq.toString(16).padStart(16, '0'),
    parentSpanId: null,
    name,
    kind,
    startUs: 1_700_000_000_000_000,
    durationUs,
    status,
    statusMessage: '',
    attributes: {},
    events: [],
    links: [],
    scope: { name: 's', version: '1' },
    process: { service, attributes: { 'service.name': service }, key: service },
  };
}

/** A sink that stores nothing, or fails when told to. */
function inner(fail = false) {
  const got: SpanRecord[] = [];
  return {
    got,
    insertSpans: async (spans: readonly SpanRecord[]) => {
      if (fail) throw new Error('disk full');
      got.push(...spans);
      return spans.length;
    },
  };
}

async function values(registry: Registry, name: string) {
  return (await registry.getSingleMetric(name)!.get()).values;
}

describe('span metrics', () => {
  it('counts calls and observes durations per service, span name, kind and status, then stores the spans', async () => {
    const registry = new Registry();
    const store = inner();
    const sink = new SpanMetricsSink(store, registry);
    await sink.insertSpans([
      span('node', 'dwcp.migration', 3_000_000),
      span('node', 'dwcp.migration', 1_000, 'error'),
      span('node', 'dwcp.migration', 5_000_000),
      span('node', 'dwcp.amst.transfer', 20_000, 'unset', 'client'),
    ]);
    assert.equal(store.got.length, 4);
    const calls = await values(registry, 'dwcp_monitor_span_calls_total');
    const find = (span_name: string, status_code: string) =>
      calls.find((v) => v.labels['span_name'] === span_name && v.labels['status_code'] === status_code)
        ?.value;
    assert.equal(find('dwcp.migration', 'STATUS_CODE_OK'), 2);
    assert.equal(find('dwcp.migration', 'STATUS_CODE_ERROR'), 1);
    assert.equal(
      calls.find((v) => v.labels['span_name'] === 'dwcp.amst.transfer')?.labels['span_kind'],
      'SPAN_KIND_CLIENT',
    );
    const dur = await values(registry, 'dwcp_monitor_span_duration_seconds');
    const sum = dur.find(
      (v) =>
        (v as { metricName?: string }).metricName === 'dwcp_monitor_span_duration_seconds_sum' &&
        v.labels['span_name'] === 'dwcp.migration' &&
        v.labels['status_code'] === 'STATUS_CODE_OK',
    );
    assert.equal(sum?.value, 8);
  });

  it('holds the cap on service × operation: further pairs are counted as overflow, known pairs still counted', async () => {
    const registry = new Registry();
    const sink = new SpanMetricsSink(inner(), registry, 2);
    await sink.insertSpans([
      span('a', 'x', 1),
      span('a', 'y', 1),
      span('a', 'z', 1),
      span('b', 'x', 1),
      span('a', 'x', 1),
    ]);
    assert.equal(sink.operationCount, 2);
    const calls = await values(registry, 'dwcp_monitor_span_calls_total');
    assert.deepEqual(calls.map((v) => [v.labels['service_name'], v.labels['span_name'], v.value]).sort(), [
      ['a', 'x', 2],
      ['a', 'y', 1],
    ]);
    assert.equal((await values(registry, 'dwcp_monitor_span_metrics_overflow_total'))[0]?.value, 2);
  });

  it('counts nothing when storing fails (the request is refused and may be retried)', async () => {
    const registry = new Registry();
    const sink = new SpanMetricsSink(inner(true), registry);
    await assert.rejects(sink.insertSpans([span('a', 'x', 1)]), /disk full/);
    assert.equal((await values(registry, 'dwcp_monitor_span_calls_total')).length, 0);
    assert.throws(() => new SpanMetricsSink(inner(), new Registry(), 0), InvalidInputError);
  });
});
