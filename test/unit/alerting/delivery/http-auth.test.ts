import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { authorizationHeader } from '../../../../src/alerting/delivery/http-auth.ts';
import { transportFor } from '../../../../src/alerting/delivery/transport.ts';

const dir = mkdtempSync(join(tmpdir(), 'dwcp-auth-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('authorizationHeader: basic (inline or file), bearer (inline or file), none', async () => {
  writeFileSync(join(dir, 'pw'), 'file-pw\n');
  writeFileSync(join(dir, 'tok'), 'file-token\n');
  const b64 = (s: string) => Buffer.from(s).toString('base64');
  assert.equal(
    await authorizationHeader({ basicAuth: { username: 'bot', password: 'pw' } }),
    `Basic ${b64('bot:pw')}`,
  );
  assert.equal(
    await authorizationHeader({ basicAuth: { username: 'bot', passwordFile: join(dir, 'pw') } }),
    `Basic ${b64('bot:file-pw')}`,
  );
  assert.equal(await authorizationHeader({ bearerToken: 't1' }), 'Bearer t1');
  assert.equal(await authorizationHeader({ bearerTokenFile: join(dir, 'tok') }), 'Bearer file-token');
  assert.equal(await authorizationHeader({}), undefined);
  await assert.rejects(
    authorizationHeader({ bearerTokenFile: join(dir, 'missing') }),
    /cannot read bearerTokenFile .*missing: ENOENT/,
  );
});

test('a webhook receiver sends its credentials; an unreadable secret file is a misconfiguration, not a crash', async () => {
  const seen: IncomingHttpHeaders[] = [];
  const server = createServer((req, res) => {
    seen.push(req.headers);
    req.resume();
    req.on('end', () => res.end());
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  after(() => server.close());
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  const t = transportFor({
    type: 'webhook',
    name: 'ops',
    url,
    timeout: 2000,
    headers: {},
    bearerToken: 'tok-123',
  });
  assert.deepEqual(await t.send({ type: 'webhook', body: { a: 1 } }, 'k1'), { ok: true });
  assert.equal(seen[0]?.authorization, 'Bearer tok-123');
  const bad = transportFor({
    type: 'webhook',
    name: 'ops',
    url,
    timeout: 2000,
    headers: {},
    bearerTokenFile: join(dir, 'nope'),
  });
  const r = await bad.send({ type: 'webhook', body: {} }, 'k2');
  assert.ok(!r.ok && r.reason === 'misconfigured', JSON.stringify(r));
  assert.equal(seen.length, 1);
});
