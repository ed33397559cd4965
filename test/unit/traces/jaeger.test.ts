import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { toJaegerTrace, toTag } from '../../../src/traces/jaeger.ts';
import { hexId } from '../../helpers/otlp.ts';
import { NOW, records } from '../../helpers/trace-store-contract.ts';

const T = hexId(0xfeed, 32);

describe('toJaegerTrace', () => {
  it('types tags as Jaeger does and sends arrays as JSON text', () => {
    assert.deepEqual(toTag('a', 'x'), { key: 'a', type: 'string', value: 'x' });
    assert.deepEqual(toTag('a', 3), { key: 'a', type: 'int64', value: 3 });
    assert.deepEqual(toTag('a', 0.5), { key: 'a', type: 'float64', value: 0.5 });
    assert.deepEqual(toTag('a', false), { key: 'a', type: 'bool', value: false });
    assert.deepEqual(toTag('a', [1, 'b']), { key: 'a', type: 'string', value: '[1,"b"]' });
  });

  it('one process per resource, parents first, and a skewed remote child moved into its parent with a warning', () => {
    const src = records(
      [
        {
          traceId: T,
          spanId: hexId(1, 16),
          name: 'dwcp.amst.transfer',
          kind: 3,
          startMs: NOW - 10_000,
          durationMs: 1000,
        },
      ],
      { 'service.name': 'dwcp-node', 'service.instance.id': 'node-1' },
    );
    // node-2's clock is 5 s ahead: its server span would start 4 s after the client span ended.
    const dst = records(
      [
        {
          traceId: T,
          spanId: hexId(2, 16),
          parentSpanId: hexId(1, 16),
          name: 'dwcp.migration.receive',
          kind: 2,
          startMs: NOW - 5000,
          durationMs: 800,
        },
      ],
      { 'service.name': 'dwcp-node', 'service.instance.id': 'node-2' },
    );
    const { trace, orphans } = toJaegerTrace([...dst, ...src]);
    assert.deepEqual(orphans, []);
    assert.deepEqual(
      trace.spans.map((s) => s.operationName),
      ['dwcp.amst.transfer', 'dwcp.migration.receive'],
    );
    assert.deepEqual(Object.keys(trace.processes).sort(), ['p1', 'p2']);
    const [client, server] = trace.spans;
    assert.notEqual(client!.processID, server!.processID);
    assert.equal(
      server!.startTime,
      client!.startTime + 100_000,
      'centred: (1000 - 800) / 2 ms after the client start',
    );
    assert.match(server!.warnings![0]!, /adjusted by -4900000 µs for clock skew/);
    assert.equal(client!.warnings, null);
  });
});
