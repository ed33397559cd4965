import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import type { SendResult, Transport } from '../../../../src/alerting/delivery/transport.ts';
import { NO_ALERTING_METRICS, type AlertingMetrics } from '../../../../src/alerting/metrics.ts';
import { OutboxDeliverer } from '../../../../src/alerting/outbox/deliverer.ts';
import { OutboxStore, type OutboxEntry } from '../../../../src/alerting/outbox/outbox-store.ts';
import { openAlertingDb, type AlertingDb } from '../../../../src/alerting/store/open.ts';
import { runOutage } from '../../../../src/eval/alerting/outage.ts';

const dir = mkdtempSync(join(tmpdir(), 'dwcp-outbox-'));
const dbs: AlertingDb[] = [];
after(async () => {
  for (const d of dbs) await d.close();
  rmSync(dir, { recursive: true, force: true });
});
let n = 0;
async function store(maxRows = 100): Promise<OutboxStore> {
  const db = await openAlertingDb({ type: 'sqlite', path: join(dir, `o${++n}.db`) });
  dbs.push(db);
  return new OutboxStore(db.db, maxRows);
}
const entry = (key: string, receiver = 'r', at = 0): OutboxEntry => ({
  idempotencyKey: key,
  receiver,
  incidentId: 'i',
  kind: 'firing',
  message: { type: 'webhook', body: { key } },
  createdAtMs: at,
});

test('the outbox stores each idempotency key once and stays within maxRows (oldest evicted, reported)', async () => {
  const s = await store(3);
  assert.deepEqual((await s.enqueue([entry('a'), entry('b')])).inserted, 2);
  const again = await s.enqueue([entry('a'), entry('c')]);
  assert.equal(again.inserted, 1);
  assert.equal(again.duplicates, 1);
  const over = await s.enqueue([entry('d', 'x'), entry('e', 'x')]);
  assert.deepEqual([...over.evicted], [['r', 2]]);
  assert.deepEqual(
    (await s.list(10)).map((r) => r.idempotencyKey),
    ['c', 'd', 'e'],
  );
  assert.deepEqual(
    (await s.heads()).map((r) => r.idempotencyKey),
    ['c', 'd'],
    'oldest row per receiver',
  );
});

interface Recorded {
  metrics: AlertingMetrics;
  calls: string[];
}
function recording(): Recorded {
  const calls: string[] = [];
  const metrics: AlertingMetrics = {
    ...NO_ALERTING_METRICS,
    delivered: (r) => calls.push(`delivered:${r}`),
    failed: (r, why) => calls.push(`failed:${r}:${why}`),
    dropped: (r, why) => calls.push(`dropped:${r}:${why}`),
  };
  return { metrics, calls };
}

test('delivery: in order per receiver; 5xx retried with backoff; 4xx dropped, counted and logged; expired and unknown receivers dropped', async () => {
  const s = await store();
  let now = 1000;
  const answers: SendResult[] = [
    { ok: false, permanent: false, reason: 'http_5xx', error: 'HTTP 503' },
    { ok: true },
    { ok: false, permanent: true, reason: 'http_4xx', error: 'HTTP 400' },
    { ok: true },
  ];
  const sent: string[] = [];
  const t: Transport = {
    send: (m) => (
      sent.push((m as { body: { key: string } }).body.key),
      Promise.resolve(answers.shift() ?? { ok: true })
    ),
  };
  const warnings: string[] = [];
  const rec = recording();
  const d = new OutboxDeliverer({
    store: s,
    transport: (r) => (r === 'r' ? t : undefined),
    receiverType: () => 'webhook',
    clock: () => now,
    maxAgeMs: 60_000,
    initialBackoffMs: 1000,
    maxBackoffMs: 10_000,
    metrics: rec.metrics,
    log: { warn: (_f, msg) => warnings.push(msg), info: () => undefined },
    random: () => 1,
    warnIntervalMs: 60_000,
  });
  await s.enqueue([
    entry('a', 'r', now),
    entry('b', 'r', now),
    entry('c', 'r', now),
    entry('z', 'gone', now),
    entry('old', 'r2', -100_000),
  ]);
  let res = await d.runOnce();
  assert.deepEqual(sent, ['a'], 'a failed: b waits behind it');
  assert.equal(res.failed, 1);
  assert.equal(res.dropped, 2, 'unknown receiver and expired');
  res = await d.runOnce();
  assert.equal(res.delivered, 0, 'backoff not over');
  now += 1000;
  res = await d.runOnce();
  assert.deepEqual(sent, ['a', 'a', 'b', 'c']);
  assert.deepEqual(res, { delivered: 2, failed: 1, dropped: 1 });
  assert.deepEqual((await s.list(10)).length, 0);
  assert.ok(
    rec.calls.includes('dropped:r:rejected') &&
      rec.calls.includes('dropped:gone:unknown_receiver') &&
      rec.calls.includes('dropped:r2:expired'),
  );
  assert.ok(rec.calls.includes('failed:r:http_5xx'));
  assert.ok(warnings.length >= 1 && warnings.length <= 3, `rate-limited warnings: ${warnings.join(' | ')}`);
  const h = d.health().find((x) => x.receiver === 'r')!;
  assert.equal(h.delivered, 2);
  assert.equal(h.dropped, 1);
  assert.equal(h.healthy, true);
});

test('health: repeated failures make a receiver unhealthy; one warning line per interval', async () => {
  const s = await store();
  let now = 0;
  const warnings: string[] = [];
  const d = new OutboxDeliverer({
    store: s,
    transport: () => ({
      send: () => Promise.resolve({ ok: false, permanent: false, reason: 'timeout', error: 'no answer' }),
    }),
    receiverType: () => 'slack',
    clock: () => now,
    maxAgeMs: 3600_000,
    initialBackoffMs: 1,
    maxBackoffMs: 1,
    metrics: NO_ALERTING_METRICS,
    log: { warn: (_f, msg) => warnings.push(msg), info: () => undefined },
    random: () => 1,
  });
  await s.enqueue([entry('a', 'chat', 0)]);
  for (let i = 0; i < 10; i++) {
    now += 1000;
    await d.runOnce();
  }
  const h = d.health()[0]!;
  assert.equal(h.healthy, false);
  assert.equal(h.consecutiveFailures, 10);
  assert.equal(h.pending, 1);
  assert.match(h.lastError!, /timeout/);
  assert.equal(warnings.length, 1, 'ten failures within a minute, one line');
});

test('a 10-minute receiver outage with a restart in the middle: nothing lost, no storm, duplicates counted', async () => {
  const r = await runOutage({
    dbPath: join(dir, 'outage.db'),
    durationMs: 20 * 60_000,
    outageStartMs: 2 * 60_000,
    outageMs: 10 * 60_000,
    restartAtMs: 7 * 60_000,
    faultEveryMs: 60_000,
    faultLengthMs: 30_000,
  });
  assert.ok(r.enqueued >= 30, `enqueued ${r.enqueued}`);
  assert.equal(r.lost, 0);
  assert.equal(r.delivered, r.enqueued);
  assert.equal(r.storm, 0);
  assert.equal(r.duplicates, 0);
  assert.ok(r.failedAttempts > 0, 'the outage was felt');
  assert.equal(r.firing, r.incidents, 'one firing notification per incident');
  assert.equal(r.resolved, r.incidents);
  assert.ok(r.maxWaitMs >= 9 * 60_000, 'notifications from the start of the outage waited it out');
});
