/** The SQLite store (temp files) through the shared store contract, the SQL-only checks and its open errors. */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import BetterSqlite3 from 'better-sqlite3';
import { InvalidInputError, StoreError } from '../../../src/errors.ts';
import { openSqliteStore, type OpenedStore } from '../../../src/store/sqlite.ts';
import { sqlStoreSuite } from '../../helpers/sql-store-suite.ts';
import { storeContractSuite } from '../../helpers/store-contract.ts';
import { HOUR } from '../../helpers/store-fixtures.ts';

function sqliteBackend() {
  const dir = mkdtempSync(join(tmpdir(), 'dwcp-store-'));
  let n = 0;
  const paths = new WeakMap<OpenedStore, string>();
  return {
    open: async (o: { allowNonFinite?: boolean; seriesCacheSize?: number }) => {
      const path = join(dir, `nested/db-${n++}.db`);
      const st = await openSqliteStore({ path, retentionMs: HOUR, ...o });
      paths.set(st, path);
      return st;
    },
    exec: (st: OpenedStore, sqlText: string) => {
      const raw = new BetterSqlite3(paths.get(st)!);
      try {
        raw.exec(sqlText);
      } finally {
        raw.close();
      }
      return Promise.resolve();
    },
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

storeContractSuite('sqlite', async () => {
  const b = sqliteBackend();
  return {
    open: async (o) => {
      const st = await b.open(o);
      return { samples: st, anomalies: st, states: st };
    },
    cleanup: b.cleanup,
  };
});

sqlStoreSuite('sqlite', async () => sqliteBackend());

describe('SQLite store: opening', () => {
  it('creates the directory, reports an unopenable path, and rejects a bad retention', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dwcp-store-'));
    try {
      const st = await openSqliteStore({ path: join(dir, 'a/b/x.db'), retentionMs: 1 });
      await st.close();
      await st.close();
      assert.ok(existsSync(join(dir, 'a/b/x.db')));
      await assert.rejects(
        openSqliteStore({ path: join(dir, 'a/b/x.db'), retentionMs: 0 }),
        InvalidInputError,
      );
      await assert.rejects(
        openSqliteStore({ path: join(dir, 'a/b/x.db'), retentionMs: 1, seriesCacheSize: 1 }),
        InvalidInputError,
      );
      writeFileSync(join(dir, 'plain-file'), 'x');
      await assert.rejects(
        openSqliteStore({ path: join(dir, 'plain-file', 'x.db'), retentionMs: 1 }),
        (e: unknown) => e instanceof StoreError && /cannot open SQLite database/.test(e.message),
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
