/**
 * Log store migration 0008 (SQLite): the stream index of blocks (./stream-index.ts) in place of the
 * (stream_id, time_us) index on every entry. Creates `log_stream_blocks` (one row per sealed block of a stream's
 * entries, keyed for reads by (stream_id, max_time_us, min_time_us)), fills it from the existing entries in id
 * order — sealing as the writer does, so at most `maxOpenSpan` entries are held at once, then every block still
 * open — and drops the old index. Progress is reported every {@link PROGRESS_EVERY} entries. PostgreSQL keeps its
 * layout (its (stream_id, time_us) B-tree): nothing changes there.
 */
import { sql, type Kysely, type Migration } from 'kysely';
import type { LogStoreDialect } from './migrations.ts';
import {
  blockRow,
  DEFAULT_BLOCK_ENTRIES,
  DEFAULT_MAX_OPEN_SPAN,
  OpenBlocks,
  type BlockEntries,
} from './stream-blocks.ts';

/** Entry rows read per statement while blocks are built. */
const PAGE_ROWS = 50_000;
/** Entries between two progress reports. */
export const PROGRESS_EVERY = 1_000_000;

/** Progress of a long migration: entries done of the total. */
export type MigrationProgress = (done: number, total: number) => void;

/** The default progress report: a line on stderr (only stores of more than {@link PROGRESS_EVERY} entries). */
export const stderrProgress: MigrationProgress = (done, total) => {
  process.stderr.write(`log store migration 0008: ${done} of ${total} entries indexed by stream\n`);
};

async function insertBlocks(db: Kysely<unknown>, blocks: readonly [number, BlockEntries][]): Promise<void> {
  for (const [sid, b] of blocks) {
    const r = blockRow(sid, b);
    await sql`insert into log_stream_blocks (stream_id, min_time_us, max_time_us, entries, first_id, last_id, ids, times) values (${r.streamId}, ${r.minTimeUs}, ${r.maxTimeUs}, ${r.entries}, ${r.firstId}, ${r.lastId}, ${r.ids}, ${r.times})`.execute(
      db,
    );
  }
}

/** Migration 0008 of the log store. */
export function streamBlocksMigration(
  dialect: LogStoreDialect,
  onProgress: MigrationProgress = stderrProgress,
): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      if (dialect !== 'sqlite') return;
      await sql`create table log_stream_blocks (stream_id integer not null, min_time_us integer not null, max_time_us integer not null, entries integer not null, first_id integer not null, last_id integer not null, ids blob not null, times blob not null)`.execute(
        db,
      );
      await sql`create index log_stream_blocks_stream_time_idx on log_stream_blocks (stream_id, max_time_us, min_time_us)`.execute(
        db,
      );
      const total = Number(
        (await sql<{ n: number }>`select count(*) as n from log_entries`.execute(db)).rows[0]?.n ?? 0,
      );
      const open = new OpenBlocks({
        blockEntries: DEFAULT_BLOCK_ENTRIES,
        maxOpenSpan: DEFAULT_MAX_OPEN_SPAN,
      });
      let after = 0;
      let done = 0;
      let reported = 0;
      for (;;) {
        const rows = (
          await sql<{
            id: number;
            stream_id: number;
            time_us: number;
          }>`select id, stream_id, time_us from log_entries where id > ${after} order by id limit ${PAGE_ROWS}`.execute(
            db,
          )
        ).rows;
        if (rows.length === 0) break;
        const full: [number, BlockEntries][] = [];
        for (const r of rows) {
          const sid = Number(r.stream_id);
          const b = open.append(sid, Number(r.id), Number(r.time_us));
          if (b !== undefined) full.push([sid, b]);
        }
        after = Number(rows[rows.length - 1]!.id);
        await insertBlocks(db, [...full, ...open.takeDue(after)]);
        done += rows.length;
        if (total > PROGRESS_EVERY && done - reported >= PROGRESS_EVERY) {
          reported = done;
          onProgress(done, total);
        }
      }
      await insertBlocks(db, open.takeAll());
      await sql`drop index log_entries_stream_time_idx`.execute(db);
    },
    async down(db: Kysely<unknown>): Promise<void> {
      if (dialect !== 'sqlite') return;
      await sql`create index log_entries_stream_time_idx on log_entries (stream_id, time_us)`.execute(db);
      await sql`drop table log_stream_blocks`.execute(db);
    },
  };
}
