/**
 * The chunks layout (the default) through the shared store contract, on SQLite (temp files) and PostgreSQL
 * (DWCP_TEST_PG_URL; a fresh schema per store, dropped on close).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openChunkedPostgresStore, openChunkedSqliteStore } from '../../../src/store/tsdb/open.ts';
import { freshSchema, PG_URL, pgSkipReason } from '../../helpers/postgres.ts';
import { storeContractSuite } from '../../helpers/store-contract.ts';
import { HOUR } from '../../helpers/store-fixtures.ts';

/** Cases of the rows layout's behaviour that the chunks layout does differently by design. */
const NOT_APPLICABLE = {
  'retention deletes old samples and empty series; a later append recreates the series with a new id':
    'raw retention keeps a series while its 1-minute and 1-hour rollups hold data (31 and 366 days; docs/storage.md "Retention and downsampling")',
};

storeContractSuite(
  'chunks, sqlite',
  async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dwcp-tsdb-contract-'));
    let n = 0;
    return {
      open: async (o) => {
        const k = n++;
        const st = await openChunkedSqliteStore({
          path: join(dir, `db-${k}.db`),
          walDir: join(dir, `wal-${k}`),
          retentionMs: HOUR,
          ...o,
        });
        return { samples: st, anomalies: st, states: st };
      },
      cleanup: () => rmSync(dir, { recursive: true, force: true }),
    };
  },
  NOT_APPLICABLE,
);

storeContractSuite(
  'chunks, postgres',
  async () => {
    const skip = await pgSkipReason();
    if (skip !== undefined) return { skip, open: () => Promise.reject(new Error(skip)) };
    const dir = mkdtempSync(join(tmpdir(), 'dwcp-tsdb-contract-pg-'));
    let n = 0;
    return {
      open: async (o) => {
        const st = await openChunkedPostgresStore({
          url: PG_URL,
          schema: freshSchema('dwcp_tsdb_contract'),
          dropSchemaOnClose: true,
          walDir: join(dir, `wal-${n++}`),
          retentionMs: HOUR,
          ...o,
        });
        return { samples: st, anomalies: st, states: st };
      },
      cleanup: () => rmSync(dir, { recursive: true, force: true }),
    };
  },
  NOT_APPLICABLE,
);
