/**
 * The composition root's auth wiring: a monitor started from a configuration requires authentication by default,
 * creates the first admin with a generated password in a 0600 file of its data directory (not in its logs),
 * keeps users and the signing key across restarts, and refuses `auth.mode: disabled` off loopback.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { after, describe, it } from 'node:test';
import { pino } from 'pino';
import { parseMonitorConfig } from '../../src/config.ts';
import { ConfigError } from '../../src/errors.ts';
import { startMonitor } from '../../src/main.ts';
import { adminBearer } from '../helpers/auth.ts';

const dir = mkdtempSync(join(tmpdir(), 'dwcp-main-auth-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function config(over: Record<string, unknown> = {}) {
  return parseMonitorConfig({
    listen: { host: '127.0.0.1', port: 0 },
    host: { enabled: false },
    detection: { enabled: false },
    storage: { type: 'sqlite', path: join(dir, 'data', 'dwcp.db'), layout: 'rows' },
    ...over,
  });
}

describe('startMonitor: auth', () => {
  it('requires credentials by default, bootstraps one admin (password in a 0600 file, never logged), and keeps sessions across a restart', async () => {
    const lines: string[] = [];
    const logger = pino(
      { level: 'info' },
      new Writable({ write: (chunk, _e, done) => (lines.push(String(chunk)), done()) }),
    );
    const first = await startMonitor({ config: config(), logger, webRoot: dir });
    let token: string;
    let password: string;
    try {
      const file = join(dir, 'data', 'initial-admin-password');
      assert.equal(statSync(file).mode & 0o777, 0o600);
      password = readFileSync(file, 'utf8').trim();
      assert.ok(password.length >= 20);
      assert.ok(lines.some((l) => l.includes('created the first admin') && l.includes(file)));
      assert.ok(!lines.some((l) => l.includes(password)), 'the password is not logged');
      assert.equal((await fetch(`${first.url}api/anomalies`)).status, 401);
      assert.equal((await fetch(`${first.url}health`)).status, 200);
      token = await adminBearer(first.url, join(dir, 'data'));
      assert.equal(
        (await fetch(`${first.url}api/anomalies`, { headers: { authorization: `Bearer ${token}` } })).status,
        200,
      );
    } finally {
      await first.stop();
    }
    const second = await startMonitor({ config: config(), logger: pino({ level: 'silent' }), webRoot: dir });
    try {
      assert.equal(
        readFileSync(join(dir, 'data', 'initial-admin-password'), 'utf8').trim(),
        password,
        'no second admin',
      );
      assert.equal(
        (await fetch(`${second.url}api/anomalies`, { headers: { authorization: `Bearer ${token}` } })).status,
        200,
        'the signing key persisted',
      );
    } finally {
      await second.stop();
    }
  });

  it('auth.mode: disabled is refused unless the monitor listens on loopback', async () => {
    await assert.rejects(
      startMonitor({
        config: config({
          listen: { host: '0.0.0.0', port: 0 },
          auth: { mode: 'disabled' },
          storage: { type: 'sqlite', path: ':memory:', layout: 'rows' },
        }),
        logger: pino({ level: 'silent' }),
      }),
      (e: unknown) => e instanceof ConfigError && /loopback/.test(e.message),
    );
  });
});
