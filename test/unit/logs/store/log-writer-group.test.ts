/**
 * The SQLite log store commits pushes that wait together in one transaction (group commit) with the same rows as
 * when each comes alone; a push is acknowledged only once its rows are committed (another connection reads them);
 * the write queue's bound refuses a push with a coded error and stores nothing of it; and a process killed between
 * pushes loses no acknowledged line.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import BetterSqlite3 from 'better-sqlite3';
import type { Kysely } from 'kysely';
import { LimitExceededError } from '../../../../src/errors.ts';
import type { LogRecord } from '../../../../src/logs/record.ts';
import { LogStore } from '../../../../src/logs/store/log-store.ts';
import { migrateLogStore } from '../../../../src/logs/store/migrations.ts';
import { openSqliteLogStore } from '../../../../src/logs/store/open.ts';
import type { LogDatabase } from '../../../../src/logs/store/schema.ts';
import { openSqliteConnection } from '../../../../src/store/sqlite.ts';
import { logRecord, RETENTION } from '../../../helpers/log-store-fixtures.ts';

const dir = mkdtempSync(join(tmpdir(), 'dwcp-log-group-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** Batch `b` of `n` entries over three nodes and two levels (new streams appear in later batches). */
function batch(b: number, n: number): LogRecord[] {
  return Array.from({ length: n }, (_, i) =>
    logRecord(10_000 - b * 100 - i, {
      nodeId: `node-${(b + i) % 3}`,
      level: i % 4 === 0 ? 'warn' : 'info',
      body: `batch ${b} line ${i} transfer timed out`,
    }),
  );
}

/** Every entry row, stream row and a full-text match of a store file. */
function rowsOf(path: string): unknown {
  const db = new BetterSqlite3(path, { readonly: true });
  try {
    return {
      entries: db.prepare('select * from log_entries order by id').all(),
      streams: db.prepare('select * from log_streams order by id').all(),
      fts: db.prepare("select rowid from log_fts where log_fts match 'timed' order by rowid").pluck().all(),
    };
  } finally {
    db.close();
  }
}

/** A SQLite log store whose connection counts the transactions the writer runs. */
async function countingStore(path: string): Promise<{ store: LogStore; transactions: () => number }> {
  const { db, raw } = openSqliteConnection<LogDatabase>(path);
  await migrateLogStore(db as unknown as Kysely<unknown>, 'sqlite');
  let n = 0;
  const counted = {
    prepare: raw.prepare.bind(raw),
    transaction: ((fn: (...a: never[]) => unknown) => {
      const t = raw.transaction(fn);
      return (...a: never[]) => {
        n++;
        return t(...a);
      };
    }) as unknown as BetterSqlite3.Database['transaction'],
  };
  return {
    store: new LogStore(db, { dialect: 'sqlite', raw: counted }, { retentionMs: RETENTION }),
    transactions: () => n,
  };
}

describe('SQLite log store: group commit', () => {
  it('commits pushes that wait together in one transaction, with the rows of pushes stored one by one', async () => {
    const batches = [0, 1, 2, 3, 4].map((b) => batch(b, 7 + b));
    const grouped = await countingStore(join(dir, 'grouped.db'));
    const results = await Promise.all(batches.map((b) => grouped.store.storeLogs(b)));
    assert.equal(grouped.transactions(), 1, 'five waiting pushes, one transaction');
    assert.deepEqual(
      results.map((r) => r.stored),
      batches.map((b) => b.length),
    );
    await grouped.store.close();
    const alone = await openSqliteLogStore(join(dir, 'alone.db'), { retentionMs: RETENTION });
    for (const b of batches) await alone.storeLogs(b);
    await alone.close();
    assert.deepEqual(rowsOf(join(dir, 'grouped.db')), rowsOf(join(dir, 'alone.db')));
  });

  it('acknowledges a push only once another connection reads its rows', async () => {
    const path = join(dir, 'ack.db');
    const store = await openSqliteLogStore(path, { retentionMs: RETENTION });
    const reader = new BetterSqlite3(path, { readonly: true });
    try {
      const count = reader.prepare('select count(*) from log_entries').pluck();
      let expected = 0;
      await Promise.all(
        [0, 1, 2, 3].map(async (b) => {
          const rs = batch(b, 5);
          await store.storeLogs(rs);
          expected += rs.length;
          assert.ok(Number(count.get()) >= expected, `push ${b} acknowledged before its commit`);
        }),
      );
      assert.equal(Number(count.get()), 20);
    } finally {
      reader.close();
      await store.close();
    }
  });

  it('refuses a push beyond the write queue bound with a coded error and stores the others', async () => {
    const path = join(dir, 'bound.db');
    const store = await openSqliteLogStore(path, { retentionMs: RETENTION, maxQueuedEntries: 12 });
    const rs = await Promise.allSettled([store.storeLogs(batch(0, 8)), store.storeLogs(batch(1, 8))]);
    assert.equal(rs[0]!.status, 'fulfilled');
    assert.equal(rs[1]!.status, 'rejected');
    const e = (rs[1] as PromiseRejectedResult).reason as LimitExceededError;
    assert.ok(e instanceof LimitExceededError);
    assert.equal(e.code, 'DWCP_LIMIT_EXCEEDED');
    assert.equal(await store.count(), 8);
    // a retry after the commit is taken
    assert.equal((await store.storeLogs(batch(1, 8))).stored, 8);
    await store.close();
  });

  it('loses no acknowledged line when the process is killed between pushes', async () => {
    const path = join(dir, 'crash.db');
    const script = join(dir, 'pusher.mts');
    const storeModule = new URL('../../../../src/logs/store/open.ts', import.meta.url).href;
    writeFileSync(
      script,
      `import { openSqliteLogStore } from ${JSON.stringify(storeModule)};
const day = 86_400_000;
const store = await openSqliteLogStore(${JSON.stringify(path)}, { retentionMs: { debug: day, info: day, warn: day, error: day, fatal: day } });
const rec = (b, i) => ({ timeUs: (Date.now() - 1000) * 1000, level: 'info', service: 's', nodeId: 'n' + (i % 5), region: 'r', component: 'c', traceId: '', spanId: '', body: 'push ' + b + ' line ' + i, attributes: {} });
for (let b = 0; b < 100000; b++) {
  // three pushes at once, each acknowledged on its own
  await Promise.all([0, 1, 2].map(async (k) => {
    const id = b * 3 + k;
    await store.storeLogs(Array.from({ length: 50 }, (_, i) => rec(id, i)));
    process.stdout.write('ack ' + id + '\\n');
  }));
}
`,
    );
    const child = spawn(process.execPath, ['--import', 'tsx', script], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const acked: number[] = [];
    let buf = '';
    await new Promise<void>((resolve, reject) => {
      child.on('error', reject);
      child.on('exit', () => resolve());
      child.stdout.on('data', (d: Buffer) => {
        buf += d.toString();
        const lines = buf.split('\n');
        buf = lines.pop()!;
        for (const l of lines) acked.push(Number(l.slice(4)));
        if (acked.length >= 60) child.kill('SIGKILL');
      });
    });
    assert.ok(acked.length >= 60);
    const db = new BetterSqlite3(path);
    try {
      const n = db.prepare("select count(*) from log_entries where body like ? || ' line %'").pluck();
      for (const id of acked) assert.equal(Number(n.get(`push ${id}`)), 50, `acknowledged push ${id} lost`);
    } finally {
      db.close();
    }
  });
});
