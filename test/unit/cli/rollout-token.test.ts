/**
 * `dwcp-monitor rollout status --token-file`: the monitor needs credentials on /api/rollout (docs/security.md),
 * so the command sends the file's token as `Authorization: Bearer`, and a 401 says how to pass one.
 */
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { rolloutCommand } from '../../../src/cli/commands/rollout.ts';
import { readTokenFile } from '../../../src/cli/monitor-client.ts';

const TOKEN = 'dwcp_qaTokenForTheRolloutCommand0123456789abcdef';

describe('rollout status with --token-file', () => {
  let url = '';
  let dir = '';
  const seen: (string | undefined)[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    seen.push(req.headers.authorization);
    res.setHeader('content-type', 'application/json');
    if (req.headers.authorization !== `Bearer ${TOKEN}`) {
      res.statusCode = 401;
      res.end(
        JSON.stringify({ status: 'error', errorType: 'DWCP_UNAUTHORIZED', error: 'authentication required' }),
      );
      return;
    }
    res.end(JSON.stringify({ status: 'success', data: { decision: 'GO' } }));
  });

  before(async () => {
    await new Promise<void>((res) => server.listen(0, '127.0.0.1', res));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    dir = mkdtempSync(join(tmpdir(), 'dwcp-rollout-token-'));
  });
  after(async () => {
    await new Promise<void>((res) => server.close(() => res()));
    rmSync(dir, { recursive: true, force: true });
  });

  const run = async (args: string[]) => {
    let out = '';
    let err = '';
    const saved = process.exitCode;
    process.exitCode = undefined;
    await rolloutCommand({ out: (t) => (out += t), err: (t) => (err += t) }).parseAsync(
      ['status', '--url', url, '--json', ...args],
      { from: 'user' },
    );
    const code = process.exitCode;
    process.exitCode = saved;
    return { out, err, code };
  };

  it('sends the token of the file as a bearer token and prints the answer', async () => {
    const file = join(dir, 'token');
    writeFileSync(file, `${TOKEN}\n`);
    const r = await run(['--token-file', file]);
    assert.equal(r.code, undefined, r.err);
    assert.equal((JSON.parse(r.out) as { decision: string }).decision, 'GO');
    assert.equal(seen.at(-1), `Bearer ${TOKEN}`);
  });

  it('without a token the 401 says how to pass one; a refused token says so; the token is never echoed', async () => {
    const none = await run([]);
    assert.equal(none.code, 1);
    assert.equal(seen.at(-1), undefined);
    assert.match(none.err, /HTTP 401: authentication required \(pass --token-file with a viewer API token/);
    const file = join(dir, 'wrong');
    writeFileSync(file, 'dwcp_wrongToken');
    const wrong = await run(['--token-file', file]);
    assert.equal(wrong.code, 1);
    assert.match(wrong.err, /the token of --token-file was refused/);
    assert.doesNotMatch(wrong.err, /dwcp_wrongToken/);
  });

  it('an unreadable or empty token file is a clear error before any request', async () => {
    const count = seen.length;
    const missing = await run(['--token-file', join(dir, 'absent')]);
    assert.equal(missing.code, 1);
    assert.match(missing.err, /^error: --token-file .*absent: ENOENT/);
    const empty = join(dir, 'empty');
    writeFileSync(empty, '\n');
    assert.throws(() => readTokenFile(empty), /must hold one API or session token on one line/);
    assert.equal(seen.length, count);
  });
});
