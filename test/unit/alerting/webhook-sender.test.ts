import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { after, test } from 'node:test';
import { Registry } from 'prom-client';
import { WebhookSender, backoffDelayMs } from '../../../src/alerting/webhook-sender.ts';
import { InvalidInputError } from '../../../src/errors.ts';
import { freePort } from '../../helpers/server-process.ts';

const servers: Server[] = [];
const senders: WebhookSender[] = [];
after(async () => {
  await Promise.all(senders.map((s) => s.stop()));
  for (const s of servers) {
    s.closeAllConnections();
    s.close();
  }
});

/** A real receiver: `respond` picks the status for each request (in arrival order). */
async function receiver(port: number, respond: (n: number, body: string) => number) {
  const attempts: string[] = [];
  const accepted: string[] = [];
  const srv = createServer((req: IncomingMessage, res: ServerResponse) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (body += c));
    req.on('end', () => {
      const status = respond(attempts.length, body);
      attempts.push(body);
      if (status >= 200 && status < 300) accepted.push(body);
      res.statusCode = status;
      res.end();
    });
  });
  servers.push(srv);
  await new Promise<void>((r) => srv.listen(port, '127.0.0.1', r));
  return { srv, attempts, accepted };
}

async function value(registry: Registry, name: string, labels: Record<string, string> = {}): Promise<number> {
  const m = registry.getSingleMetric(name);
  if (!m) return 0;
  const data = await m.get();
  return data.values
    .filter((v) => Object.entries(labels).every(([k, x]) => v.labels[k] === x))
    .reduce((s, v) => s + v.value, 0);
}

