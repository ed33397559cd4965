/**
 * The range query's rollup read (`readRollupLasts`, no ORDER BY) on SQLite and PostgreSQL: it returns the same
 * rows as the ordered read (`readRollups`), and the bucket visit built on it (`visitLastBuckets`, without the
 * row cache: rows appended blob after blob) still yields each series' buckets in time order when the database
 * returns a series' rows out of start order — rows written newest day first, which a PostgreSQL scan returns
 * in that physical order (checked with index scans off).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { sql, type Kysely } from 'kysely';
import { migrateToLatest } from '../../../src/store/migrations.ts';
import { connectPostgres } from '../../../src/store/postgres.ts';
import { openSqliteDatabase } from '../../../src/store/sqlite.ts';
import {
  readRollupLasts,
  readRollups,
  writeRollups,
  type RollupRow,
} from '../../../src/store/tsdb/chunk-repo.ts';
import { encodeRollup } from '../../../src/store/tsdb/codec/rollup-chunk.ts';
import { visitLastBuckets } from '../../../src/store/tsdb/last-buckets.ts';
import { migrateTsdb } from '../../../src/store/tsdb/migrations.ts';
import { ROLLUP_ROW_SPAN_MS } from '../../../src/store/tsdb/options.ts';
import type { TsdbDatabase } from '../../../src/store/tsdb/schema.ts';
import { freshSchema, PG_URL, pgSkipReason } from '../../helpers/postgres.ts';

const MIN = 60_000;
const DAY = 86_400_000;
const D0 = 1_700_000_000_000 - (1_700_000_000_000 % DAY);
const SERIES = [1, 2, 3, 5, 8, 13, 21, 34];

/** A day row of series `id` starting at `day` with buckets every `every` minutes from minute `first`. */
function dayRow(id: number, day: number, first: number, every: number): RollupRow {
  const ts: number[] = [];
  const last: number[] = [];
  for (let m = first; m < 1440; m += every) {
    ts.push(day + m * MIN);
    last.push(id * 1000 + (day - D0) / DAY + m / 1e4);
  }
  const ones = ts.map(() => 1);
  const b = encodeRollup({ timestampsMs: ts, count: ones, min: last, max: last, sum: last, last });
  return {
    seriesId: id,
    resolution: MIN,
    startTs: day,
    endTs: ts[ts.length - 1]!,
    buckets: ts.length,
    last: b.last,
    rest: b.rest,
  };
}

/** Writes three day rows per series, newest day first (so the table holds them out of start order). */
async function fill(db: Kysely<TsdbDatabase>, dialect: 'sqlite' | 'postgres'): Promise<void> {
  for (const day of [D0 + 2 * DAY, D0 + DAY, D0])
    await writeRollups(
      db,
      dialect,
      SERIES.map((id) => dayRow(id, day, id % 7, 1 + (id % 3))),
    );
}

async function checks(db: Kysely<TsdbDatabase>): Promise<void> {
  const span = ROLLUP_ROW_SPAN_MS[MIN]!;
  const from = D0 + 600 * MIN;
  const to = D0 + 2 * DAY + 300 * MIN;
  // Range reads (consecutive ids) and list reads (scattered ids, one missing) alike.
  for (const ids of [SERIES, [34, 2, 99, 13]]) {
    const ordered = await readRollups(db, ids, MIN, from, to, span, false);
    const lasts = await readRollupLasts(db, ids, MIN, from, to, span);
    const key = (r: { seriesId: number; startTs: number; last: Uint8Array }): string =>
      `${r.seriesId}@${r.startTs}:${Buffer.from(r.last).toString('hex')}`;
    assert.deepEqual(lasts.map(key).sort(), ordered.map(key).sort());
    assert.equal(ordered.length, ids.filter((i) => SERIES.includes(i)).length * 3);

    const seen: { ts: number[]; last: number[] }[] = [];
    await visitLastBuckets(
      db,
      () => Promise.resolve(new Map()),
      D0 + 3 * DAY,
      ids,
      MIN,
      from,
      to,
      (i, ts, last, n) => {
        seen[i] = { ts: Array.from(ts.subarray(0, n)), last: Array.from(last.subarray(0, n)) };
      },
    );
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i]!;
      const want: { ts: number[]; last: number[] } = { ts: [], last: [] };
      for (const day of [D0, D0 + DAY, D0 + 2 * DAY]) {
        if (!SERIES.includes(id)) break;
        const every = 1 + (id % 3);
        for (let m = id % 7; m < 1440; m += every) {
          const t = day + m * MIN;
          if (t < from || t > to) continue;
          want.ts.push(t);
          want.last.push(id * 1000 + (day - D0) / DAY + m / 1e4);
        }
      }
      assert.deepEqual(seen[i], want, `series ${id}`);
    }
  }
}

describe('the range query rollup read without ORDER BY', () => {
  const cleanups: (() => Promise<void>)[] = [];
  after(async () => {
    for (const c of cleanups) await c();
  });

  it('reads the ordered read rows and visits buckets in time order (SQLite)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dwcp-rollup-lasts-'));
    const db = openSqliteDatabase<TsdbDatabase>(join(dir, 't.db'));
    cleanups.push(async () => {
      await db.destroy();
      rmSync(dir, { recursive: true, force: true });
    });
    await migrateToLatest(db as unknown as Kysely<unknown>, 'sqlite');
    await migrateTsdb(db as unknown as Kysely<unknown>, 'sqlite');
    await fill(db, 'sqlite');
    await checks(db);
  });

  it('reads the ordered read rows and visits buckets in time order (PostgreSQL)', async (t) => {
    const skip = await pgSkipReason();
    if (skip !== undefined) return t.skip(skip);
    const schema = freshSchema('rollup_lasts');
    const { db, onClose } = await connectPostgres<TsdbDatabase>({
      url: PG_URL,
      retentionMs: 1,
      schema,
      dropSchemaOnClose: true,
    });
    cleanups.push(async () => {
      await db.destroy();
      await onClose?.();
    });
    await migrateToLatest(db as unknown as Kysely<unknown>, 'postgres', schema);
    await migrateTsdb(db as unknown as Kysely<unknown>, 'postgres', schema);
    await fill(db, 'postgres');
    await checks(db);
    // On one connection with index scans off, the rows come in the table's physical order (newest day first).
    await db.connection().execute(async (c) => {
      await sql`set enable_indexscan = off`.execute(c);
      await sql`set enable_bitmapscan = off`.execute(c);
      try {
        await checks(c);
      } finally {
        await sql`reset enable_indexscan`.execute(c);
        await sql`reset enable_bitmapscan`.execute(c);
      }
    });
  });
});
