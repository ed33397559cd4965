import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SignJWT } from 'jose';
import { signSession, verifySession } from '../../../src/auth/session-token.ts';
import { UnauthorizedError } from '../../../src/errors.ts';

const KEY = new TextEncoder().encode('k'.repeat(48));
const OTHER = new TextEncoder().encode('o'.repeat(48));
const NOW = Date.UTC(2026, 0, 1, 12);
const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');

async function rejects(token: string, message: RegExp, now = NOW): Promise<void> {
  await assert.rejects(
    verifySession(KEY, token, now),
    (e: unknown) => e instanceof UnauthorizedError && message.test(e.message) && !e.message.includes(token),
  );
}

describe('session tokens', () => {
  it('round-trip user, tenant and expiry', async () => {
    const { token, expiresAtMs } = await signSession(KEY, { username: 'alice', tenant: 'a' }, NOW, 3_600_000);
    assert.equal(expiresAtMs, NOW + 3_600_000);
    assert.deepEqual(await verifySession(KEY, token, NOW + 1000), {
      username: 'alice',
      tenant: 'a',
      expiresAtMs,
    });
  });

  it('refuse expired, forged (other key, alg none, HS512), malformed tokens and other issuers or audiences', async () => {
    const { token } = await signSession(KEY, { username: 'alice', tenant: 'a' }, NOW, 60_000);
    await rejects(token, /expired/, NOW + 61_000);
    await rejects(
      (await signSession(OTHER, { username: 'alice', tenant: 'a' }, NOW, 60_000)).token,
      /signature/,
    );
    const claims = {
      sub: 'alice',
      tnt: 'a',
      iss: 'dwcp-monitor',
      aud: 'dwcp-monitor-api',
      iat: NOW / 1000,
      exp: NOW / 1000 + 60,
    };
    await rejects(`${b64({ alg: 'none', typ: 'JWT' })}.${b64(claims)}.`, /signature|malformed/);
    const hs512 = await new SignJWT({ tnt: 'a' })
      .setProtectedHeader({ alg: 'HS512' })
      .setSubject('alice')
      .setIssuer('dwcp-monitor')
      .setAudience('dwcp-monitor-api')
      .setIssuedAt(NOW / 1000)
      .setExpirationTime(NOW / 1000 + 60)
      .sign(KEY);
    await rejects(hs512, /signature/);
    await rejects('not.a.jwt', /malformed/);
    await rejects('garbage', /malformed/);
    const otherAud = await new SignJWT({ tnt: 'a' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('alice')
      .setIssuer('dwcp-monitor')
      .setAudience('someone-else')
      .setIssuedAt(NOW / 1000)
      .setExpirationTime(NOW / 1000 + 60)
      .sign(KEY);
    await rejects(otherAud, /claim aud/);
    const noTenant = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('alice')
      .setIssuer('dwcp-monitor')
      .setAudience('dwcp-monitor-api')
      .setIssuedAt(NOW / 1000)
      .setExpirationTime(NOW / 1000 + 60)
      .sign(KEY);
    await rejects(noTenant, /tenant/);
  });
});
