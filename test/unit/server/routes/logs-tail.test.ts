/**
 * WS /loki/api/v1/tail with a real WebSocket client over the real receivers, hub and a SQLite log store in
 * memory: history first, then entries pushed afterwards (matching the query only); drops over the client's
 * buffer named in `dropped_entries`; 400 before
 * the upgrade for bad LogQL, a metric query and bad limits; 429 at the hub's client limit; 404 when logs are off.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import WebSocket from 'ws';
import { LokiTailMessageSchema, type LokiTailMessage } from '../../../../src/contract/logs.ts';
import { LogApi } from '../../../../src/logs/log-api.ts';
import type { LogStore } from '../../../../src/logs/store/log-store.ts';
import { openSqliteLogStore } from '../../../../src/logs/store/open.ts';
import { buildApp } from '../../../../src/server/app.ts';
import { closeReason } from '../../../../src/server/routes/logs-tail.ts';
import { lokiJson } from '../../../helpers/log-push.ts';
import { testDeps } from '../../../helpers/server-fakes.ts';

const DAY = 86_400_000;
const retentionMs = { debug: DAY, info: DAY, warn: DAY, error: DAY, fatal: DAY };

interface Client {
  readonly ws: WebSocket;
  readonly messages: LokiTailMessage[];
}

async function waitFor(cond: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('WS /loki/api/v1/tail', () => {
  let store: LogStore;
  let app: FastifyInstance;
  let base: string;
  let logs: LogApi;
  const sockets: WebSocket[] = [];
  const now = Date.now();

  const push = async (streams: Parameters<typeof lokiJson>[0]): Promise<void> => {
    const r = await app.inject({
      method: 'POST',
      url: '/loki/api/v1/push',
      headers: { 'content-type': 'application/json' },
      payload: lokiJson(streams),
    });
    assert.equal(r.statusCode, 204, r.body);
  };
  const open = (query: string, extra = ''): Promise<Client> =>
    new Promise((resolve, reject) => {
      const ws = new WebSocket(`${base}/loki/api/v1/tail?query=${encodeURIComponent(query)}${extra}`);
      sockets.push(ws);
      const messages: LokiTailMessage[] = [];
      ws.on('message', (data) => messages.push(LokiTailMessageSchema.parse(JSON.parse(String(data)))));
      ws.on('open', () => resolve({ ws, messages }));
      ws.on('unexpected-response', (_req, res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += String(c)));
        res.on('end', () =>
          reject(Object.assign(new Error(`HTTP ${res.statusCode}: ${body}`), { status: res.statusCode })),
        );
      });
      ws.on('error', reject);
    });
  const lines = (c: Client): string[] =>
    c.messages.flatMap((m) =>
      m.streams.flatMap((s) => s.values.map((v) => `${s.stream['node_id']}:${v[1]}`)),
    );

  before(async () => {
    store = await openSqliteLogStore(':memory:', { retentionMs });
    const deps = testDeps();
    logs = new LogApi(store, {
      registry: deps.registry,
      tailLimits: { maxClients: 3, maxBufferedEntries: 2, maxDroppedReported: 2 },
    });
    app = await buildApp({ ...deps, logs }, { checkResponses: true });
    base = (await app.listen({ host: '127.0.0.1', port: 0 })).replace('http', 'ws');
    await push([
      {
        labels: { service: 'dwcp-node', node_id: 'node-1', level: 'error' },
        entries: [[now - 60_000, 'old timeout']],
      },
    ]);
  });
  after(async () => {
    for (const s of sockets) s.terminate();
    await app.close();
    await store.close();
  });

  it('sends the history, then matching entries as they are stored', async () => {
    const c = await open('{service="dwcp-node"} |= "timeout"', '&limit=10');
    await waitFor(() => c.messages.length === 1, 'history');
    assert.deepEqual(lines(c), ['node-1:old timeout']);
    await push([
      {
        labels: { service: 'dwcp-node', node_id: 'node-2', level: 'warn' },
        entries: [
          [now + 1, 'transfer timeout, retrying'],
          [now + 2, 'transfer resumed'],
        ],
      },
      {
        labels: { service: 'other', node_id: 'node-3', level: 'error' },
        entries: [[now + 3, 'timeout elsewhere']],
      },
    ]);
    await waitFor(() => lines(c).length === 2, 'live entry');
    assert.deepEqual(lines(c), ['node-1:old timeout', 'node-2:transfer timeout, retrying']);
    assert.equal(c.messages[1]?.streams[0]?.values[0]?.[0], `${(now + 1) * 1e6}`);
    assert.deepEqual(c.messages[1]?.dropped_entries, []);
    c.ws.close();
  });

  it("drops what does not fit the client's buffer between batches and names the first drops", async () => {
    const c = await open('{node_id="node-9"}', '&delay_for=1');
    await waitFor(() => logs.tail.clients === 1, 'subscribed');
    await push([
      {
        labels: { service: 'dwcp-node', node_id: 'node-9', level: 'info' },
        entries: [1, 2, 3, 4, 5].map((i): [number, string] => [now + i, `line ${i}`]),
      },
    ]);
    await waitFor(() => c.messages.length === 1, 'one batch');
    assert.deepEqual(lines(c), ['node-9:line 1', 'node-9:line 2']);
    assert.deepEqual(
      c.messages[0]?.dropped_entries.map((d) => [d.labels['node_id'], d.timestamp]),
      [
        ['node-9', `${(now + 3) * 1e6}`],
        ['node-9', `${(now + 4) * 1e6}`],
      ],
    );
    c.ws.close();
    await waitFor(() => logs.tail.clients === 0, 'unsubscribed');
  });

  it('refuses bad LogQL, metric queries and bad parameters with 400 before the upgrade', async () => {
    for (const [query, extra, message] of [
      ['{service="dwcp-node"', '', /query|expected|parse/i],
      ['rate({service="dwcp-node"}[1m])', '', /not a metric query/],
      ['{service="dwcp-node"}', '&limit=0', /limit/],
      ['{service="dwcp-node"}', '&limit=5001', /limit/],
      ['{service="dwcp-node"}', '&delay_for=6', /delay_for/],
      ['{service="dwcp-node"}', '&start=soon', /start/],
      ['{service="dwcp-node"}', '&follow=1', /follow/],
    ] as const) {
      await assert.rejects(open(query, extra), (e: Error & { status?: number }) => {
        assert.equal(e.status, 400, `${query}${extra}: ${e.message}`);
        assert.match(e.message, message);
        return true;
      });
    }
  });

  it('refuses a client over the limit with 429 and frees the slot when a client leaves', async () => {
    await waitFor(() => logs.tail.clients === 0, 'earlier clients gone');
    const open3 = await Promise.all([
      open('{level="error"}'),
      open('{level="error"}'),
      open('{level="error"}'),
    ]);
    await assert.rejects(open('{level="error"}'), (e: Error & { status?: number }) => e.status === 429);
    open3[0]!.ws.close();
    await waitFor(() => logs.tail.clients === 2, 'the slot freed');
    const fourth = await open('{level="error"}');
    for (const c of [...open3, fourth]) c.ws.close();
  });
});

describe('WS /loki/api/v1/tail without logs', () => {
  it('is 404', async () => {
    const app = await buildApp(testDeps(), { checkResponses: true });
    try {
      const base = (await app.listen({ host: '127.0.0.1', port: 0 })).replace('http', 'ws');
      const status = await new Promise<number>((resolve, reject) => {
        const ws = new WebSocket(`${base}/loki/api/v1/tail?query=${encodeURIComponent('{level="error"}')}`);
        ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
        ws.on('open', () => reject(new Error('upgraded')));
        ws.on('error', reject);
      });
      assert.equal(status, 404);
    } finally {
      await app.close();
    }
  });
});

describe('closeReason', () => {
  it('fits a close frame in whole characters', () => {
    assert.equal(closeReason('short'), 'short');
    const long = closeReason('é'.repeat(100));
    assert.equal(Buffer.byteLength(long), 122);
    assert.equal(long, 'é'.repeat(61));
    assert.equal(Buffer.byteLength(closeReason('x'.repeat(500))), 123);
  });
});
