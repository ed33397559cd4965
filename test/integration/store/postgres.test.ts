/**
 * The PostgreSQL store (DWCP_TEST_PG_URL, default postgres://dwcp:dwcp@127.0.0.1:5432/dwcp_test; every store
 * gets a fresh schema dropped on close) through the shared store contract, the SQL-only checks and its
 * connection errors. Under CI=true an unreachable server fails the suite; elsewhere it is skipped with the reason.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import pg from 'pg';
import { InvalidInputError, StoreError } from '../../../src/errors.ts';
import { openPostgresStore } from '../../../src/store/postgres.ts';
import type { OpenedStore } from '../../../src/store/sqlite.ts';
import { sqlStoreSuite, type SqlBackend } from '../../helpers/sql-store-suite.ts';
import { storeContractSuite } from '../../helpers/store-contract.ts';
import { HOUR } from '../../helpers/store-fixtures.ts';
import { PG_URL, pgSkipReason } from '../../helpers/postgres.ts';

async function postgresBackend(): Promise<SqlBackend> {
  const reason = await pgSkipReason(); // throws under CI=true
  if (reason !== undefined) {
    return {
      open: () => Promise.reject(new Error('unreachable')),
      exec: () => Promise.reject(new Error('unreachable')),
      skip: reason,
    };
  }
  const run = `dwcp_test_${process.pid}_${Date.now().toString(36)}`;
  let n = 0;
  const schemas = new WeakMap<OpenedStore, string>();
  return {
    open: async (o: { allowNonFinite?: boolean; seriesCacheSize?: number }) => {
      const schema = `${run}_${n++}`;
      const st = await openPostgresStore({
        url: PG_URL,
        retentionMs: HOUR,
        schema,
        dropSchemaOnClose: true,
        ...o,
      });
      schemas.set(st, schema);
      return st;
    },
    exec: async (st: OpenedStore, sqlText: string) => {
      const c = new pg.Client({ connectionString: PG_URL, options: `-c search_path=${schemas.get(st)!}` });
      await c.connect();
      try {
        await c.query(sqlText);
      } finally {
        await c.end();
      }
    },
  };
}

storeContractSuite('postgres', async () => {
  const b = await postgresBackend();
  return {
    open: async (o) => {
      const st = await b.open(o);
      return { samples: st, anomalies: st, states: st };
    },
    ...(b.skip === undefined ? {} : { skip: b.skip }),
  };
});

sqlStoreSuite('postgres', postgresBackend);

describe('PostgreSQL store: connecting', () => {
  it('a bad schema name or unreachable server is a clear error', async () => {
    await assert.rejects(
      openPostgresStore({ url: PG_URL, retentionMs: 1, schema: 'x; drop table y' }),
      InvalidInputError,
    );
    await assert.rejects(
      openPostgresStore({
        url: 'postgres://dwcp:dwcp@127.0.0.1:1/none',
        retentionMs: 1,
        connectTimeoutMs: 1000,
      }),
      (e: unknown) => e instanceof StoreError && /cannot connect to PostgreSQL/.test(e.message),
    );
  });
});

describe('PostgreSQL store: collation', () => {
  it('sorts detector-state ties in byte order even when the column collates by locale', async (t) => {
    const b = await postgresBackend();
    if (b.skip !== undefined) return t.skip(b.skip);
    const st = await b.open({});
    try {
      // A database created with a locale collation (the default of many installations) sorts 'aB' before 'a_b'.
      await b.exec(st, `alter table detector_states alter column series_key type text collate "en-x-icu"`);
      const keys = ['a_b', 'aB', 'A{', 'ab', 'a-c', 'B'];
      await st.saveDetectorStates(
        keys.map((k) => ({ seriesKey: k, detector: 'ensemble', version: 1, state: 1, updatedAtMs: 1 })),
      );
      const byteOrder = [...keys].sort((x, y) => Buffer.compare(Buffer.from(x), Buffer.from(y)));
      assert.deepEqual(
        (await st.loadDetectorStates(10)).rows.map((r) => r.seriesKey),
        byteOrder,
      );
    } finally {
      await st.close();
    }
  });
});
