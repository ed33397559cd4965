/**
 * Tenant isolation of node data (src/server/tenancy.ts, src/model/tenant-scope.ts) through the whole API
 * (tenancy-world.ts): generated nodes are split between tenants `a` and `b` (fast-check), telemetry of every node
 * is ingested, and for every read endpoint (the Loki query API and live tail, trace services and operations
 * included) tenant a's answers hold its own nodes and never a node id of b; b's anomaly, incident and trace ids
 * answer 404 to a; limits count a's items only (b has more, newer traces than a search may read); a's pushes
 * (JSON, OTLP traces and logs, Loki, remote write) keep a's items and reject b's as `foreign_node`;
 * cluster-wide views are 403 for tenant-scoped callers. Responses are checked against the API contract
 * (`checkResponses`). The operator tenant and a tenant without a mapping: tenancy-operator.test.ts.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import WebSocket from 'ws';
import type { Incident } from '../../../src/contract/alerting.ts';
import { scopeForTenant, type TenantNodeMapping } from '../../../src/model/tenant-scope.ts';
import { eventFor } from '../../../src/server/routes/live.ts';
import { otlpLogsJson } from '../../helpers/log-push.ts';
import { hexId, otlpJson } from '../../helpers/otlp.ts';
import {
  METRIC,
  MIXED_TRACE,
  NOW,
  target,
  tenantUsers,
  TRACES_MAX,
  world,
  writeBody,
} from './tenancy-world.ts';

describe('tenant isolation', () => {
  const users = tenantUsers();
  const bearer = users.bearer;

  const split = fc
    .uniqueArray(fc.stringMatching(/^[a-z0-9]{6}$/), { minLength: 2, maxLength: 6 })
    .chain((ids) =>
      fc.tuple(fc.constant(ids.map((s) => `nd-${s}`)), fc.integer({ min: 1, max: ids.length - 1 })),
    )
    .map(([ids, cut]) => ({ a: ids.slice(0, cut), b: ids.slice(cut) }));

  it("tenant a never reads tenant b's nodes on any read endpoint, and b's ids answer 404 (property)", async () => {
    await fc.assert(
      fc.asyncProperty(split, async ({ a, b }) => {
        const mapping: TenantNodeMapping = {
          operatorTenant: 'default',
          tenants: new Map([
            ['a', { nodes: a, regions: [] }],
            ['b', { nodes: b, regions: [] }],
          ]),
        };
        const w = await world(users.auth(), [...a, ...b], mapping, bearer['op']!);
        try {
          await w.mixedTrace(a[0]!, b[0]!);
          const as = (user: string) => ({ authorization: `Bearer ${bearer[user]}` });
          const get = async (url: string, user = 'alice') => {
            const r = await w.app.inject({ method: 'GET', url, headers: as(user) });
            assert.equal(r.statusCode, 200, `${url}: ${r.body}`);
            for (const n of b)
              assert.ok(!r.body.includes(n), `${url} shows b's node ${n}: ${r.body.slice(0, 300)}`);
            return r.json();
          };
          const nodesOf = (labels: { node_id?: string }[]) => labels.map((l) => l.node_id).sort();

          const q = await get(`/api/metrics/query?name=${METRIC}&by=node_id&agg=max`);
          assert.deepEqual(nodesOf(q.data.series.map((s: { labels: object }) => s.labels)), [...a].sort());
          assert.equal(
            (await get(`/api/metrics/query?name=${METRIC}&match[node_id]=${b[0]}`)).data.series.length,
            0,
          );
          // the Prometheus query API: selections, series and label values hold a's nodes only
          const pq = await get(`/api/v1/query?query=${encodeURIComponent(`max by (node_id) (${METRIC})`)}`);
          assert.deepEqual(nodesOf(pq.data.result.map((s: { metric: object }) => s.metric)), [...a].sort());
          const pr = await get(
            `/api/v1/query_range?query=${encodeURIComponent(`count(${METRIC}{node_id="${b[0]}"})`)}&start=${NOW / 1000 - 60}&end=${NOW / 1000}&step=30`,
          );
          assert.deepEqual(pr.data.result, []);
          assert.deepEqual(
            nodesOf((await get(`/api/v1/series?match[]=${METRIC}&end=${NOW / 1000}`)).data),
            [...a].sort(),
          );
          assert.deepEqual(
            (await get(`/api/v1/label/node_id/values?end=${NOW / 1000}`)).data.sort(),
            [...a].sort(),
          );
          await get(`/api/metrics/search?q=amst`);
          assert.deepEqual(
            (await get('/api/v1/targets')).data.activeTargets
              .map((t: { labels: { node_id: string } }) => t.labels.node_id)
              .sort(),
            [...a].sort(),
          );
          assert.deepEqual(
            nodesOf((await get('/api/anomalies')).data.map((x: { labels: object }) => x.labels)),
            [...a].sort(),
          );
          assert.deepEqual(
            (await get('/api/incidents')).data.map((i: Incident) => i.node).sort(),
            [...a].sort(),
          );
          assert.deepEqual(
            (await get(`/api/incidents?limit=${a.length}`)).data.map((i: Incident) => i.node).sort(),
            [...a].sort(),
          );
          // the SLO of a's nodes only: met, although b's nodes break it
          const slo = (await get('/api/slo')).data.slos[0];
          assert.deepEqual([slo.evaluated, slo.report?.status], [true, 'met'], JSON.stringify(slo));
          assert.equal(
            (await w.app.inject({ method: 'GET', url: '/api/slo', headers: as('op') })).json().data.slos[0]
              .report.status,
            'violated',
          );
          // b has more traces, all newer than a's, than one search may return: the limit counts a's traces only
          await w.newerTraces(b, TRACES_MAX);
          const traces = (await get(`/api/traces?limit=${TRACES_MAX}`)).data as {
            traceID: string;
            spans: unknown[];
          }[];
          assert.equal(traces.length, a.length + 1);
          assert.deepEqual(
            (await get('/api/services')).data,
            ['dwcp-node', ...a.map((n) => `svc-${n}`)].sort(),
          );
          assert.deepEqual((await get(`/api/services/svc-${a[0]}/operations`)).data, [`op-${a[0]}`]);
          assert.deepEqual((await get(`/api/services/svc-${b[0]}/operations`)).data, []);
          assert.equal(traces.find((t) => t.traceID === MIXED_TRACE)?.spans.length, 1);
          assert.equal((await get(`/api/traces/${MIXED_TRACE}`)).data[0].spans.length, 1);
          assert.deepEqual(
            (await get('/api/logs?limit=100')).entries.map((e: { nodeId: string }) => e.nodeId).sort(),
            [...a].sort(),
          );
          assert.equal((await get(`/api/logs?node_id=${b[0]}`)).entries.length, 0);
          assert.equal((await get('/api/logs?q=migration')).entries.length, a.length);
          // the Loki query API: streams, vectors, label names and values of a's nodes only
          const streamNodes = (r: {
            data: { result: { stream?: { node_id?: string }; metric?: { node_id?: string } }[] };
          }) => r.data.result.map((x) => (x.stream ?? x.metric)?.node_id).sort();
          assert.deepEqual(
            streamNodes(
              await get(
                `/loki/api/v1/query_range?query=${encodeURIComponent('{service=~".+"}')}&limit=${a.length}`,
              ),
            ),
            [...a].sort(),
          );
          assert.deepEqual(
            streamNodes(
              await get(
                `/loki/api/v1/query?query=${encodeURIComponent('sum by (node_id) (count_over_time({service=~".+"} |= "migration" [5m]))')}`,
              ),
            ),
            [...a].sort(),
          );
          assert.deepEqual(
            (await get(`/loki/api/v1/query_range?query=${encodeURIComponent(`{node_id="${b[0]}"}`)}`)).data
              .result,
            [],
          );
          assert.ok((await get('/loki/api/v1/labels')).data.includes('node_id'));
          assert.deepEqual((await get('/loki/api/v1/label/node_id/values')).data, [...a].sort());
          assert.deepEqual(
            (await get('/loki/api/v1/label/service/values')).data,
            a.map((n) => `svc-${n}`).sort(),
          );
          const seriesNodes = (r: { data: { node_id?: string }[] }) =>
            [...new Set(r.data.map((l) => l.node_id))].sort();
          assert.deepEqual(
            seriesNodes(await get(`/loki/api/v1/series?match[]=${encodeURIComponent('{service=~".+"}')}`)),
            [...a].sort(),
          );
          assert.deepEqual(
            (await get(`/loki/api/v1/series?match[]=${encodeURIComponent(`{node_id="${b[0]}"}`)}`)).data,
            [],
          );

          const created = await w.app.inject({
            method: 'POST',
            url: '/api/dashboards',
            headers: { ...as('alice'), 'content-type': 'application/json' },
            payload: JSON.stringify({
              title: 'Mine',
              widgets: [
                {
                  type: 'line',
                  id: 'l',
                  title: 'Streams',
                  gridPos: { x: 0, y: 0, w: 8, h: 6 },
                  queries: [{ kind: 'metric', refId: 'A', metric: METRIC, by: ['node_id'] }],
                },
                {
                  type: 'table',
                  id: 't',
                  title: 'Anomalies',
                  gridPos: { x: 8, y: 0, w: 8, h: 6 },
                  queries: [{ kind: 'anomalies', limit: 50 }],
                },
                {
                  type: 'alert_list',
                  id: 'i',
                  title: 'Incidents',
                  gridPos: { x: 16, y: 0, w: 8, h: 6 },
                  query: { kind: 'incidents' },
                },
              ],
            }),
          });
          assert.equal(created.statusCode, 201, created.body);
          const data = await get(`/api/dashboards/${created.json().data.id}/data`);
          const line = data.data.widgets.find((x: { id: string }) => x.id === 'l');
          assert.deepEqual(
            nodesOf(line.result.series.map((s: { labels: object }) => s.labels)),
            [...a].sort(),
          );

          const pushed = await w.app.inject({
            method: 'POST',
            url: '/api/metrics',
            headers: { ...as('alice'), 'content-type': 'application/json' },
            payload: JSON.stringify({
              samples: [
                { name: METRIC, labels: { node_id: a[0] }, value: 1 },
                { name: METRIC, labels: { node_id: b[0] }, value: 1 },
              ],
            }),
          });
          assert.equal(pushed.statusCode, 200, pushed.body);
          assert.deepEqual(pushed.json().data, { received: 2, stored: 1, rejected: { foreign_node: 1 } });
          // OTLP, Loki and remote-write pushes keep a's items and reject b's one by one
          const post = (
            url: string,
            payload: string | Buffer,
            type = 'application/json',
            extra: Record<string, string> = {},
          ) =>
            w.app.inject({
              method: 'POST',
              url,
              headers: { ...as('alice'), 'content-type': type, ...extra },
              payload,
            });
          const both = <T>(f: (n: string) => T) => [f(a[0]!), f(b[0]!)];
          const spans = both((n) =>
            otlpJson(
              [
                {
                  traceId: hexId(0x20000, 32),
                  spanId: hexId(n === a[0] ? 0x20001 : 0x20002, 16),
                  name: 'pushed',
                  startMs: NOW - 1000,
                  durationMs: 5,
                },
              ],
              { 'service.name': `svc-${n}`, 'service.instance.id': n },
            ),
          );
          const tr = await post(
            '/v1/traces',
            JSON.stringify({ resourceSpans: spans.flatMap((x) => x['resourceSpans'] as unknown[]) }),
          );
          assert.equal(tr.statusCode, 200, tr.body);
          assert.equal(tr.json().partialSuccess.rejectedSpans, 1);
          const opTrace = await w.app.inject({
            method: 'GET',
            url: `/api/traces/${hexId(0x20000, 32)}`,
            headers: as('op'),
          });
          assert.deepEqual(
            opTrace.json().data[0].spans.map((x: { spanID: string }) => x.spanID),
            [hexId(0x20001, 16)],
          );
          const lg = both((n) =>
            otlpLogsJson([{ timeMs: NOW - 500, body: 'pushed by alice' }], {
              'service.name': `svc-${n}`,
              'service.instance.id': n,
            }),
          );
          const lr = await post(
            '/v1/logs',
            JSON.stringify({ resourceLogs: lg.flatMap((x) => x['resourceLogs'] as unknown[]) }),
          );
          assert.equal(lr.statusCode, 200, lr.body);
          assert.equal(lr.json().partialSuccess.rejectedLogRecords, 1);
          const loki = await post(
            '/loki/api/v1/push',
            JSON.stringify({
              streams: both((n) => ({
                stream: { service: 'loki', node_id: n },
                values: [[`${NOW - 400}000000`, 'loki push by alice']],
              })),
            }),
          );
          assert.equal(loki.statusCode, 204, loki.body);
          const opLogs = await w.app.inject({ method: 'GET', url: '/api/logs?q=alice', headers: as('op') });
          assert.deepEqual(
            opLogs.json().entries.map((e: { nodeId: string }) => e.nodeId),
            [a[0], a[0]],
          );
          const rw = await post('/api/v1/write', writeBody([a[0]!, b[0]!]), 'application/x-protobuf', {
            'content-encoding': 'snappy',
          });
          assert.equal(rw.statusCode, 204, rw.body);
          assert.deepEqual(
            w.written.map((x) => x.labels['node_id']),
            [a[0]],
          );
          assert.equal(w.rwForeign(), 1);
          const rejected = await w.registry.getSingleMetricAsString('dwcp_monitor_otlp_spans_rejected_total');
          assert.match(rejected, /reason="foreign_node"\} 1$/m);
          assert.match(
            await w.registry.getSingleMetricAsString('dwcp_monitor_log_entries_rejected_total'),
            /protocol="loki",reason="foreign_node"\} 1$/m,
          );
          // a push with nothing of a's is refused
          assert.equal(
            (
              await post('/api/v1/write', writeBody([b[0]!]), 'application/x-protobuf', {
                'content-encoding': 'snappy',
              })
            ).statusCode,
            403,
          );
          assert.equal((await post('/v1/traces', JSON.stringify(spans[1]))).statusCode, 403);

          // b's ids answer as unknown ones, a's own as found.
          const status = async (method: 'GET' | 'POST', url: string, payload?: object) =>
            (
              await w.app.inject({
                method,
                url,
                headers: { ...as('alice'), ...(payload ? { 'content-type': 'application/json' } : {}) },
                ...(payload ? { payload: JSON.stringify(payload) } : {}),
              })
            ).statusCode;
          assert.equal(await status('POST', `/api/anomalies/${w.anomalyIds.get(b[0]!)}/acknowledge`), 404);
          assert.equal(await status('POST', `/api/anomalies/${w.anomalyIds.get(a[0]!)}/acknowledge`), 200);
          const incOf = (n: string) => w.incidents.find((i) => i.node === n)!.id;
          assert.equal(await status('GET', `/api/incidents/${incOf(b[0]!)}`), 404);
          assert.equal(
            await status('POST', `/api/incidents/${incOf(b[0]!)}/acknowledge`, { by: 'alice' }),
            404,
          );
          assert.equal(await status('GET', `/api/incidents/${incOf(a[0]!)}`), 200);
          assert.equal(await status('GET', `/api/traces/${hexId(a.length + 1, 32)}`), 404);
          assert.equal(await status('GET', `/api/traces/${hexId(1, 32)}`), 200);
          // Cluster-wide views and receivers that cannot check each item are the operator's.
          for (const url of ['/api/components/status', '/metrics', '/api/silences', '/api/rollout'])
            assert.equal(await status('GET', url), 403, url);

          // Live events: a's client gets a's anomalies and targets only.
          const scopeA = scopeForTenant(mapping, 'a');
          const all = (await w.app.inject({ method: 'GET', url: '/api/anomalies', headers: as('op') })).json()
            .data;
          assert.equal(all.length, a.length + b.length);
          for (const x of all)
            assert.equal(
              eventFor({ type: 'anomaly', anomaly: x }, scopeA) !== null,
              a.includes(x.labels.node_id),
            );
          assert.equal(eventFor({ type: 'anomaly_resolved', id: 1, resolvedAtMs: NOW }, scopeA), null);
          const targets = eventFor({ type: 'targets', targets: [...a, ...b].map(target) }, scopeA);
          assert.deepEqual(
            targets?.type === 'targets' ? targets.targets.map((t) => t.id).sort() : null,
            [...a].sort(),
          );

          // The Loki live tail: history and live entries of a's nodes only.
          await w.app.listen({ host: '127.0.0.1', port: 0 });
          const port = (w.app.server.address() as { port: number }).port;
          const ws = new WebSocket(
            `ws://127.0.0.1:${port}/loki/api/v1/tail?query=${encodeURIComponent('{service=~".+"}')}`,
            { headers: { ...as('alice'), origin: `http://127.0.0.1:${port}` } },
          );
          const messages: string[] = [];
          const live = new Promise<void>((resolve, reject) => {
            ws.on('message', (m) => {
              messages.push(String(m));
              if (String(m).includes('tail-live')) resolve();
            });
            ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
            ws.once('error', reject);
          });
          await new Promise<void>((resolve) => {
            const check = () => (messages.length > 0 ? resolve() : setTimeout(check, 20));
            check();
          });
          for (const n of [...b, ...a])
            await w.ingest('/loki/api/v1/push', {
              streams: [
                { stream: { service: 'tail', node_id: n }, values: [[`${NOW}000000`, `tail-live ${n}`]] },
              ],
            });
          await live;
          ws.terminate();
          const tailNodes = new Set(
            messages.flatMap((m) =>
              (JSON.parse(m) as { streams: { stream: { node_id?: string } }[] }).streams.map(
                (x) => x.stream.node_id,
              ),
            ),
          );
          assert.deepEqual([...tailNodes].sort(), [...a].sort());
          for (const n of b) assert.ok(!messages.some((m) => m.includes(n)), `tail shows b's node ${n}`);
        } finally {
          await w.close();
        }
      }),
      { numRuns: 8, verbose: 1 },
    );
  });
});
