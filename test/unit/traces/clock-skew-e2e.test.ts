/**
 * Clock skew end to end: a migration traced by a source node with a correct clock and a destination node whose
 * clock is 5 s fast, exported with the official OTLP serializer, received, stored and read back through the trace
 * query: the destination's spans are moved back inside the source's transfer span, and the answer says so.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { Registry } from 'prom-client';
import { NodeTracing } from '../../../src/sdk/migration-tracing.ts';
import { openSqliteTraceStore } from '../../../src/traces/store/open.ts';
import type { TraceStore } from '../../../src/traces/store/trace-store.ts';
import { TraceApi } from '../../../src/traces/trace-api.ts';

describe('clock skew between nodes, end to end', () => {
  let store: TraceStore | undefined;
  after(async () => {
    await store?.close();
  });

  it('stitches a destination whose clock is 5 s fast inside its source’s transfer span', async () => {
    const now = Date.now();
    const e1 = new InMemorySpanExporter();
    const e2 = new InMemorySpanExporter();
    const source = new NodeTracing({ nodeId: 'node-1', region: 'us-east', exporter: e1, simple: true });
    const dest = new NodeTracing({
      nodeId: 'node-2',
      region: 'eu-west',
      exporter: e2,
      simple: true,
      clockOffsetMs: 5000,
    });
    const m = {
      vmId: 'vm-1',
      vmSize: 'medium',
      sourceNode: 'node-1',
      destinationNode: 'node-2',
      mode: 'internet' as const,
      version: 'v3' as const,
      startMs: now - 60_000,
      durationMs: 20_000,
      bytes: 2 ** 30,
      ok: true,
      retries: 0,
    };
    dest.traceDestination(source.traceSource(m), m);
    await Promise.all([source.forceFlush(), dest.forceFlush()]);
    const spans = [...e1.getFinishedSpans(), ...e2.getFinishedSpans()];
    const traceId = spans[0]!.spanContext().traceId;

    store = await openSqliteTraceStore(':memory:', { retentionMs: 86_400_000 });
    const api = new TraceApi(store, { registry: new Registry() });
    await api.receive({
      body: Buffer.from(ProtobufTraceSerializer.serializeRequest(spans)!),
      contentType: 'application/x-protobuf',
      contentEncoding: undefined,
    });
    const got = (await api.trace(traceId))!.data[0]!;
    const byName = (n: string) => got.spans.find((s) => s.operationName === n)!;
    const transfer = byName('dwcp.amst.transfer');
    const receive = byName('dwcp.migration.receive');
    // As recorded, the destination's server span starts 5 s after the source's transfer span would allow.
    const rawReceive = e2.getFinishedSpans().find((s) => s.name === 'dwcp.migration.receive')!;
    const rawStartUs = rawReceive.startTime[0] * 1e6 + Math.floor(rawReceive.startTime[1] / 1000);
    assert.ok(
      rawStartUs + rawReceive.duration[0] * 1e6 > transfer.startTime + transfer.duration,
      'the raw child ends after its parent',
    );
    // Stitched: inside the parent, every destination span moved by the same offset, and a warning says so.
    assert.ok(
      receive.startTime >= transfer.startTime &&
        receive.startTime + receive.duration <= transfer.startTime + transfer.duration,
      'the child lies within its parent',
    );
    const dests = got.spans.filter((s) => got.processes[s.processID]?.tags.some((t) => t.value === 'node-2'));
    assert.ok(dests.length >= 3);
    assert.ok(dests.every((s) => (s.warnings ?? []).some((w) => /clock skew/.test(w))));
    assert.ok(
      Math.abs(rawStartUs - receive.startTime - 5_000_000) < 1_000_000,
      'moved back by about the 5 s offset',
    );
  });
});
