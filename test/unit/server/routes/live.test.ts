import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import WebSocket from 'ws';
import { buildApp } from '../../../../src/server/app.ts';
import { toApiAnomaly } from '../../../../src/contract/anomalies.ts';
import { LiveEventSchema, type LiveEvent } from '../../../../src/contract/live.ts';
import { anomaly, testDeps, type TestDeps } from '../../../helpers/server-fakes.ts';

const apps: FastifyInstance[] = [];
const sockets: WebSocket[] = [];
after(async () => {
  for (const s of sockets) s.terminate();
  await Promise.all(apps.map((a) => a.close()));
});

async function start(
  limits: TestDeps['limits'],
): Promise<{ deps: TestDeps; url: string; app: FastifyInstance }> {
  const deps = testDeps({ limits });
  const app = await buildApp(deps, { checkResponses: true });
  apps.push(app);
  const address = await app.listen({ host: '127.0.0.1', port: 0 });
  return { deps, app, url: address.replace('http', 'ws') + '/api/live' };
}

/** Opens a client and resolves with it and its message queue after the first (targets) message. */
function connect(url: string): Promise<{ ws: WebSocket; messages: LiveEvent[] }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    sockets.push(ws);
    const messages: LiveEvent[] = [];
    ws.on('message', (data) => {
      // Every message must be a live event of the API contract (parse throws otherwise).
      messages.push(LiveEventSchema.parse(JSON.parse(String(data))));
      if (messages.length === 1) resolve({ ws, messages });
    });
    ws.on('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    ws.on('error', reject);
    // closed by the server before its first message (e.g. over a limit after the upgrade): fail, do not hang
    ws.on('close', (code) => reject(new Error(`closed before the first message: ${code}`)));
  });
}

async function waitFor(cond: () => boolean | Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

async function gauge(deps: TestDeps, name: string): Promise<number> {
  const m = deps.registry.getSingleMetric(name);
  return ((await m?.get())?.values ?? []).reduce((s, v) => s + v.value, 0);
}

test('websocket: targets snapshot, pushed anomaly and resolution, max clients', async () => {
  const { deps, url } = await start({ liveMaxClients: 2 });
  const c1 = await connect(url);
  assert.equal(c1.messages[0]?.type, 'targets');
  const c2 = await connect(url);
  await waitFor(() => deps.live.listenerCount === 1, 'one feed subscription');
  assert.equal(await gauge(deps, 'dwcp_monitor_live_clients'), 2);

  // Third client is refused before the upgrade.
  await assert.rejects(connect(url), /HTTP 429/);

  deps.live.publish({ type: 'anomaly', anomaly: toApiAnomaly(anomaly(5)) });
  deps.live.publish({ type: 'anomaly_resolved', id: 5, resolvedAtMs: 123 });
  await waitFor(() => c1.messages.length === 3 && c2.messages.length === 3, 'events on both clients');
  const ev = c1.messages[1];
  assert.ok(ev?.type === 'anomaly');
  assert.equal(ev.anomaly.id, 5);
  assert.equal(ev.anomaly.metric, 'dwcp_amst_bandwidth_utilization');
  assert.equal(typeof ev.anomaly.summary, 'string');
  assert.deepEqual(c2.messages[2], { type: 'anomaly_resolved', id: 5, resolvedAtMs: 123 });

  // A slot frees up when a client leaves: once the server has seen the close (its gauge drops), not when the
  // client has (the server's close event may come later under load).
  c1.ws.close();
  await waitFor(() => c1.ws.readyState === WebSocket.CLOSED, 'close');
  await waitFor(
    async () => (await gauge(deps, 'dwcp_monitor_live_clients')) === 1,
    'the server to free the slot',
  );
  const c3 = await connect(url);
  assert.equal(c3.messages[0]?.type, 'targets');
  assert.equal(await gauge(deps, 'dwcp_monitor_live_clients'), 2);
});

test('websocket: unknown query parameters are refused', async () => {
  const { url } = await start({});
  await assert.rejects(connect(url + '?token=x'), /HTTP 400/);
});

test('websocket: a slow client misses messages instead of growing the backlog', async () => {
  const { deps, url, app } = await start({ liveMaxBufferedBytes: 64 * 1024 });
  const slow = await connect(url);
  slow.ws.pause(); // stop reading: the server's send backlog grows
  const big = anomaly(9, { labels: { pad: 'x'.repeat(100_000) } });
  for (let i = 0; i < 200; i++) deps.live.publish({ type: 'anomaly', anomaly: toApiAnomaly(big) });
  const dropped = await gauge(deps, 'dwcp_monitor_live_messages_dropped_total');
  assert.ok(dropped > 0, 'some messages dropped');
  assert.ok(dropped < 200, 'the first messages were sent');
  const exposition = await app.inject({ method: 'GET', url: '/metrics' });
  assert.match(exposition.body, /dwcp_monitor_live_messages_dropped_total\{reason="slow_client"\} \d+/);
  slow.ws.terminate();
});

test('closing the app ends the feed subscription and disconnects clients', async () => {
  const { deps, url, app } = await start({});
  const c = await connect(url);
  assert.equal(deps.live.listenerCount, 1);
  const closed = new Promise<void>((r) => c.ws.on('close', () => r()));
  await app.close();
  await closed;
  assert.equal(deps.live.listenerCount, 0);
});
