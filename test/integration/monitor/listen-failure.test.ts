/**
 * `serve` on a port another process holds, with PostgreSQL storage (real CLI process, real PostgreSQL): the
 * monitor opens its stores before it listens, so a failed listen must close them again — the pool's open
 * connections used to keep the process running, serving nothing, with the error already printed (a supervisor
 * saw a live process, not a failed start). Skipped without PostgreSQL (DWCP_TEST_PG_URL).
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { dropSchema, freshSchema, PG_URL, pgSkipReason } from '../../helpers/postgres.ts';

/** How long the process may take to open its stores, fail to listen and exit (it used to never exit). */
const EXIT_DEADLINE_MS = 90_000;

const skip = await pgSkipReason();

describe('serve on a port in use, PostgreSQL storage', { skip }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'dwcp-listen-fail-'));
  const schema = freshSchema('listen_fail');
  let holder: Server;
  let port = 0;

  before(async () => {
    holder = createServer();
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
    port = (holder.address() as AddressInfo).port;
  });
  after(async () => {
    await new Promise<void>((resolve) => holder.close(() => resolve()));
    await dropSchema(schema);
    rmSync(dir, { recursive: true, force: true });
  });

  it('prints the listen error and exits with code 1 instead of running on', async () => {
    const url = new URL(PG_URL);
    url.searchParams.set('options', `-c search_path=${schema}`);
    const config = join(dir, 'monitor.yaml');
    writeFileSync(
      config,
      [
        `listen: { host: 127.0.0.1, port: ${port} }`,
        `storage: { type: postgres, url: '${url.toString()}', layout: chunks, walDir: '${join(dir, 'wal')}' }`,
        `auth: { signingKeyFile: '${join(dir, 'signing-key')}' }`,
        'host: { enabled: false }',
        'reports: { schedule: { hourly: false, daily: false, weekly: false } }',
        '',
      ].join('\n'),
    );
    // the schema must exist before the stores open it (search_path names it)
    const { default: pg } = await import('pg');
    const c = new pg.Client({ connectionString: PG_URL });
    await c.connect();
    await c.query(`create schema ${schema}`);
    await c.end();

    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/index.ts', 'serve', '-c', config], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), EXIT_DEADLINE_MS);
    const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) =>
      child.on('exit', (c2, s) => resolve([c2, s])),
    );
    clearTimeout(timer);
    assert.equal(
      signal,
      null,
      `still running ${EXIT_DEADLINE_MS / 1000} s after the failed listen: ${stderr}`,
    );
    assert.equal(code, 1);
    assert.match(
      stderr,
      new RegExp(`^error: listen EADDRINUSE: address already in use 127\\.0\\.0\\.1:${port}$`, 'm'),
    );
    assert.doesNotMatch(stdout, /listening on/);
  });
});
