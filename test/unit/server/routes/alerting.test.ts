/**
 * The alerting API through fastify's inject, on the real alerting service (SQLite in a temp directory, no
 * timers): incidents (list, get, acknowledge, undo), silences (create, read, replace, expire; malformed bodies),
 * rules (list; a reload with a bad file answers 400 with line and column and keeps the running rules) and
 * delivery health. Every response is checked against the API contract (`checkResponses`).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { NO_ALERTING_METRICS } from '../../../../src/alerting/metrics.ts';
import { AlertingService } from '../../../../src/alerting/service.ts';
import { openAlertingDb, type AlertingDb } from '../../../../src/alerting/store/open.ts';
import { parseDuration } from '../../../../src/model/duration.ts';
import type { Incident, RulesOverview, Silence } from '../../../../src/contract/alerting.ts';
import { buildApp } from '../../../../src/server/app.ts';
import { alertingConfig, testAnomaly } from '../../../helpers/alerting-service.ts';
import { testDeps } from '../../../helpers/server-fakes.ts';

const dir = mkdtempSync(join(tmpdir(), 'dwcp-alert-api-'));
const rules = join(dir, 'rules.yaml');
let db: AlertingDb;
let service: AlertingService;
let app: FastifyInstance;
let now = Date.UTC(2026, 0, 1);

before(async () => {
  writeFileSync(
    rules,
    `groups:\n  - name: g\n    rules:\n      - alert: Down\n        severity: critical\n        condition: { threshold: { metric: up, op: '==', value: 0 } }\n`,
  );
  db = await openAlertingDb({ type: 'sqlite', path: join(dir, 'a.db') });
  service = new AlertingService({
    config: alertingConfig({
      receivers: [{ name: 'hook', type: 'webhook', url: 'http://127.0.0.1:1/x' }],
      rules: { files: [rules] },
      incidents: { groupWait: '0s' },
    }),
    db,
    clock: () => now,
    log: { warn: () => undefined, info: () => undefined, error: () => undefined },
    metrics: NO_ALERTING_METRICS,
    parseDuration,
    openAnomalies: () => [],
    externalUrl: 'http://127.0.0.1:9500',
    scrapeIntervalMs: 1000,
    maxSeries: 100,
    deliverOnEnqueue: false,
  });
  await service.restore();
  const deps = testDeps();
  app = await buildApp(
    {
      ...deps,
      alerting: {
        listIncidents: (l, s) => service.listIncidents(l, s),
        getIncident: (id) => service.getIncident(id),
        acknowledge: (id, i) => service.acknowledge(id, i),
        unacknowledge: (id) => service.unacknowledge(id),
        listSilences: () => service.listSilences(),
        getSilence: (id) => service.getSilence(id),
        createSilence: (b) => service.createSilence(b),
        updateSilence: (id, b) => service.updateSilence(id, b),
        expireSilence: (id) => service.expireSilence(id),
        rules: () => service.rules.overview(),
        reloadRules: () => service.reloadRules(),
        health: () => service.health(),
      },
    },
    { checkResponses: true },
  );
});
after(async () => {
  await app.close();
  await service.stop();
  await db.close();
  rmSync(dir, { recursive: true, force: true });
});

async function call<T>(
  method: 'GET' | 'POST' | 'PUT' | 'DELETE',
  url: string,
  payload?: unknown,
): Promise<{
  status: number;
  body: { data: T; error?: string; errorType?: string; problems?: { line: number; column: number }[] };
}> {
  const res = await app.inject({
    method,
    url,
    ...(payload === undefined ? {} : { payload: payload as object }),
  });
  return { status: res.statusCode, body: res.json() };
}

test('incidents: list, get, acknowledge with who and when, undo; bad ids and bodies are 400, unknown ids 404', async () => {
  service.onAnomalies([testAnomaly('node-1', 'eu-west', 'critical')], []);
  await service.step();
  const list = await call<Incident[]>('GET', '/api/incidents?status=firing');
  assert.equal(list.status, 200);
  assert.equal(list.body.data.length, 1);
  const id = list.body.data[0]!.id;
  assert.equal((await call<Incident>('GET', `/api/incidents/${id}`)).body.data.signals.length, 1);
  now += 1000;
  const acked = await call<Incident>('POST', `/api/incidents/${id}/acknowledge`, {
    by: 'alice',
    comment: 'on it',
  });
  assert.equal(acked.status, 200);
  assert.deepEqual(acked.body.data.acknowledgement, { by: 'alice', atMs: now, comment: 'on it' });
  const undone = await call<Incident>('POST', `/api/incidents/${id}/unacknowledge`);
  assert.equal(undone.body.data.acknowledgement, null);
  assert.equal((await call('POST', `/api/incidents/${id}/acknowledge`, { comment: 'who?' })).status, 400);
  assert.equal((await call('POST', `/api/incidents/${id}/acknowledge`, { by: 'x', extra: 1 })).status, 400);
  assert.equal((await call('GET', '/api/incidents/no-such-id')).status, 404);
  assert.equal((await call('GET', '/api/incidents/bad%20id')).status, 400);
  assert.equal((await call('GET', '/api/incidents?limit=0')).status, 400);
  assert.equal((await call('GET', '/api/incidents?color=red')).body.errorType, 'DWCP_UNKNOWN_PARAMETER');
});

test('silences: create, read, replace, expire; malformed bodies are 400 and store nothing', async () => {
  const endsAt = new Date(now + 3600_000).toISOString();
  const created = await call<Silence>('POST', '/api/silences', {
    matchers: [{ name: 'node', value: 'node-1' }],
    endsAt,
    createdBy: 'bob',
    comment: 'maintenance',
  });
  assert.equal(created.status, 201);
  assert.equal(created.body.data.state, 'active');
  const id = created.body.data.id;
  const replaced = await call<Silence>('PUT', `/api/silences/${id}`, {
    matchers: [{ name: 'node', value: 'node-[12]', isRegex: true }],
    endsAt,
    createdBy: 'bob',
  });
  assert.equal(replaced.body.data.matchers[0]!.isRegex, true);
  assert.equal((await call<Silence[]>('GET', '/api/silences')).body.data.length, 1);
  const bad = await call('POST', '/api/silences', {
    matchers: [{ name: 'node', value: '(', isRegex: true }],
    endsAt,
    createdBy: 'bob',
  });
  assert.equal(bad.status, 400);
  assert.match(bad.body.error!, /regular expression/);
  assert.equal((await call('POST', '/api/silences', [1, 2])).status, 400);
  assert.equal(
    (
      await call('PUT', '/api/silences/nope', {
        matchers: [{ name: 'node', value: 'x' }],
        endsAt,
        createdBy: 'b',
      })
    ).status,
    404,
  );
  assert.equal(
    (await call<Silence[]>('GET', '/api/silences')).body.data.length,
    1,
    'nothing stored by bad requests',
  );
  now += 1000;
  const expired = await call<Silence>('DELETE', `/api/silences/${id}`);
  assert.equal(expired.body.data.state, 'expired');
  assert.equal((await call<Silence>('GET', `/api/silences/${id}`)).body.data.endsAtMs, now);
});

test('rules: listed; a reload with an invalid file answers 400 with line and column and keeps the running rules', async () => {
  const before = await call<RulesOverview>('GET', '/api/alerting/rules');
  assert.deepEqual(
    before.body.data.rules.map((r) => r.name),
    ['Down'],
  );
  writeFileSync(
    rules,
    `groups:\n  - name: g\n    rules:\n      - alert: Down\n        severity: fatal\n        condition: { threshold: { metric: up, op: '==', value: 0 } }\n`,
  );
  const res = await call('POST', '/api/alerting/rules/reload');
  assert.equal(res.status, 400);
  assert.equal(res.body.errorType, 'DWCP_INVALID_INPUT');
  assert.deepEqual([res.body.problems![0]!.line, res.body.problems![0]!.column], [5, 19]);
  const after = (await call<RulesOverview>('GET', '/api/alerting/rules')).body.data;
  assert.deepEqual(
    after.rules.map((r) => r.name),
    ['Down'],
    'the running rules stay',
  );
  assert.equal(after.lastReload?.ok, false);
  writeFileSync(
    rules,
    `groups:\n  - name: g\n    rules:\n      - alert: Down2\n        condition: { absence: { metric: up, window: 1m } }\n`,
  );
  const ok = await call<RulesOverview>('POST', '/api/alerting/rules/reload');
  assert.equal(ok.status, 200);
  assert.deepEqual(
    ok.body.data.rules.map((r) => r.name),
    ['Down2'],
  );
});

test('delivery health lists the receivers', async () => {
  const h = await call<{ mode: string; receivers: { receiver: string }[] }>('GET', '/api/alerting/health');
  assert.equal(h.body.data.mode, 'builtin');
  assert.deepEqual(
    h.body.data.receivers.map((r) => r.receiver),
    ['hook'],
  );
});

test('without alerting the routes answer 404', async () => {
  const plain = await buildApp(testDeps(), { checkResponses: true });
  assert.equal((await plain.inject({ method: 'GET', url: '/api/incidents' })).statusCode, 404);
  await plain.close();
});
