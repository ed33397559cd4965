import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ExemplarsResponse } from '../../../src/contract/traces.ts';
import { exemplarPoints, exemplarScaleMax, exemplarSeriesOf, MAX_EXEMPLAR_POINTS } from '../../../web/src/exemplars.ts';

const TRACE = (n: number) => n.toString(16).padStart(32, '0');

describe('console exemplars', () => {
  it('reads the bucket series of duration families only', () => {
    assert.equal(exemplarSeriesOf('dwcp_v3_migration_duration_seconds'), 'dwcp_v3_migration_duration_seconds_bucket');
    for (const part of ['_bucket', '_sum', '_count']) assert.equal(exemplarSeriesOf(`dwcp_migration_duration_seconds${part}`), 'dwcp_migration_duration_seconds_bucket');
    for (const other of ['dwcp_v3_throughput_bytes_per_second', 'dwcp_amst_bytes_sent_total', 'up', 'dwcp_x_seconds_total', '_seconds', 'a{b="c"}_seconds']) assert.equal(exemplarSeriesOf(other), null, other);
  });

  it('keeps exemplars with a trace id and a finite duration, oldest first, with their series labels', () => {
    const res: ExemplarsResponse = {
      status: 'success',
      data: [
        {
          seriesLabels: { __name__: 'dwcp_v3_migration_duration_seconds_bucket', le: '4', node_id: 'node-1', mode: 'datacenter' },
          exemplars: [
            { labels: { trace_id: TRACE(2).toUpperCase(), span_id: 'ab' }, value: '3.5', timestamp: 1700000002.5 },
            { labels: { trace_id: 'not-hex' }, value: '1', timestamp: 1700000001 },
            { labels: { trace_id: TRACE(3) }, value: 'NaN', timestamp: 1700000003 },
            { labels: { trace_id: TRACE(4) }, value: '-1', timestamp: 1700000004 },
            { labels: { span_id: 'cd' }, value: '1', timestamp: 1700000005 },
          ],
        },
        { seriesLabels: { __name__: 'dwcp_v3_migration_duration_seconds_bucket', le: '+Inf', node_id: 'node-2' }, exemplars: [{ labels: { trace_id: TRACE(1) }, value: '0.25', timestamp: 1700000001 }] },
      ],
    };
    assert.deepEqual(exemplarPoints(res), [
      { timestampMs: 1700000001000, seconds: 0.25, traceId: TRACE(1), series: { node_id: 'node-2' } },
      { timestampMs: 1700000002500, seconds: 3.5, traceId: TRACE(2), series: { node_id: 'node-1', mode: 'datacenter' } },
    ]);
  });

  it('shows the newest points at most, and a scale above the largest duration', () => {
    const many: ExemplarsResponse = { status: 'success', data: [{ seriesLabels: {}, exemplars: Array.from({ length: MAX_EXEMPLAR_POINTS + 50 }, (_, i) => ({ labels: { trace_id: TRACE(i + 1) }, value: String(i), timestamp: 1700000000 + i })) }] };
    const points = exemplarPoints(many);
    assert.equal(points.length, MAX_EXEMPLAR_POINTS);
    assert.equal(points[0]!.traceId, TRACE(51));
    assert.equal(points.at(-1)!.traceId, TRACE(MAX_EXEMPLAR_POINTS + 50));
    assert.ok(Math.abs(exemplarScaleMax(points) - (MAX_EXEMPLAR_POINTS + 49) * 1.1) < 1e-9);
    assert.equal(exemplarScaleMax([]), 1);
  });
});
