import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import WebSocket from 'ws';
import { buildApp } from '../../../../src/server/app.ts';
import type { TargetStatus } from '../../../../src/model/status.ts';
import { TARGETS, testDeps } from '../../../helpers/server-fakes.ts';

const apps: FastifyInstance[] = [];
after(async () => Promise.all(apps.map((a) => a.close())));

const LEAKY: TargetStatus = {
  ...TARGETS[1]!,
  id: 'leaky',
  url: 'http://admin:hunter2@127.0.0.1:9/metrics',
  lastError:
    'Request cannot be constructed from a URL that includes credentials: http://admin:hunter2@127.0.0.1:9/metrics',
};

async function leakyApp(): Promise<FastifyInstance> {
  const deps = { ...testDeps(), targets: () => [LEAKY] };
  const app = await buildApp(deps, { checkResponses: true });
  apps.push(app);
  return app;
}

test('GET /api/v1/targets never returns URL credentials', async () => {
  const res = await (await leakyApp()).inject({ method: 'GET', url: '/api/v1/targets' });
  assert.equal(res.statusCode, 200);
  assert.ok(!res.body.includes('hunter2'), res.body);
  const t = res.json().data.activeTargets[0];
  assert.equal(t.scrapeUrl, 'http://<secret>@127.0.0.1:9/metrics');
  assert.match(t.lastError, /http:\/\/<secret>@127\.0\.0\.1:9\/metrics$/);
});

test('GET /api/live never sends URL credentials', async () => {
  const app = await leakyApp();
  const address = await app.listen({ host: '127.0.0.1', port: 0 });
  const ws = new WebSocket(address.replace('http', 'ws') + '/api/live');
  const first = await new Promise<string>((resolve, reject) => {
    ws.on('message', (d) => resolve(String(d)));
    ws.on('error', reject);
  });
  ws.terminate();
  assert.ok(!first.includes('hunter2'), first);
  assert.match(first, /<secret>@127\.0\.0\.1/);
});

test("GET /api/v1/targets lists another shard's targets as dropped, with the reason and their shard", async () => {
  const deps = {
    ...testDeps(),
    droppedTargets: () => [
      {
        id: 'node-9',
        url: 'http://admin:hunter2@10.0.0.9:9100/metrics',
        labels: { job: 'dwcp', instance: '10.0.0.9:9100', region: 'eu-west' },
        reason: 'other_shard' as const,
        shard: 2,
      },
    ],
  };
  const app = await buildApp(deps, { checkResponses: true });
  apps.push(app);
  const any = (await app.inject({ method: 'GET', url: '/api/v1/targets' })).json();
  assert.ok(any.data.activeTargets.length > 0, 'the active targets stay listed');
  assert.deepEqual(any.data.droppedTargets, [
    {
      id: 'node-9',
      discoveredLabels: {
        __address__: '10.0.0.9:9100',
        job: 'dwcp',
        instance: '10.0.0.9:9100',
        region: 'eu-west',
      },
      scrapeUrl: 'http://<secret>@10.0.0.9:9100/metrics',
      reason: 'other_shard',
      shard: 2,
    },
  ]);
  const active = (await app.inject({ method: 'GET', url: '/api/v1/targets?state=active' })).json();
  assert.deepEqual(active.data.droppedTargets, []);
  const dropped = (await app.inject({ method: 'GET', url: '/api/v1/targets?state=dropped' })).json();
  assert.deepEqual(dropped.data.activeTargets, []);
  assert.equal(dropped.data.droppedTargets.length, 1);
});