async function waitFor(cond: () => boolean | Promise<boolean>, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

const seq = (body: string): number => (JSON.parse(body) as { seq: number }).seq;

test('backoff: full jitter under an exponential cap', () => {
  assert.equal(backoffDelayMs(0, 500, 30_000, () => 0.5), 250);
  assert.equal(backoffDelayMs(3, 500, 30_000, () => 0.5), 2000);
  assert.equal(backoffDelayMs(20, 500, 30_000, () => 0.5), 15_000);
  assert.equal(backoffDelayMs(5000, 500, 30_000, () => 0.999), 0.999 * 30_000);
  assert.equal(backoffDelayMs(4, 500, 30_000, () => 0), 0);
});

test('bad options are rejected', () => {
  const registry = new Registry();
  assert.throws(() => new WebhookSender({ url: 'not a url', receiver: 'r', registry }), InvalidInputError);
  assert.throws(() => new WebhookSender({ url: 'ftp://127.0.0.1/x', receiver: 'r', registry }), /http or https/);
  assert.throws(() => new WebhookSender({ url: 'http://127.0.0.1/', receiver: '', registry }), InvalidInputError);
  assert.throws(() => new WebhookSender({ url: 'http://127.0.0.1/', receiver: 'r', registry, maxQueue: 0 }), /maxQueue/);
  assert.throws(() => new WebhookSender({ url: 'http://127.0.0.1/', receiver: 'r', registry, maxAgeMs: -1 }), /maxAgeMs/);
});

test('receiver down, then 500, then healthy: every notification arrives once, in order', async () => {
  const port = await freePort();
  const registry = new Registry();
  const sender = new WebhookSender({
    url: `http://127.0.0.1:${port}/hook`,
    receiver: 'ops',
    registry,
    initialBackoffMs: 5,
    maxBackoffMs: 40,
    requestTimeoutMs: 2000,
  });
  senders.push(sender);
  for (let i = 0; i < 5; i++) sender.enqueue({ seq: i });
  assert.equal(sender.queueLength, 5);
  // Port closed: connection refused, retried.
  await waitFor(async () => (await value(registry, 'dwcp_monitor_alerts_failed_total')) >= 3, 'refused attempts');
  assert.equal(await value(registry, 'dwcp_monitor_alerts_sent_total'), 0);
  // Receiver comes up but fails the first 3 requests with 500.
  const r = await receiver(port, (n) => (n < 3 ? 500 : 200));
  await waitFor(() => r.accepted.length === 5, 'all notifications accepted');
  assert.deepEqual(r.accepted.map(seq), [0, 1, 2, 3, 4]);
  // Every attempt is for the head of the queue: sequence numbers never go back.
  const attempted = r.attempts.map(seq);
  assert.deepEqual([...attempted].sort((a, b) => a - b), attempted);
  assert.deepEqual(attempted.slice(0, 4), [0, 0, 0, 0]);
  await waitFor(async () => (await value(registry, 'dwcp_monitor_alerts_sent_total', { receiver: 'ops' })) === 5, 'sent counter');
  assert.equal(await value(registry, 'dwcp_monitor_alerts_sent_total', { receiver: 'ops' }), 5);
  assert.ok((await value(registry, 'dwcp_monitor_alerts_failed_total', { receiver: 'ops' })) >= 6);
  assert.equal(await value(registry, 'dwcp_monitor_alerts_dropped_total'), 0);
  await waitFor(async () => (await value(registry, 'dwcp_monitor_alert_queue_length')) === 0, 'empty queue gauge');
  assert.equal(sender.queueLength, 0);
  // Stays quiet once delivered: no duplicate deliveries.
  await new Promise((res) => setTimeout(res, 50));
  assert.equal(r.accepted.length, 5);
});

test('4xx (other than 408/429) is not retried; 429 is', async () => {
  const port = await freePort();
  const registry = new Registry();
  const statuses = [400, 429, 200, 200];
  const r = await receiver(port, (n) => statuses[n] ?? 200);
  const sender = new WebhookSender({ url: `http://127.0.0.1:${port}/`, receiver: 'r', registry, initialBackoffMs: 2, maxBackoffMs: 10 });
  senders.push(sender);
  sender.enqueue({ seq: 0 });
  sender.enqueue({ seq: 1 });
  await waitFor(() => r.accepted.length === 1, 'second notification');
  assert.deepEqual(r.attempts.map(seq), [0, 1, 1]);
  assert.deepEqual(r.accepted.map(seq), [1]);
  assert.equal(await value(registry, 'dwcp_monitor_alerts_dropped_total', { reason: 'rejected' }), 1);
  assert.equal(await value(registry, 'dwcp_monitor_alerts_failed_total'), 2);
  // The receiver counts the request before the sender has read the response: wait for the sender's side.
  await waitFor(async () => (await value(registry, 'dwcp_monitor_alerts_sent_total')) === 1, 'sent counter');
  assert.equal(await value(registry, 'dwcp_monitor_alerts_sent_total'), 1);
});

test('queue bound holds: overflow drops the oldest', async () => {
  const port = await freePort();
  const registry = new Registry();
  const sender = new WebhookSender({ url: `http://127.0.0.1:${port}/`, receiver: 'r', registry, maxQueue: 3, initialBackoffMs: 2, maxBackoffMs: 10 });
  senders.push(sender);
  for (let i = 0; i < 10; i++) {
    sender.enqueue({ seq: i });
    assert.ok(sender.queueLength <= 3);
  }
  assert.equal(await value(registry, 'dwcp_monitor_alert_queue_length'), 3);
  assert.equal(await value(registry, 'dwcp_monitor_alerts_dropped_total', { reason: 'queue_full' }), 7);
  // More while the head is in delivery (connection refused → retrying).
  await waitFor(async () => (await value(registry, 'dwcp_monitor_alerts_failed_total')) >= 1, 'first failure');
  sender.enqueue({ seq: 10 });
  assert.ok(sender.queueLength <= 3);
  const r = await receiver(port, () => 200);
  await waitFor(() => r.accepted.length === 3, 'three deliveries');
  await new Promise((res) => setTimeout(res, 30));
  // 7 is in delivery when 10 arrives, so the oldest *waiting* one (8) is dropped.
  assert.deepEqual(r.accepted.map(seq), [7, 9, 10]);
  assert.equal(await value(registry, 'dwcp_monitor_alerts_dropped_total', { reason: 'queue_full' }), 8);
});

test('maxQueue 1: a new notification replaces the one in delivery', async () => {
  const port = await freePort();
  const registry = new Registry();
  const sender = new WebhookSender({ url: `http://127.0.0.1:${port}/`, receiver: 'r', registry, maxQueue: 1, initialBackoffMs: 2, maxBackoffMs: 10 });
  senders.push(sender);
  sender.enqueue({ seq: 0 });
  await waitFor(async () => (await value(registry, 'dwcp_monitor_alerts_failed_total')) >= 1, 'first failure');
  sender.enqueue({ seq: 1 });
  assert.equal(sender.queueLength, 1);
  const r = await receiver(port, () => 200);
  await waitFor(() => r.accepted.length === 1, 'delivery');
  await new Promise((res) => setTimeout(res, 30));
  assert.deepEqual(r.accepted.map(seq), [1]);
  assert.equal(await value(registry, 'dwcp_monitor_alerts_dropped_total', { reason: 'queue_full' }), 1);
});

test('expiry with an injected clock: a notification older than maxAgeMs is dropped', async () => {
  const port = await freePort(); // stays closed: every attempt is refused
  const registry = new Registry();
  let clock = 1_000_000;
  const sleeps: number[] = [];
  const sender = new WebhookSender({
    url: `http://127.0.0.1:${port}/`,
    receiver: 'r',
    registry,
    maxAgeMs: 60_000,
    initialBackoffMs: 1000,
    maxBackoffMs: 10_000,
    now: () => clock,
    random: () => 0.999,
    sleep: async (ms) => {
      sleeps.push(ms);
      clock += ms;
    },
  });
  senders.push(sender);
  sender.enqueue({ seq: 0 });
  await waitFor(async () => (await value(registry, 'dwcp_monitor_alerts_dropped_total', { reason: 'expired' })) === 1, 'expiry');
  assert.equal(sender.queueLength, 0);
  // Backoff doubles from ~1 s and is capped at ~10 s; total waited just over the max age.
  assert.ok(Math.abs(sleeps[0]! - 999) < 1e-6);
  assert.ok(Math.abs(sleeps[1]! - 1998) < 1e-6);
  assert.ok(sleeps.every((s) => s < 10_000));
  const waited = sleeps.reduce((a, b) => a + b, 0);
  assert.ok(waited > 60_000 && waited < 70_000, `waited ${waited}`);
  assert.equal(await value(registry, 'dwcp_monitor_alerts_failed_total'), sleeps.length + 0);
  assert.equal(await value(registry, 'dwcp_monitor_alerts_sent_total'), 0);
});

test('a second sender on the same registry reuses the metrics; stop() discards the queue', async () => {
  const registry = new Registry();
  const port = await freePort();
  const a = new WebhookSender({ url: `http://127.0.0.1:${port}/`, receiver: 'a', registry, initialBackoffMs: 1000 });
  const b = new WebhookSender({ url: `http://127.0.0.1:${port}/`, receiver: 'b', registry, initialBackoffMs: 1000 });
  a.enqueue({ seq: 1 });
  b.enqueue({ seq: 2 });
  await Promise.all([a.stop(), b.stop()]);
  assert.equal(a.queueLength, 0);
  a.enqueue({ seq: 3 }); // after stop: dropped and counted
  assert.equal(await value(registry, 'dwcp_monitor_alerts_dropped_total', { receiver: 'a' }), 1);
  assert.equal(await value(registry, 'dwcp_monitor_alerts_sent_total'), 0);
});
