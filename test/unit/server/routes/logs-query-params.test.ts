/**
 * The Loki label routes' `query` stream selector (Loki 2.9+; Grafana's label browser sends it) and Loki's `since`
 * on the query routes, over the real receivers, query service and a SQLite log store in memory
 * (test/helpers/log-routes-fixture.ts).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { LokiLabelsResponse, LokiQueryResponse } from '../../../../src/contract/logs.ts';
import { openLogRoutesFixture, NOW, type LogRoutesFixture } from '../../../helpers/log-routes-fixture.ts';

describe('Loki query parameters of the log routes', () => {
  let fixture: LogRoutesFixture;
  const get = <T>(url: string) => fixture.get<T>(url);
  const range = `start=${(NOW - 60_000) * 1e6}&end=${NOW * 1e6}`;

  before(async () => {
    fixture = await openLogRoutesFixture();
  });
  after(() => fixture.close());

  it("labels and label values narrowed by a stream selector in `query` (Grafana's label browser)", async () => {
    const sel = (s: string) => `query=${encodeURIComponent(s)}`;
    // the node-2 error stream (Loki JSON) has no region and no component; the node-1 one (OTLP) has both
    const names = await get<LokiLabelsResponse>(`/loki/api/v1/labels?${range}&${sel('{level="error"}')}`);
    assert.equal(names.status, 200, JSON.stringify(names.body));
    assert.deepEqual(names.body.data, ['service', 'node_id', 'region', 'level', 'component']);
    assert.deepEqual(
      (
        await get<LokiLabelsResponse>(
          `/loki/api/v1/labels?${range}&${sel('{node_id="node-2", level="error"}')}`,
        )
      ).body.data,
      ['service', 'node_id', 'level'],
    );
    const levels = await get<LokiLabelsResponse>(
      `/loki/api/v1/label/level/values?${range}&${sel('{node_id="node-2"}')}`,
    );
    assert.equal(levels.status, 200, JSON.stringify(levels.body));
    assert.deepEqual(levels.body.data, ['error', 'info']);
    assert.deepEqual(
      (await get<LokiLabelsResponse>(`/loki/api/v1/label/node_id/values?${range}&${sel('{level=~"err.*"}')}`))
        .body.data,
      ['node-1', 'node-2'],
    );
    assert.deepEqual(
      (await get<LokiLabelsResponse>(`/loki/api/v1/label/node_id/values?${range}&${sel('{service="none"}')}`))
        .body.data,
      [],
    );
    // an empty query is no selector
    assert.deepEqual(
      (await get<LokiLabelsResponse>(`/loki/api/v1/label/node_id/values?${range}&query=`)).body.data,
      ['node-1', 'node-2'],
    );
    const bad = await get<{ error: string }>(`/loki/api/v1/labels?${range}&${sel('{level="error"} |= "x"')}`);
    assert.equal(bad.status, 400);
    assert.match(bad.body.error, /^query "\{level=\\"error\\"\} \|= \\"x\\"": must be a stream selector/);
  });

  it("Loki's since: start is that long before end (or now); an explicit start wins", async () => {
    // node-1's entries are 30 s and 20 s old, node-2's 10 s and 5 s
    const values = async (q: string) =>
      (await get<LokiLabelsResponse>(`/loki/api/v1/label/node_id/values?${q}`)).body.data;
    assert.deepEqual(await values('since=15s'), ['node-2']);
    assert.deepEqual(await values(`since=15s&end=${(NOW - 15_000) * 1e6}`), ['node-1']);
    assert.deepEqual(await values(`since=15s&end=${(NOW + 3_600_000) * 1e6}`), ['node-2']);
    assert.deepEqual(await values(`since=15s&start=${(NOW - 60_000) * 1e6}`), ['node-1', 'node-2']);
    const lines = await get<LokiQueryResponse>(
      `/loki/api/v1/query_range?query=${encodeURIComponent('{service="dwcp-node"}')}&since=7s`,
    );
    assert.equal(lines.status, 200, JSON.stringify(lines.body));
    assert.deepEqual(
      lines.body.data.result.flatMap((r) => r.values.map(([, line]) => line)),
      ['peer timeout user=[email]'],
    );
    const bad = await get<{ error: string }>('/loki/api/v1/labels?since=soon');
    assert.equal(bad.status, 400);
    assert.match(bad.body.error, /^since: /);
  });
});
