/**
 * E-mail delivery over SMTP to a real SMTP server on 127.0.0.1 (the smtp-server library, with the STARTTLS
 * extension off): a critical incident arrives as one message with its subject, body and a Message-ID derived
 * from the idempotency key; a recipient the server rejects with 550 is a permanent failure (dropped, counted);
 * 451 is temporary and retried until accepted.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { SMTPServer } from 'smtp-server';
import { startTestAlerting, testAnomaly, type TestAlerting } from '../../helpers/alerting-service.ts';
import { pollUntil } from '../../helpers/server-process.ts';

interface Mail {
  readonly to: string[];
  readonly raw: string;
}
const mails: Mail[] = [];
let tempFailures = 2;
const dir = mkdtempSync(join(tmpdir(), 'dwcp-smtp-'));
let server: SMTPServer;
let port = 0;
const services: TestAlerting[] = [];

before(async () => {
  server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onRcptTo(address, _session, cb) {
      if (address.address.startsWith('nobody@'))
        return cb(Object.assign(new Error('mailbox unavailable'), { responseCode: 550 }));
      if (address.address.startsWith('busy@') && tempFailures-- > 0)
        return cb(Object.assign(new Error('try again later'), { responseCode: 451 }));
      cb();
    },
    onData(stream, session, cb) {
      let raw = '';
      stream.setEncoding('utf8');
      stream.on('data', (c: string) => (raw += c));
      stream.on('end', () => {
        mails.push({ to: session.envelope.rcptTo.map((r) => r.address), raw });
        cb();
      });
    },
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.server.address() as AddressInfo).port;
});

after(async () => {
  for (const s of services) await s.stop();
  await new Promise<void>((r) => server.close(() => r()));
  rmSync(dir, { recursive: true, force: true });
});

function emailReceiver(name: string, to: string) {
  return {
    name,
    type: 'email',
    from: 'monitor@dwcp.test',
    to: [to],
    timeout: '5s',
    smtp: { host: '127.0.0.1', port, secure: false },
  };
}

test('an incident is mailed once, with its Message-ID from the idempotency key', async () => {
  const a = await startTestAlerting(
    dir,
    { receivers: [emailReceiver('mail', 'oncall@dwcp.test')], incidents: { groupWait: '0s' } },
    'mail.db',
  );
  services.push(a);
  a.service.onAnomalies([testAnomaly('node-2', 'eu-west', 'critical')], []);
  const mail = await pollUntil(
    'the e-mail',
    async () => mails.find((m) => m.to.includes('oncall@dwcp.test')),
    20_000,
    100,
  );
  assert.match(mail.raw, /^Subject: \[FIRING:critical\] dwcp_amst_latency_seconds \(amst\) on node-2/m);
  const key = /^X-DWCP-Idempotency-Key: ([0-9a-f]{32})/im.exec(mail.raw)?.[1];
  assert.ok(key, mail.raw.slice(0, 500));
  assert.match(mail.raw, new RegExp(`^Message-ID: <${key}@dwcp-monitor>`, 'mi'));
  assert.match(mail.raw, /Root-cause candidates:/);
  // the server holds the message before its 250 reaches the monitor: the outbox empties once the reply is read
  await pollUntil(
    'the outbox emptied',
    async () => ((await a.service.pendingNotifications()) === 0 ? true : undefined),
    10_000,
    50,
  );
  assert.equal(a.service.health().receivers[0]!.delivered, 1);
  assert.equal(mails.filter((m) => m.to.includes('oncall@dwcp.test')).length, 1, 'mailed once');
});

test('550 is permanent (dropped and counted), 451 is retried until the server accepts', async () => {
  const b = await startTestAlerting(
    dir,
    {
      receivers: [emailReceiver('nobody', 'nobody@dwcp.test'), emailReceiver('busy', 'busy@dwcp.test')],
      incidents: { groupWait: '0s' },
      outbox: { initialBackoff: '100ms', maxBackoff: '200ms' },
    },
    'mail2.db',
  );
  services.push(b);
  b.service.onAnomalies([testAnomaly('node-3', 'ap-south', 'critical')], []);
  await pollUntil(
    'the retried e-mail',
    async () => mails.find((m) => m.to.includes('busy@dwcp.test')),
    20_000,
    100,
  );
  // The mail reaches the server before its 250 reaches the monitor: wait for the delivery to be counted too.
  const health = await pollUntil(
    'the drop and the delivery',
    async () => {
      const h = b.service.health();
      const of = (name: string) => h.receivers.find((r) => r.receiver === name);
      return of('nobody')?.dropped === 1 && of('busy')?.delivered === 1 ? h : undefined;
    },
    20_000,
    100,
  );
  const nobody = health.receivers.find((r) => r.receiver === 'nobody')!;
  const busy = health.receivers.find((r) => r.receiver === 'busy')!;
  assert.match(nobody.lastError!, /smtp_5xx/);
  assert.equal(nobody.pending, 0);
  assert.equal(busy.failedAttempts, 2);
  assert.equal(busy.delivered, 1);
  assert.ok(
    b.warnings.some((w) => /dropped \(rejected\)/.test(w)),
    b.warnings.join(' | '),
  );
  assert.equal(mails.filter((m) => m.to.includes('nobody@dwcp.test')).length, 0);
});
