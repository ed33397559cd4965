import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { SpanStatusCode } from '@opentelemetry/api';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import { InvalidInputError, StoreError } from '../../../src/errors.ts';
import { createLogger, traceContextFields } from '../../../src/sdk/logger.ts';
import { DwcpTracing } from '../../../src/sdk/tracing.ts';

const exporter = new InMemorySpanExporter();
const tracing = new DwcpTracing({ serviceName: 'dwcp-test', exporter, simple: true });
after(() => tracing.shutdown());

describe('DwcpTracing', () => {
  it('traceMigration records a span with semantic-convention attributes and nests component spans', async () => {
    exporter.reset();
    const out = await tracing.traceMigration('vm-42', 'node-1', 'node-2', 'datacenter', async () =>
      tracing.traceComponent('hde', 'compress', () => 7),
    );
    assert.equal(out, 7);
    const spans = exporter.getFinishedSpans();
    assert.equal(spans.length, 2);
    const [child, parent] = spans;
    assert.equal(parent!.name, 'dwcp.migration');
    assert.deepEqual(parent!.attributes, {
      'dwcp.vm.id': 'vm-42',
      'source.address': 'node-1',
      'destination.address': 'node-2',
      'dwcp.mode': 'datacenter',
      'network.transport': 'rdma',
    });
    assert.equal(parent!.status.code, SpanStatusCode.OK);
    assert.equal(parent!.resource.attributes['service.name'], 'dwcp-test');
    assert.equal(child!.name, 'dwcp.hde.compress');
    assert.equal(child!.parentSpanContext?.spanId, parent!.spanContext().spanId);
    assert.equal(child!.spanContext().traceId, parent!.spanContext().traceId);
  });

  it('marks errors and rethrows', async () => {
    exporter.reset();
    await assert.rejects(
      tracing.traceComponent('acp', 'consensus', () => Promise.reject(new StoreError('boom'))),
      /boom/,
    );
    const [span] = exporter.getFinishedSpans();
    assert.equal(span!.status.code, SpanStatusCode.ERROR);
    assert.equal(span!.attributes['error.type'], 'DWCP_STORE');
    assert.equal(span!.events[0]!.name, 'exception');
  });

  it('rejects bad input', () => {
    assert.throws(() => tracing.traceMigration('', 'a', 'b', 'internet', () => 1), InvalidInputError);
    assert.throws(
      () => tracing.traceMigration('v', 'a', 'b', 'lan' as 'internet', () => 1),
      InvalidInputError,
    );
    assert.throws(() => tracing.traceComponent('dwcp' as 'amst', 'x', () => 1), InvalidInputError);
    assert.throws(() => tracing.traceComponent('amst', '', () => 1), InvalidInputError);
    assert.throws(() => new DwcpTracing({ serviceName: '', exporter, register: false }), InvalidInputError);
  });
});

describe('createLogger', () => {
  it('adds trace_id and span_id of the active span, nothing outside spans', async () => {
    const lines: string[] = [];
    const log = createLogger({ name: 'test', destination: { write: (s: string) => void lines.push(s) } });
    log.info('outside');
    assert.deepEqual(traceContextFields(), {});
    let ids: { trace: string; span: string } | undefined;
    await tracing.traceMigration('vm-1', 'node-1', 'node-3', 'internet', (span) => {
      ids = { trace: span.spanContext().traceId, span: span.spanContext().spanId };
      log.info({ vm: 'vm-1' }, 'inside');
    });
    const [outside, inside] = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    assert.equal(outside!.trace_id, undefined);
    assert.equal(inside!.msg, 'inside');
    assert.equal(inside!.trace_id, ids!.trace);
    assert.equal(inside!.span_id, ids!.span);
    assert.match(String(inside!.trace_id), /^[0-9a-f]{32}$/);
  });
});
