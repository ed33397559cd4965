import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import {
  hashPassword,
  loadOrCreateSigningKey,
  newApiToken,
  tokenHash,
  verifyPassword,
} from '../../../src/auth/secrets.ts';
import { ConfigError } from '../../../src/errors.ts';

const dir = mkdtempSync(join(tmpdir(), 'dwcp-secrets-'));
after(() => rmSync(dir, { recursive: true, force: true }));

describe('secrets', () => {
  it('argon2id hashes verify the right password only; a malformed hash is false', async () => {
    const h = await hashPassword('correct horse battery');
    assert.match(h, /^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    assert.equal(await verifyPassword(h, 'correct horse battery'), true);
    assert.equal(await verifyPassword(h, 'wrong horse battery'), false);
    assert.equal(await verifyPassword('not-a-hash', 'x'), false);
  });

  it('API tokens are random, prefixed, and stored as SHA-256', () => {
    const a = newApiToken();
    assert.match(a, /^dwcp_[A-Za-z0-9_-]{43}$/);
    assert.notEqual(a, newApiToken());
    assert.match(tokenHash(a), /^[0-9a-f]{64}$/);
  });

  it('the signing key is created once with mode 0600 and read back; short or shared files are refused', () => {
    const path = join(dir, 'sub', 'key');
    const k1 = loadOrCreateSigningKey(path);
    assert.equal(statSync(path).mode & 0o777, 0o600);
    assert.deepEqual(loadOrCreateSigningKey(path), k1);
    assert.ok(k1.length >= 32);
    const short = join(dir, 'short');
    writeFileSync(short, 'tooshort\n', { mode: 0o600 });
    assert.throws(
      () => loadOrCreateSigningKey(short),
      (e: unknown) =>
        e instanceof ConfigError && /at least 32/.test(e.message) && !e.message.includes('tooshort'),
    );
    const open = join(dir, 'open');
    writeFileSync(open, 'x'.repeat(40));
    chmodSync(open, 0o644);
    assert.throws(() => loadOrCreateSigningKey(open), /chmod 600/);
    assert.equal(readFileSync(path, 'utf8').trim().length, 64);
  });
});
