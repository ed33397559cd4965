import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ExemplarsResponse } from '../../../src/contract/traces.ts';
import { ApiError } from '../../../web/src/api.ts';
import {
  exemplarPoints,
  exemplarScaleMax,
  exemplarSeriesOf,
  fetchExemplars,
  MAX_EXEMPLAR_POINTS,
} from '../../../web/src/exemplars.ts';

const TRACE = (n: number) => n.toString(16).padStart(32, '0');

describe('console exemplars', () => {
  it('reads the bucket series of duration families only', () => {
    assert.equal(
      exemplarSeriesOf('dwcp_v3_migration_duration_seconds'),
      'dwcp_v3_migration_duration_seconds_bucket',
    );
    for (const part of ['_bucket', '_sum', '_count'])
      assert.equal(
        exemplarSeriesOf(`dwcp_migration_duration_seconds${part}`),
        'dwcp_migration_duration_seconds_bucket',
      );
    for (const other of [
      'dwcp_v3_throughput_bytes_per_second',
      'dwcp_amst_bytes_sent_total',
      'up',
      'dwcp_x_seconds_total',
      '_seconds',
      'a{b="c"}_seconds',
    ])
      assert.equal(exemplarSeriesOf(other), null, other);
  });

  it('keeps exemplars with a trace id and a finite duration, oldest first, with their series labels', () => {
    const res: ExemplarsResponse = {
      status: 'success',
      data: [
        {
          seriesLabels: {
            __name__: 'dwcp_v3_migration_duration_seconds_bucket',
            le: '4',
            node_id: 'node-1',
            mode: 'datacenter',
          },
          exemplars: [
            {
              labels: { trace_id: TRACE(2).toUpperCase(), span_id: 'ab' },
              value: '3.5',
              timestamp: 1700000002.5,
            },
            { labels: { trace_id: 'not-hex' }, value: '1', timestamp: 1700000001 },
            { labels: { trace_id: TRACE(3) }, value: 'NaN', timestamp: 1700000003 },
            { labels: { trace_id: TRACE(4) }, value: '-1', timestamp: 1700000004 },
            { labels: { span_id: 'cd' }, value: '1', timestamp: 1700000005 },
          ],
        },
        {
          seriesLabels: {
            __name__: 'dwcp_v3_migration_duration_seconds_bucket',
            le: '+Inf',
            node_id: 'node-2',
          },
          exemplars: [{ labels: { trace_id: TRACE(1) }, value: '0.25', timestamp: 1700000001 }],
        },
      ],
    };
    assert.deepEqual(exemplarPoints(res), [
      { timestampMs: 1700000001000, seconds: 0.25, traceId: TRACE(1), series: { node_id: 'node-2' } },
      {
        timestampMs: 1700000002500,
        seconds: 3.5,
        traceId: TRACE(2),
        series: { node_id: 'node-1', mode: 'datacenter' },
      },
    ]);
  });

  it('shows the newest points at most, and a scale above the largest duration', () => {
    const many: ExemplarsResponse = {
      status: 'success',
      data: [
        {
          seriesLabels: {},
          exemplars: Array.from({ length: MAX_EXEMPLAR_POINTS + 50 }, (_, i) => ({
            labels: { trace_id: TRACE(i + 1) },
            value: String(i),
            timestamp: 1700000000 + i,
          })),
        },
      ],
    };
    const points = exemplarPoints(many);
    assert.equal(points.length, MAX_EXEMPLAR_POINTS);
    assert.equal(points[0]!.traceId, TRACE(51));
    assert.equal(points.at(-1)!.traceId, TRACE(MAX_EXEMPLAR_POINTS + 50));
    assert.ok(Math.abs(exemplarScaleMax(points) - (MAX_EXEMPLAR_POINTS + 49) * 1.1) < 1e-9);
    assert.equal(exemplarScaleMax([]), 1);
  });

  it('asks for the bucket series over the window; a caller who may not read exemplars (403) or a monitor without them (404) gets none', async () => {
    const real = globalThis.fetch;
    const asked: string[] = [];
    let status = 200;
    globalThis.fetch = (async (url: string) => {
      asked.push(url);
      const body =
        status === 200
          ? {
              status: 'success',
              data: [
                {
                  seriesLabels: { node_id: 'n1' },
                  exemplars: [{ labels: { trace_id: TRACE(7) }, value: '2', timestamp: 1700000000 }],
                },
              ],
            }
          : { status: 'error', errorType: 'DWCP_X', error: `refused ${status}` };
      return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
    }) as typeof fetch;
    try {
      assert.deepEqual(await fetchExemplars('dwcp_v3_throughput_bytes_per_second', 0, 1000), []);
      assert.equal(asked.length, 0, 'no request for a metric that is not a duration');
      assert.deepEqual(
        (await fetchExemplars(
          'dwcp_v3_migration_duration_seconds_count',
          1_700_000_000_000,
          1_700_000_300_500,
        ))!.map((p) => p.traceId),
        [TRACE(7)],
      );
      assert.equal(
        asked[0],
        '/api/v1/query_exemplars?query=dwcp_v3_migration_duration_seconds_bucket&start=1700000000&end=1700000300.5',
      );
      for (status of [403, 404])
        assert.equal(await fetchExemplars('dwcp_migration_duration_seconds', 0, 1000), null);
      status = 500;
      await assert.rejects(
        fetchExemplars('dwcp_migration_duration_seconds', 0, 1000),
        (e: unknown) => e instanceof ApiError && e.status === 500 && /refused 500/.test(e.message),
      );
    } finally {
      globalThis.fetch = real;
    }
  });
});
