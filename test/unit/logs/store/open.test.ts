/**
 * Opening a SQLite log store file: a new file gets the log store's page size (in WAL mode); a store written
 * with SQLite's default 4 KiB pages opens as it is, keeps its entries and takes new ones; both are read through a
 * memory map; the WAL is checkpointed every LOG_STORE_WAL_AUTOCHECKPOINT_PAGES pages, so it stays bounded.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { sql } from 'kysely';
import type { LogStore } from '../../../../src/logs/store/log-store.ts';
import {
  LOG_STORE_MMAP_BYTES,
  LOG_STORE_PAGE_SIZE,
  LOG_STORE_WAL_AUTOCHECKPOINT_PAGES,
  openSqliteLogStore,
} from '../../../../src/logs/store/open.ts';
import { logRecord, NOW } from '../../../helpers/log-store-contract.ts';

const DAY = 86_400_000;
const RETENTION = { debug: DAY, info: DAY, warn: DAY, error: DAY, fatal: DAY };
const dir = mkdtempSync(join(tmpdir(), 'dwcp-log-open-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const pragma = async (
  st: LogStore,
  name: 'page_size' | 'journal_mode' | 'mmap_size' | 'wal_autocheckpoint',
) => (await sql<Record<string, unknown>>`${sql.raw(`pragma ${name}`)}`.execute(st.db)).rows[0]![name];

const bodies = async (st: LogStore) =>
  (
    await st.scan({
      startUs: (NOW - DAY) * 1000,
      endUs: (NOW + 1) * 1000,
      labels: [],
      direction: 'backward',
      limit: 10,
      maxScan: 100,
    })
  ).entries.map((e) => e.body);

describe('openSqliteLogStore', () => {
  it('creates a new file (and its directory) with the log store page size, in WAL mode', async () => {
    assert.equal(LOG_STORE_PAGE_SIZE, 16_384);
    const st = await openSqliteLogStore(join(dir, 'new', 'logs.db'), { retentionMs: RETENTION });
    try {
      assert.equal(await pragma(st, 'page_size'), LOG_STORE_PAGE_SIZE);
      assert.equal(await pragma(st, 'journal_mode'), 'wal');
      // SQLite caps the map at its compile-time maximum; it is on either way
      const mapped = Number(await pragma(st, 'mmap_size'));
      assert.ok(mapped > 0 && mapped <= LOG_STORE_MMAP_BYTES, `mmap_size ${mapped}`);
      assert.equal(await st.insertLogs([logRecord(1000, { body: 'stored' })]), 1);
      assert.deepEqual(await bodies(st), ['stored']);
    } finally {
      await st.close();
    }
  });

  it('opens a store written with 4 KiB pages as it is: its entries stay, new ones are stored', async () => {
    const path = join(dir, 'old.db');
    const old = await openSqliteLogStore(path, { retentionMs: RETENTION }, 4096);
    try {
      await old.insertLogs([logRecord(2000, { body: 'before' })]);
    } finally {
      await old.close();
    }
    const st = await openSqliteLogStore(path, { retentionMs: RETENTION });
    try {
      assert.equal(await pragma(st, 'page_size'), 4096);
      assert.ok(Number(await pragma(st, 'mmap_size')) > 0);
      await st.insertLogs([logRecord(1000, { body: 'after' })]);
      assert.deepEqual(await bodies(st), ['after', 'before']);
    } finally {
      await st.close();
    }
  });

  it('checkpoints the WAL every LOG_STORE_WAL_AUTOCHECKPOINT_PAGES pages: the WAL file stays bounded', async () => {
    const path = join(dir, 'wal.db');
    const st = await openSqliteLogStore(path, { retentionMs: RETENTION });
    try {
      assert.equal(await pragma(st, 'wal_autocheckpoint'), LOG_STORE_WAL_AUTOCHECKPOINT_PAGES);
      // ~1.5 × the limit in pages of lines (8 000-byte bodies, about two lines per 16 KiB page), in batches of 200
      const body = 'x'.repeat(8000);
      const batches = Math.ceil((LOG_STORE_WAL_AUTOCHECKPOINT_PAGES * 3) / 200);
      for (let b = 0; b < batches; b++)
        await st.insertLogs(Array.from({ length: 200 }, (_, i) => logRecord(1000 + b * 200 + i, { body })));
      const framesMax = LOG_STORE_WAL_AUTOCHECKPOINT_PAGES + 200;
      const walBytes = statSync(`${path}-wal`).size;
      assert.ok(walBytes <= 32 + framesMax * (LOG_STORE_PAGE_SIZE + 24), `WAL ${walBytes} bytes`);
      assert.equal(await st.count(), batches * 200);
    } finally {
      await st.close();
    }
  });
});
