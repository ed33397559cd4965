/**
 * The log store's bounds: retention per level (deleted in slices of 10 minutes), then the oldest entries beyond
 * the entry cap, then the streams left without entries (and their FTS rows with the entries on SQLite).
 */
import { sql, type Expression, type ExpressionBuilder, type Kysely, type SqlBool } from 'kysely';
import { LOG_LEVELS } from '../record.ts';
import type { LogStoreDialect } from './migrations.ts';
import { streamIdCondition, type EntriesDb } from './log-rows.ts';
import type { LogStoreOptions } from './log-types.ts';
import type { LogDatabase } from './schema.ts';
import type { LabelSet } from './streams.ts';

/** Retention deletes at most this much time per statement, µs (10 min). */
const RETENTION_SLICE_US = 600_000_000;

/** What retention needs of its store. */
export interface RetentionStore {
  readonly db: Kysely<LogDatabase>;
  readonly dialect: LogStoreDialect;
  streamIdsFor(labels: readonly LabelSet[]): Promise<number[] | undefined>;
  count(): Promise<number>;
  /** Called inside the transaction that removed empty streams (SQLite: reload the stream map). */
  streamsRemoved(): void;
}

/**
 * Deletes entries older than their level's retention (in slices of 10 minutes), then the oldest beyond
 * `maxEntries`, then the streams left without entries.
 * @returns entries deleted
 */
export async function applyRetention(
  store: RetentionStore,
  opts: LogStoreOptions,
  nowMs: number,
): Promise<number> {
  let deleted = 0;
  for (const level of LOG_LEVELS) {
    const cutoff = (nowMs - opts.retentionMs[level]) * 1000;
    const ids = await store.streamIdsFor([{ label: 'level', in: [level] }]);
    if (ids === undefined || ids.length === 0) continue;
    const ofLevel = streamIdCondition(ids, true);
    // the oldest entry of the level: each stream's oldest from its (stream_id, time_us) index
    const first = await sql<{
      m: number | string | null;
    }>`select min(m) as m from (select (select min(x.time_us) from log_entries x where x.stream_id = s.id) as m from log_streams s where s.level = ${level}) t`.execute(
      store.db,
    );
    const oldest = first.rows[0]?.m;
    if (oldest === null || oldest === undefined) continue;
    for (let from = Number(oldest); from < cutoff; from += RETENTION_SLICE_US) {
      const until = Math.min(cutoff, from + RETENTION_SLICE_US);
      deleted += await deleteWhere(store, (eb) => eb.and([ofLevel, eb('e.time_us', '<', until)]));
    }
  }
  const max = opts.maxEntries ?? 10_000_000;
  const count = await store.count();
  if (count > max) {
    const cut = await store.db
      .selectFrom('log_entries')
      .select('id')
      .orderBy('id')
      .offset(count - max)
      .limit(1)
      .executeTakeFirst();
    if (cut !== undefined) {
      const cutId = Number(cut.id);
      deleted += await deleteWhere(store, (eb) => eb('e.id', '<', cutId));
    }
  }
  if (deleted > 0) await removeEmptyStreams(store);
  return deleted;
}

/**
 * Deletes the streams without entries. PostgreSQL: under an exclusive lock of the stream table, which waits
 * for the batches that looked up their streams (`for key share`) to commit and holds new ones back.
 */
async function removeEmptyStreams(store: RetentionStore): Promise<void> {
  await store.db.transaction().execute(async (trx) => {
    if (store.dialect === 'postgres') await sql`lock table log_streams in exclusive mode`.execute(trx);
    await sql`delete from log_streams where not exists (select 1 from log_entries e where e.stream_id = log_streams.id)`.execute(
      trx,
    );
    store.streamsRemoved();
  });
}

async function deleteWhere(
  store: RetentionStore,
  where: (eb: ExpressionBuilder<EntriesDb, 'e'>) => Expression<SqlBool>,
): Promise<number> {
  return store.db.transaction().execute(async (trx) => {
    // SQLite: the FTS5 table keeps no row sizes, so an entry's tokens are removed by FTS5's 'delete' command with
    // the body they were indexed from (the stored body: the batch's FTS rows are filled from it)
    if (store.dialect === 'sqlite')
      await sql`insert into log_fts (log_fts, rowid, body) select 'delete', x.id, x.body from log_entries x where x.id in (${trx
        .selectFrom('log_entries as e')
        .select('e.id')
        .where(where)})`.execute(trx);
    const r = await trx.deleteFrom('log_entries as e').where(where).executeTakeFirst();
    return Number(r.numDeletedRows);
  });
}
