/**
 * Tenant isolation of node data (src/server/tenancy.ts) through the whole API (tenancy-world.ts): the operator
 * tenant reads every node, a tenant owning a region reads that region's nodes, a tenant without a mapping reads
 * none and writes none (REST, the live feed's first message, OTLP logs).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import WebSocket from 'ws';
import { type TenantNodeMapping } from '../../../src/model/tenant-scope.ts';
import { otlpLogsJson } from '../../helpers/log-push.ts';
import { hexId } from '../../helpers/otlp.ts';
import { METRIC, NOW, tenantUsers, world } from './tenancy-world.ts';

describe('tenant isolation', () => {
  const users = tenantUsers();
  const bearer = users.bearer;

  it('the operator tenant reads every node; a tenant without a mapping reads none and writes none', async () => {
    const a = ['nd-aaaaaa'];
    const b = ['nd-bbbbbb', 'nd-cccccc'];
    const mapping: TenantNodeMapping = {
      operatorTenant: 'default',
      tenants: new Map([
        ['a', { nodes: a, regions: [] }],
        ['b', { nodes: [], regions: ['eu-west'] }],
      ]),
    };
    const w = await world(users.auth(), [...a, ...b], mapping, bearer['op']!);
    try {
      const get = async (url: string, user: string) => {
        const r = await w.app.inject({
          method: 'GET',
          url,
          headers: { authorization: `Bearer ${bearer[user]}` },
        });
        return { status: r.statusCode, body: r.json() };
      };
      const all = [...a, ...b].sort();
      const nodes = (r: { body: { data: { labels: { node_id: string } }[] } }) =>
        r.body.data.map((x) => x.labels.node_id).sort();
      assert.deepEqual(nodes(await get('/api/anomalies', 'op')), all);
      assert.equal(
        (await get(`/api/metrics/query?name=${METRIC}&by=node_id`, 'op')).body.data.series.length,
        3,
      );
      assert.equal((await get('/api/logs', 'op')).body.entries.length, 3);
      assert.equal((await get('/api/components/status', 'op')).status, 200);
      // Tenant b owns region eu-west, where every node is.
      assert.deepEqual(nodes(await get('/api/anomalies', 'bob')), all);
      for (const url of ['/api/anomalies', '/api/incidents', '/api/v1/targets']) {
        const r = await get(url, 'nina');
        assert.equal(r.status, 200, url);
        assert.deepEqual(url === '/api/v1/targets' ? r.body.data.activeTargets : r.body.data, [], url);
      }
      assert.deepEqual((await get(`/api/metrics/query?name=${METRIC}`, 'nina')).body.data.series, []);
      assert.deepEqual((await get('/api/logs', 'nina')).body.entries, []);
      assert.deepEqual((await get('/api/traces', 'nina')).body.data, []);
      assert.equal((await get(`/api/traces/${hexId(1, 32)}`, 'nina')).status, 404);
      assert.equal((await get('/api/components/status', 'nina')).status, 403);
      const pushed = await w.app.inject({
        method: 'POST',
        url: '/api/metrics',
        headers: { authorization: `Bearer ${bearer['nina']}`, 'content-type': 'application/json' },
        payload: JSON.stringify({ samples: [{ name: METRIC, labels: { node_id: a[0] }, value: 1 }] }),
      });
      assert.deepEqual(pushed.json().data, { received: 1, stored: 0, rejected: { foreign_node: 1 } });
      // The live feed's first message (targets) is filtered by the scope taken at the upgrade.
      await w.app.listen({ host: '127.0.0.1', port: 0 });
      const port = (w.app.server.address() as { port: number }).port;
      const hello = (user: string) =>
        new Promise<string[]>((resolve, reject) => {
          const ws = new WebSocket(`ws://127.0.0.1:${port}/api/live`, {
            headers: { authorization: `Bearer ${bearer[user]}`, origin: `http://127.0.0.1:${port}` },
          });
          ws.once('message', (m) => {
            ws.terminate();
            resolve((JSON.parse(String(m)) as { targets: { id: string }[] }).targets.map((t) => t.id).sort());
          });
          ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
          ws.once('error', reject);
        });
      assert.deepEqual(await hello('op'), all);
      assert.deepEqual(await hello('alice'), a);
      assert.deepEqual(await hello('nina'), []);
      const otlp = await w.app.inject({
        method: 'POST',
        url: '/v1/logs',
        headers: { authorization: `Bearer ${bearer['nina']}`, 'content-type': 'application/json' },
        payload: JSON.stringify(otlpLogsJson([{ timeMs: NOW, body: 'x' }])),
      });
      assert.equal(otlp.statusCode, 403);
    } finally {
      await w.close();
    }
  });
});
