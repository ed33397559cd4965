/**
 * The tail-sampling stage behind the OTLP receiver (TraceApi with tail sampling over a SQLite store in memory):
 * nothing is stored before the decision wait, then the kept traces are stored whole; decisions, drops and the
 * buffer are visible in the self-metrics; a store failure in flush is counted as dropped spans.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Registry } from 'prom-client';
import { TraceReceiver } from '../../../../src/traces/receiver.ts';
import { SamplingSink } from '../../../../src/traces/sampling/sampling-sink.ts';
import { DEFAULT_TAIL_SAMPLER_OPTIONS, TailSampler } from '../../../../src/traces/sampling/tail-sampler.ts';
import { openSqliteTraceStore } from '../../../../src/traces/store/open.ts';
import type { TraceStore } from '../../../../src/traces/store/trace-store.ts';
import { TraceApi } from '../../../../src/traces/trace-api.ts';
import { hexId, otlpJson, type TestSpan } from '../../../helpers/otlp.ts';

const NOW = Date.UTC(2026, 0, 1, 12);

function migration(traceNo: number, error: boolean): TestSpan[] {
  const t = hexId(traceNo, 32);
  return [
    { traceId: t, spanId: hexId(1, 16), name: 'dwcp.migration', startMs: NOW - 60_000, durationMs: 9000 },
    {
      traceId: t,
      spanId: hexId(2, 16),
      parentSpanId: hexId(1, 16),
      name: 'dwcp.amst.transfer',
      startMs: NOW - 59_000,
      durationMs: 7000,
      ...(error ? { status: { code: 2, message: 'timeout' } } : {}),
    },
  ];
}

const body = (spans: TestSpan[]) => ({
  body: Buffer.from(JSON.stringify(otlpJson(spans))),
  contentType: 'application/json',
  contentEncoding: undefined,
});

async function metric(registry: Registry, name: string, label?: [string, string]): Promise<number> {
  const m = await registry.getSingleMetric(name)!.get();
  return m.values
    .filter((v) => label === undefined || v.labels[label[0]] === label[1])
    .reduce((a, v) => a + v.value, 0);
}

describe('tail sampling behind the receiver', () => {
  let store: TraceStore;
  let clock = NOW;
  before(async () => {
    store = await openSqliteTraceStore(':memory:', { retentionMs: 86_400_000 });
  });
  after(async () => {
    await store.close();
  });

  it('stores only the kept traces, whole, after the decision wait, and counts the rest', async () => {
    const registry = new Registry();
    const api = new TraceApi(store, {
      registry,
      now: () => clock,
      tailSampling: {
        ...DEFAULT_TAIL_SAMPLER_OPTIONS,
        decisionWaitMs: 5000,
        probability: 1e-6,
        adaptive: false,
        latencyQuantile: 0,
      },
    });
    // Each trace arrives in two requests (source and destination node), the error in the second one.
    for (let i = 1; i <= 20; i++) {
      const [root, transfer] = migration(0x100 + i, i % 5 === 0);
      assert.deepEqual(await api.receive(body([root!])), {});
      await api.receive(body([transfer!]));
    }
    assert.equal(await store.spanCount(), 0, 'nothing stored before the decision wait');
    assert.equal(await metric(registry, 'dwcp_monitor_trace_sampling_buffered_spans'), 40);
    assert.equal(await metric(registry, 'dwcp_monitor_trace_sampling_buffered_traces'), 20);
    clock += 5000;
    assert.equal(await api.sampling!.flush(), 8);
    assert.equal(await store.spanCount(), 8, 'the 4 error traces, both spans each');
    for (const i of [5, 10, 15, 20]) assert.equal((await store.getTrace(hexId(0x100 + i, 32))).length, 2);
    assert.equal(await metric(registry, 'dwcp_monitor_trace_sampling_traces_total', ['policy', 'error']), 4);
    assert.equal(
      await metric(registry, 'dwcp_monitor_trace_sampling_traces_total', ['policy', 'not_sampled']),
      16,
    );
    assert.equal(
      await metric(registry, 'dwcp_monitor_trace_sampling_spans_dropped_total', ['reason', 'not_sampled']),
      32,
    );
    assert.equal(await metric(registry, 'dwcp_monitor_trace_sampling_buffered_spans'), 0);
    assert.equal(await metric(registry, 'dwcp_monitor_otlp_spans_accepted_total'), 40);
    // A late span of a kept trace is stored at once; one of a dropped trace is counted.
    await api.receive(
      body([
        {
          traceId: hexId(0x105, 32),
          spanId: hexId(3, 16),
          parentSpanId: hexId(2, 16),
          name: 'dwcp.ass.sync',
          startMs: NOW - 58_000,
          durationMs: 100,
        },
      ]),
    );
    await api.receive(
      body([
        {
          traceId: hexId(0x101, 32),
          spanId: hexId(3, 16),
          parentSpanId: hexId(2, 16),
          name: 'dwcp.ass.sync',
          startMs: NOW - 58_000,
          durationMs: 100,
        },
      ]),
    );
    assert.equal((await store.getTrace(hexId(0x105, 32))).length, 3);
    assert.equal((await store.getTrace(hexId(0x101, 32))).length, 0);
    assert.equal(
      await metric(registry, 'dwcp_monitor_trace_sampling_spans_dropped_total', ['reason', 'late']),
      1,
    );
    assert.ok((await metric(registry, 'dwcp_monitor_trace_sampling_probability')) <= 1e-6);
  });

  it('drain decides every buffered trace; a store failure is counted as dropped spans and rethrown', async () => {
    const registry = new Registry();
    const failing = { insertSpans: () => Promise.reject(new Error('disk full')) };
    const sink = new SamplingSink(
      failing,
      new TailSampler({ ...DEFAULT_TAIL_SAMPLER_OPTIONS, decisionWaitMs: 60_000 }),
      { registry, now: () => clock },
    );
    const receiver = new TraceReceiver(sink, { registry, now: () => clock });
    assert.deepEqual(await receiver.receive(body(migration(0x900, true))), {});
    assert.equal(await metric(registry, 'dwcp_monitor_trace_sampling_buffered_spans'), 2);
    await assert.rejects(sink.drain(), /disk full/);
    assert.equal(await metric(registry, 'dwcp_monitor_trace_sampling_traces_total', ['policy', 'error']), 1);
    assert.equal(
      await metric(registry, 'dwcp_monitor_trace_sampling_spans_dropped_total', ['reason', 'store_error']),
      2,
    );
    assert.equal(await metric(registry, 'dwcp_monitor_trace_sampling_buffered_spans'), 0);
  });
});
