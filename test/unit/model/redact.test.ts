import assert from 'node:assert/strict';
import { test } from 'node:test';
import { pino } from 'pino';
import { Writable } from 'node:stream';
import {
  REDACTED,
  logRedaction,
  redactUrlCredentials,
  urlHasCredentials,
} from '../../../src/model/redact.ts';

test('redactUrlCredentials replaces user-info in URLs and in messages that embed them', () => {
  assert.equal(redactUrlCredentials('http://u:p@h:9/x?y#z'), `http://${REDACTED}@h:9/x?y#z`);
  assert.equal(redactUrlCredentials('https://token@h/x'), `https://${REDACTED}@h/x`);
  assert.equal(
    redactUrlCredentials(
      'Request cannot be constructed from a URL that includes credentials: http://a:b@c/metrics',
    ),
    `Request cannot be constructed from a URL that includes credentials: http://${REDACTED}@c/metrics`,
  );
  assert.equal(redactUrlCredentials('http://h/path/user@example'), 'http://h/path/user@example');
  assert.equal(redactUrlCredentials('mail ops@example.com'), 'mail ops@example.com');
});

test('urlHasCredentials', () => {
  assert.equal(urlHasCredentials('http://u:p@h/'), true);
  assert.equal(urlHasCredentials('http://u@h/'), true);
  assert.equal(urlHasCredentials('http://h/'), false);
  assert.equal(urlHasCredentials('not a url'), false);
});

test('log lines carry no credential fields', () => {
  const lines: string[] = [];
  const sink = new Writable({ write: (c: Buffer, _e, cb) => (lines.push(String(c)), cb()) });
  const log = pino({ redact: logRedaction() }, sink);
  log.warn(
    {
      password: 'pw1',
      receiver: { bearerToken: 'tok1', name: 'ops' },
      req: { headers: { authorization: 'Basic abc' } },
    },
    'x',
  );
  const line = lines.join('');
  for (const secret of ['pw1', 'tok1', 'Basic abc']) assert.ok(!line.includes(secret), line);
  assert.match(line, /"name":"ops"/);
  assert.equal(JSON.parse(line).receiver.bearerToken, REDACTED);
});
