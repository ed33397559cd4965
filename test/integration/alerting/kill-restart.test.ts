/**
 * The durable outbox against a real kill -9: a monitor process (child) opens incidents while the receiver is
 * down, its notifications are in the outbox, and it is killed with SIGKILL; a new process on the same database
 * delivers every one of them once the receiver is up (idempotency keys let the receiver drop duplicates, which
 * are counted), and sends no firing notification the first process had already handed over (no storm).
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { OutboxStore } from '../../../src/alerting/outbox/outbox-store.ts';
import { openAlertingDb } from '../../../src/alerting/store/open.ts';
import { freePort, pollUntil } from '../../helpers/server-process.ts';

const dir = mkdtempSync(join(tmpdir(), 'dwcp-kill-'));
const children: ChildProcess[] = [];
let server: Server | undefined;
after(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
  rmSync(dir, { recursive: true, force: true });
});

function child(args: string[]): {
  proc: ChildProcess;
  line: (re: RegExp) => Promise<string>;
  exited: Promise<void>;
} {
  const proc = spawn(process.execPath, ['--import', 'tsx', 'test/helpers/alerting-child.ts', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(proc);
  let out = '';
  let err = '';
  proc.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  proc.stderr!.on('data', (d: Buffer) => (err = (err + d.toString()).slice(-4000)));
  const exited = new Promise<void>((r) => proc.once('exit', () => r()));
  return {
    proc,
    exited,
    line: (re) =>
      pollUntil(
        `child output ${re}`,
        async () => {
          if (proc.exitCode !== null) throw new Error(`child exited ${proc.exitCode}: ${err}`);
          return re.exec(out)?.[0];
        },
        60_000,
        50,
      ),
  };
}

test('kill -9 during a receiver outage, restart: every notification delivered, duplicates counted, no storm', async () => {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}/hook`;
  const db = join(dir, 'alerting.db');
  const N = 6;

  const first = child(['produce', db, url, String(N)]);
  await first.line(/READY \d+/); // after two failed attempts against the closed port
  first.proc.kill('SIGKILL');
  await first.exited;
  assert.equal(first.proc.signalCode, 'SIGKILL');

  const check = await openAlertingDb({ type: 'sqlite', path: db });
  const persisted = await new OutboxStore(check.db, 100).list(100);
  await check.close();
  assert.equal(persisted.length, N, 'every notification was persisted before it was sent');
  assert.ok(
    persisted[0]!.attempts >= 1,
    'the oldest was attempted while the receiver was down (the others wait behind it, in order)',
  );

  const received: { key: string; status: string; incident: string }[] = [];
  server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (body += c));
    req.on('end', () => {
      const p = JSON.parse(body) as { status: string; alerts: { labels: Record<string, string> }[] };
      received.push({
        key: String(req.headers['idempotency-key']),
        status: p.status,
        incident: p.alerts[0]!.labels.incident!,
      });
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((r) => server!.listen(port, '127.0.0.1', r));

  const second = child(['deliver', db, url]);
  await second.line(/STARTED/);
  await pollUntil(
    'every persisted notification',
    async () => (new Set(received.map((r) => r.key)).size >= N ? true : undefined),
    30_000,
    100,
  );
  await new Promise((r) => setTimeout(r, 2000)); // anything more (a storm) would arrive now
  second.proc.kill('SIGTERM');
  await second.exited;

  const keys = new Set(received.map((r) => r.key));
  const lost = persisted.filter((r) => !keys.has(r.idempotencyKey)).length;
  const duplicates = received.length - keys.size;
  assert.equal(lost, 0);
  assert.deepEqual([...keys].sort(), persisted.map((r) => r.idempotencyKey).sort());
  assert.ok(duplicates >= 0);
  assert.equal(
    received.filter((r) => r.status === 'firing').length - duplicates,
    N,
    'one firing notification per incident, nothing re-sent',
  );
  process.stdout.write(
    `# kill -9: persisted ${N}, delivered ${keys.size}, lost ${lost}, duplicates ${duplicates}\n`,
  );
});
