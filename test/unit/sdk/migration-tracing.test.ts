import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { InvalidInputError } from '../../../src/errors.ts';
import {
  migrationTimeline,
  NodeTracing,
  type MigrationTraceInput,
} from '../../../src/sdk/migration-tracing.ts';

const T0 = Date.UTC(2026, 0, 1);
const srcExp = new InMemorySpanExporter();
const dstExp = new InMemorySpanExporter();
const source = new NodeTracing({ nodeId: 'node-1', region: 'us-east', exporter: srcExp, simple: true });
const dest = new NodeTracing({ nodeId: 'node-2', region: 'eu-west', exporter: dstExp, simple: true });
after(async () => {
  await source.shutdown();
  await dest.shutdown();
});

const mig = (over: Partial<MigrationTraceInput> = {}): MigrationTraceInput => ({
  vmId: 'vm-7',
  vmSize: 'medium',
  sourceNode: 'node-1',
  destinationNode: 'node-2',
  mode: 'internet',
  version: 'v3',
  startMs: T0,
  durationMs: 10_000,
  bytes: 3_000_000,
  ok: true,
  retries: 0,
  ...over,
});

function run(m: MigrationTraceInput): {
  src: ReadableSpan[];
  dst: ReadableSpan[];
  carrier: Record<string, string>;
} {
  srcExp.reset();
  dstExp.reset();
  const carrier = source.traceSource(m);
  dest.traceDestination(carrier, m);
  return { src: srcExp.getFinishedSpans(), dst: dstExp.getFinishedSpans(), carrier };
}

const byName = (spans: readonly ReadableSpan[], name: string) => spans.filter((s) => s.name === name);

