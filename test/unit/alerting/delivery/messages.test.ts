/**
 * The messages receivers get, as sent over HTTP by the real transport to a local server: Slack and PagerDuty
 * bodies validated against JSON schemas written from their documentation (test/fixtures/schemas, with the
 * source URLs), the webhook body in Alertmanager's payload format, and the Idempotency-Key header.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { renderNotification } from '../../../../src/alerting/delivery/render.ts';
import { classifyHttpStatus, httpTransport } from '../../../../src/alerting/delivery/transport.ts';
import { idempotencyKey, type NotificationIntent } from '../../../../src/alerting/delivery/policy.ts';
import type { Incident } from '../../../../src/contract/alerting.ts';
import { T0, incident, sig } from '../../../helpers/alerting-fixtures.ts';

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;
const ajv = addFormats(
  new Ajv({
    allErrors: true,
    strict: true,
    strictRequired: false,
    strictTypes: false,
    allowUnionTypes: true,
  }),
);
const schema = (name: string) =>
  JSON.parse(readFileSync(new URL(`../../../fixtures/schemas/${name}`, import.meta.url), 'utf8')) as object;
const validateSlack = ajv.compile(schema('slack-incoming-webhook.schema.json'));
const validatePd = ajv.compile(schema('pagerduty-events-v2.schema.json'));

interface Got {
  readonly body: unknown;
  readonly headers: IncomingHttpHeaders;
}
const got: Got[] = [];
let server: Server;
let url = '';
let status = 200;
before(async () => {
  server = createServer((req, res) => {
    let text = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (text += c));
    req.on('end', () => {
      got.push({ body: JSON.parse(text) as unknown, headers: req.headers });
      res.writeHead(status).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
});
after(() => new Promise<void>((r) => server.close(() => r())));

const EXTERNAL = 'http://127.0.0.1:9500';
const ROUTING_KEY = 'R0123456789abcdef0123456789abcde';

function intent(i: Incident, kind: NotificationIntent['kind'], receiver: string): NotificationIntent {
  return {
    receiver,
    incidentId: i.id,
    kind,
    severity: i.severity,
    sequence: 1,
    idempotencyKey: idempotencyKey(i.id, receiver, kind, i.severity, 1),
  };
}

/** An incident with many long signals (to hit Slack's and PagerDuty's length limits). */
function big(): Incident {
  const signals = Array.from({ length: 30 }, (_, n) => ({
    ...sig(`s${n}`, 'node-1', 'amst', n),
    summary: `${'x'.repeat(300)} <&> ${n}`,
  }));
  return incident('big', 'critical', {
    signals,
    title: 'y'.repeat(2000),
    acknowledgement: { by: 'ops <oncall>', atMs: T0, comment: 'on it' },
  });
}

for (const kind of ['firing', 'resolved', 'acknowledged'] as const) {
  test(`Slack ${kind} messages match the Block Kit schema (also at the length limits)`, async () => {
    for (const i of [incident('a', 'warning'), big()]) {
      got.length = 0;
      const res = await httpTransport(url, 5000).send(
        renderNotification(i, intent(i, kind, 'chat'), 'slack', EXTERNAL),
        'k1',
      );
      assert.deepEqual(res, { ok: true });
      assert.ok(validateSlack(got[0]!.body), JSON.stringify(validateSlack.errors));
    }
  });

  test(`PagerDuty ${kind} events match the Events API v2 schema, with routing key and dedup key`, async () => {
    for (const i of [incident('a', 'warning'), big()]) {
      got.length = 0;
      const res = await httpTransport(url, 5000, {}, () => ROUTING_KEY).send(
        renderNotification(i, intent(i, kind, 'pd'), 'pagerduty', EXTERNAL),
        'k2',
      );
      assert.deepEqual(res, { ok: true });
      const body = got[0]!.body as { routing_key: string; dedup_key: string; event_action: string };
      assert.ok(validatePd(body), JSON.stringify(validatePd.errors));
      assert.equal(body.routing_key, ROUTING_KEY);
      assert.equal(body.dedup_key, `dwcp-incident-${i.id}`);
      assert.equal(
        body.event_action,
        kind === 'firing' ? 'trigger' : kind === 'resolved' ? 'resolve' : 'acknowledge',
      );
    }
  });
}

test('the schemas reject what the documentation forbids (they can fail)', () => {
  assert.equal(
    validateSlack({ blocks: [{ type: 'header', text: { type: 'plain_text', text: 'x'.repeat(151) } }] }),
    false,
  );
  assert.equal(
    validateSlack({
      blocks: [
        { type: 'section', fields: Array.from({ length: 11 }, () => ({ type: 'mrkdwn', text: 'a' })) },
      ],
    }),
    false,
  );
  assert.equal(
    validatePd({ routing_key: ROUTING_KEY, event_action: 'trigger' }),
    false,
    'trigger without payload',
  );
  assert.equal(
    validatePd({ routing_key: ROUTING_KEY, event_action: 'resolve' }),
    false,
    'resolve without dedup_key',
  );
  assert.equal(
    validatePd({
      routing_key: ROUTING_KEY,
      event_action: 'trigger',
      payload: { summary: 's', source: 'x', severity: 'high' },
    }),
    false,
  );
});

test('the webhook body is an Alertmanager payload with one alert per incident and an Idempotency-Key header', async () => {
  got.length = 0;
  const i = incident('w1', 'critical');
  const key = idempotencyKey(i.id, 'hook', 'firing', 'critical', 1);
  await httpTransport(url, 5000, { authorization: 'Bearer t' }).send(
    renderNotification(i, intent(i, 'firing', 'hook'), 'webhook', EXTERNAL),
    key,
  );
  const body = got[0]!.body as {
    version: string;
    status: string;
    alerts: { labels: Record<string, string>; endsAt: string; generatorURL: string }[];
  };
  assert.equal(body.version, '4');
  assert.equal(body.status, 'firing');
  assert.equal(body.alerts.length, 1);
  assert.equal(body.alerts[0]!.labels.incident, 'w1');
  assert.equal(body.alerts[0]!.endsAt, '0001-01-01T00:00:00Z');
  assert.equal(body.alerts[0]!.generatorURL, `${EXTERNAL}/?incident=w1`);
  assert.equal(got[0]!.headers['idempotency-key'], key);
  assert.equal(got[0]!.headers.authorization, 'Bearer t');
});

test('HTTP outcomes: 2xx delivered, 4xx permanent (but 408/429 retried), 5xx and connection errors retried', async () => {
  assert.deepEqual(classifyHttpStatus(204), { ok: true });
  assert.equal((classifyHttpStatus(400) as { permanent: boolean }).permanent, true);
  assert.equal((classifyHttpStatus(429) as { permanent: boolean }).permanent, false);
  assert.equal((classifyHttpStatus(408) as { permanent: boolean }).permanent, false);
  assert.equal((classifyHttpStatus(503) as { permanent: boolean }).permanent, false);
  status = 422;
  const r = await httpTransport(url, 5000).send({ type: 'webhook', body: {} }, 'k');
  status = 200;
  assert.deepEqual(r, { ok: false, permanent: true, reason: 'http_4xx', error: 'HTTP 422' });
  const refused = await httpTransport('http://127.0.0.1:1/x', 2000).send({ type: 'webhook', body: {} }, 'k');
  assert.equal(refused.ok, false);
  assert.equal(!refused.ok && refused.permanent, false);
  assert.equal(!refused.ok && refused.reason, 'connection');
});