describe('NodeTracing', () => {
  it('records one trace across two nodes: root and phases on the source, receive/sync/switchover on the destination', () => {
    const { src, dst, carrier } = run(mig());
    assert.deepEqual(src.map((s) => s.name).sort(), [
      'dwcp.acp.consensus',
      'dwcp.amst.transfer',
      'dwcp.hde.encode',
      'dwcp.itp.placement',
      'dwcp.migration',
    ]);
    assert.deepEqual(dst.map((s) => s.name).sort(), [
      'dwcp.ass.sync',
      'dwcp.migration.receive',
      'dwcp.migration.switchover',
    ]);
    const root = byName(src, 'dwcp.migration')[0]!;
    const traceId = root.spanContext().traceId;
    for (const s of [...src, ...dst]) assert.equal(s.spanContext().traceId, traceId, s.name);
    assert.equal(root.parentSpanContext, undefined);
    const transfer = byName(src, 'dwcp.amst.transfer')[0]!;
    assert.equal(transfer.kind, SpanKind.CLIENT);
    assert.match(carrier['traceparent']!, new RegExp(`^00-${traceId}-${transfer.spanContext().spanId}-01$`));
    const receive = byName(dst, 'dwcp.migration.receive')[0]!;
    assert.equal(receive.kind, SpanKind.SERVER);
    assert.equal(receive.parentSpanContext?.spanId, transfer.spanContext().spanId);
    assert.equal(receive.parentSpanContext?.isRemote, true);
    assert.equal(byName(dst, 'dwcp.ass.sync')[0]!.parentSpanContext?.spanId, receive.spanContext().spanId);
    // Resources: two services instances in two regions.
    assert.equal(root.resource.attributes['service.name'], 'dwcp-node');
    assert.equal(root.resource.attributes['service.instance.id'], 'node-1');
    assert.equal(root.resource.attributes['cloud.region'], 'us-east');
    assert.equal(receive.resource.attributes['service.instance.id'], 'node-2');
    assert.equal(receive.resource.attributes['cloud.region'], 'eu-west');
    // DWCP attributes.
    assert.equal(root.attributes['dwcp.vm.id'], 'vm-7');
    assert.equal(root.attributes['dwcp.version'], 'v3');
    assert.equal(root.attributes['dwcp.mode'], 'internet');
    assert.equal(root.attributes['dwcp.bytes'], 3_000_000);
    assert.equal(root.attributes['dwcp.destination.node'], 'node-2');
    assert.equal(transfer.attributes['network.transport'], 'tcp');
    assert.equal(transfer.attributes['dwcp.component'], 'amst');
    assert.equal(receive.attributes['dwcp.region'], 'eu-west');
    assert.equal(root.status.code, SpanStatusCode.OK);
  });

  it('times the spans from the migration: root = duration, phases inside their parent', () => {
    const { src, dst } = run(mig());
    const root = byName(src, 'dwcp.migration')[0]!;
    const msOf = (t: readonly [number, number]) => t[0] * 1000 + t[1] / 1e6;
    assert.equal(msOf(root.startTime), T0);
    assert.equal(msOf(root.endTime), T0 + 10_000);
    for (const s of [...src, ...dst]) {
      assert.ok(msOf(s.startTime) >= T0 && msOf(s.endTime) <= T0 + 10_000, s.name);
      assert.ok(msOf(s.endTime) >= msOf(s.startTime), s.name);
    }
    const tl = migrationTimeline(mig());
    assert.deepEqual(tl.placement, [T0, T0 + 200]);
    assert.equal(tl.attempts.at(-1)![1], T0 + 10_000);
    assert.ok(tl.sync[0] > tl.attempts.at(-1)![0]);
  });

  it('shows a failed migration as errors on the source and the destination', () => {
    const { src, dst } = run(mig({ ok: false }));
    const root = byName(src, 'dwcp.migration')[0]!;
    assert.equal(root.status.code, SpanStatusCode.ERROR);
    assert.equal(root.attributes['error.type'], 'migration_failed');
    assert.equal(root.events[0]!.name, 'exception');
    const sync = byName(dst, 'dwcp.ass.sync')[0]!;
    assert.equal(sync.status.code, SpanStatusCode.ERROR);
    assert.equal(sync.attributes['error.type'], 'state_sync_failed');
    assert.equal(byName(dst, 'dwcp.migration.switchover').length, 0, 'no switchover after a failed sync');
  });

  it('records failed transfer attempts as error spans with dwcp.attempt, the last attempt carrying the context', () => {
    const { src, dst } = run(mig({ retries: 2 }));
    const attempts = byName(src, 'dwcp.amst.transfer').sort(
      (a, b) => Number(a.attributes['dwcp.attempt']) - Number(b.attributes['dwcp.attempt']),
    );
    assert.deepEqual(
      attempts.map((a) => a.attributes['dwcp.attempt']),
      [1, 2, 3],
    );
    assert.deepEqual(
      attempts.map((a) => a.status.code),
      [SpanStatusCode.ERROR, SpanStatusCode.ERROR, SpanStatusCode.OK],
    );
    assert.equal(attempts[0]!.attributes['error.type'], 'timeout');
    const receive = byName(dst, 'dwcp.migration.receive')[0]!;
    assert.equal(receive.parentSpanContext?.spanId, attempts[2]!.spanContext().spanId);
  });

  it('head sampling: ratio 0 records nothing on either node (the destination follows the sampled flag)', async () => {
    const e1 = new InMemorySpanExporter();
    const e2 = new InMemorySpanExporter();
    const a = new NodeTracing({ nodeId: 'a', region: 'r1', exporter: e1, simple: true, sampleRatio: 0 });
    const b = new NodeTracing({ nodeId: 'b', region: 'r2', exporter: e2, simple: true });
    const carrier = a.traceSource(mig({ sourceNode: 'a', destinationNode: 'b' }));
    assert.match(carrier['traceparent']!, /-00$/);
    b.traceDestination(carrier, mig({ sourceNode: 'a', destinationNode: 'b' }));
    assert.equal(e1.getFinishedSpans().length, 0);
    assert.equal(e2.getFinishedSpans().length, 0);
    await a.shutdown();
    await b.shutdown();
  });

  it('a destination without a valid traceparent starts its own trace', () => {
    dstExp.reset();
    dest.traceDestination({ traceparent: 'garbage' }, mig());
    const receive = byName(dstExp.getFinishedSpans(), 'dwcp.migration.receive')[0]!;
    assert.equal(receive.parentSpanContext, undefined);
  });

  it('rejects malformed migrations and options', () => {
    assert.throws(() => source.traceSource(mig({ vmId: '' })), InvalidInputError);
    assert.throws(() => source.traceSource(mig({ durationMs: 0 })), InvalidInputError);
    assert.throws(() => source.traceSource(mig({ retries: 6 })), InvalidInputError);
    assert.throws(() => source.traceSource(mig({ mode: 'lan' as never })), InvalidInputError);
    assert.throws(
      () => new NodeTracing({ nodeId: 'x', region: 'r', exporter: srcExp, sampleRatio: 2 }),
      InvalidInputError,
    );
  });
});
