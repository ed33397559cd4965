/**
 * The log store's write path: one transaction per batch on PostgreSQL; on SQLite one transaction per group of
 * the batches waiting for a commit (group commit, ./group-commit.ts: each push settles after the commit that
 * holds it; a bounded queue refuses more with LimitExceededError). On SQLite a prepared statement per entry row (its
 * empty trace context and attributes as literals when it has none; stream ids from an in-memory map of every
 * stream, new streams added in the same transaction), then one statement filling
 * the batch's FTS rows from the rows just written, on the better-sqlite3 connection under kysely while holding
 * kysely's connection; on PostgreSQL the batch's streams looked up (or added) by fingerprint, then multi-row
 * inserts. Entries of a new label set beyond the stream cap are refused and reported.
 */
import { sql, type Kysely, type Transaction } from 'kysely';
import { LOG_LABELS, type LogRecord } from '../record.ts';
import type { LogStoreDialect } from './migrations.ts';
import { attrsJson } from './log-rows.ts';
import type { LogInsertResult, LogStoreBackend } from './log-types.ts';
import { GroupCommit, type GroupCommitLimits } from './group-commit.ts';
import type { LogDatabase } from './schema.ts';
import {
  sameStream,
  streamColumnsOf,
  streamFingerprint,
  streamKeyOf,
  streamKeyOfRow,
  type StreamRow,
} from './streams.ts';

const ROWS_PER_INSERT = 400;

const INSERT_ENTRY =
  'insert into log_entries (id, time_us, stream_id, trace_id, span_id, body, attrs) values';
/** SQLite: an entry row with every value bound (id, time µs, stream id, trace id, span id, line, attributes JSON). */
export const ENTRY_SQL = `${INSERT_ENTRY} (?, ?, ?, ?, ?, ?, ?)`;
/**
 * SQLite: an entry row without trace context or attributes (every Loki line without structured metadata), its
 * empty trace and span ids and `{}` written as literals: the same row as {@link ENTRY_SQL} with three bindings
 * fewer per entry (each bound string is converted to UTF-8 and copied; docs/logs-store.md "Entry rows: one
 * statement per group; three empty values as literals").
 */
export const PLAIN_ENTRY_SQL = `${INSERT_ENTRY} (?, ?, ?, '', '', ?, '{}')`;

/** Writes batches of entries into one log store (one writer per store). */
export class LogWriter {
  private readonly db: Kysely<LogDatabase>;
  private readonly dialect: LogStoreDialect;
  private readonly maxStreams: number;
  private nextId: number | undefined;
  /** SQLite: stream id by label-set key, every stream of the store (at most `maxStreams`). */
  private readonly streamIds = new Map<string, number>();
  /** SQLite: batches waiting for a commit, written in groups of one transaction each. */
  private readonly groupCommit: GroupCommit<readonly LogRecord[], LogInsertResult> | undefined;
  /** SQLite: reloads {@link streamIds} from the stream table. */
  private readonly loadStreams: (() => void) | undefined;

  /** @param limits SQLite: the write queue's bounds (./group-commit.ts) */
  constructor(
    db: Kysely<LogDatabase>,
    backend: LogStoreBackend,
    maxStreams: number,
    limits?: GroupCommitLimits,
  ) {
    this.db = db;
    this.dialect = backend.dialect;
    this.maxStreams = maxStreams;
    if (backend.dialect === 'sqlite') {
      const { raw } = backend;
      const entry = raw.prepare(ENTRY_SQL);
      const plainEntry = raw.prepare(PLAIN_ENTRY_SQL);
      const writeEntry = (id: number, r: LogRecord, sid: number, attrs: string): void => {
        if (r.traceId === '' && r.spanId === '' && attrs === '{}') plainEntry.run(id, r.timeUs, sid, r.body);
        else entry.run(id, r.timeUs, sid, r.traceId, r.spanId, r.body, attrs);
      };
      // the batch's FTS rows in one statement from the rows just written (ids are consecutive): the bodies are
      // not bound a second time and FTS5 takes them in one call
      const fts = raw.prepare(
        'insert into log_fts (rowid, body) select id, body from log_entries where id >= ? and id <= ?',
      );
      const addStream = raw.prepare(
        'insert into log_streams (fingerprint, service, node_id, region, level, component) values (?, ?, ?, ?, ?, ?)',
      );
      const allStreams = raw.prepare(
        'select id, service, node_id, region, level, component from log_streams',
      );
      this.loadStreams = () => {
        this.streamIds.clear();
        for (const r of allStreams.all() as StreamRow[]) this.streamIds.set(streamKeyOfRow(r), Number(r.id));
      };
      this.loadStreams();
      /** One batch's rows, ids from `first` on (inside the group's transaction); returns the entries written. */
      const writeBatch = (
        records: readonly LogRecord[],
        first: number,
        added: string[],
        dropped: number[],
      ): number => {
        let id = first;
        // the receivers give consecutive entries of one stream the same label strings and attributes object:
        // the stream id and the attributes' JSON are looked up and built once per run of such entries
        let last: LogRecord | undefined;
        let sid = 0;
        let attrs = '';
        for (let i = 0; i < records.length; i++) {
          const r = records[i]!;
          if (last === undefined || r.attributes !== last.attributes) attrs = attrsJson(r.attributes);
          if (last !== undefined && sameStream(r, last)) {
            last = r;
            writeEntry(id++, r, sid, attrs);
            continue;
          }
          last = undefined;
          const key = streamKeyOf(r);
          const known = this.streamIds.get(key);
          if (known !== undefined) sid = known;
          else {
            if (this.streamIds.size >= this.maxStreams) {
              dropped.push(i);
              continue;
            }
            sid = Number(
              addStream.run(streamFingerprint(key), r.service, r.nodeId, r.region, r.level, r.component)
                .lastInsertRowid,
            );
            this.streamIds.set(key, sid);
            added.push(key);
          }
          last = r;
          writeEntry(id++, r, sid, attrs);
        }
        return id - first;
      };
      const maxId = raw.prepare('select max(id) from log_entries').pluck();
      // ids are assigned here (one writer per store) so the FTS rows can share them without a read-back; each
      // batch reserves as many ids as it has entries (dropped entries leave gaps), as when it comes alone
      const commitGroup = raw.transaction((group: readonly (readonly LogRecord[])[], added: string[]) => {
        const start = (this.nextId ??= Number(maxId.get() ?? 0) + 1);
        let next = start;
        const out: LogInsertResult[] = [];
        for (const records of group) {
          const droppedForStreamLimit: number[] = [];
          const stored = writeBatch(records, next, added, droppedForStreamLimit);
          next += records.length;
          out.push({ stored, droppedForStreamLimit });
        }
        // the group's FTS rows in one statement, one FTS5 segment per commit
        if (next > start) fts.run(start, next - 1);
        this.nextId = next;
        return out;
      });
      this.groupCommit = new GroupCommit<readonly LogRecord[], LogInsertResult>(
        (group) => {
          const added: string[] = [];
          try {
            return commitGroup(group, added);
          } catch (e) {
            // the streams added by the rolled-back transaction are gone with it
            for (const k of added) this.streamIds.delete(k);
            this.nextId = undefined;
            throw e;
          }
        },
        (records) => records.length,
        // holding kysely's connection: no kysely transaction (retention) is open while the group runs
        (fn) => this.db.connection().execute(async () => fn()),
        limits,
      );
    }
  }

  /** SQLite: reloads the in-memory stream map from the stream table (after streams were removed). */
  reloadStreams(): void {
    this.loadStreams?.();
  }

  /**
   * Stores entries in one transaction (on SQLite together with the other batches waiting for a commit; settles
   * after that commit); entries of a new label set are refused while `maxStreams` streams exist (the others are
   * stored).
   * @throws driver errors on backend failure (nothing of the batch is stored); LimitExceededError when the
   *   SQLite write queue is full (nothing of the batch is stored)
   */
  async storeLogs(records: readonly LogRecord[]): Promise<LogInsertResult> {
    if (records.length === 0) return { stored: 0, droppedForStreamLimit: [] };
    if (this.groupCommit === undefined)
      return this.db.transaction().execute((trx) => this.insertPostgres(trx, records));
    return this.groupCommit.write(records);
  }

  /**
   * PostgreSQL: the batch's streams by fingerprint (locked against removal until the batch commits), the missing
   * ones added up to the cap, then the entries.
   */
  private async insertPostgres(
    trx: Transaction<LogDatabase>,
    records: readonly LogRecord[],
  ): Promise<LogInsertResult> {
    const keys = records.map(streamKeyOf);
    const wanted = new Map<string, LogRecord>();
    keys.forEach((k, i) => wanted.has(k) || wanted.set(k, records[i]!));
    const ids = new Map<string, number>();
    const lookUp = async (ks: readonly string[]): Promise<void> => {
      const rows = await trx
        .selectFrom('log_streams')
        .select(['id', 'service', 'node_id', 'region', 'level', 'component'])
        .where('fingerprint', 'in', ks.map(streamFingerprint))
        .forKeyShare()
        .execute();
      for (const r of rows) {
        const k = streamKeyOfRow(r);
        if (wanted.has(k)) ids.set(k, Number(r.id));
      }
    };
    await lookUp([...wanted.keys()]);
    const missing = [...wanted.keys()].filter((k) => !ids.has(k));
    if (missing.length > 0) {
      const n = await trx
        .selectFrom('log_streams')
        .select(sql<number | string>`count(*)`.as('n'))
        .executeTakeFirstOrThrow();
      const room = missing.slice(0, Math.max(0, this.maxStreams - Number(n.n)));
      if (room.length > 0) {
        await trx
          .insertInto('log_streams')
          .values(
            room.map((k) => ({ fingerprint: streamFingerprint(k), ...streamColumnsOf(wanted.get(k)!) })),
          )
          .onConflict((oc) => oc.columns([...LOG_LABELS]).doNothing())
          .execute();
        await lookUp(room);
      }
    }
    const dropped: number[] = [];
    const rows = [];
    for (let i = 0; i < records.length; i++) {
      const r = records[i]!;
      const sid = ids.get(keys[i]!);
      if (sid === undefined) dropped.push(i);
      else
        rows.push({
          time_us: r.timeUs,
          stream_id: sid,
          trace_id: r.traceId,
          span_id: r.spanId,
          body: r.body,
          attrs: attrsJson(r.attributes),
        });
    }
    for (let i = 0; i < rows.length; i += ROWS_PER_INSERT)
      await trx
        .insertInto('log_entries')
        .values(rows.slice(i, i + ROWS_PER_INSERT))
        .execute();
    return { stored: rows.length, droppedForStreamLimit: dropped };
  }

  /** Number of streams (label sets) stored. */
  async streamCount(): Promise<number> {
    if (this.dialect === 'sqlite') return this.streamIds.size;
    const r = await this.db
      .selectFrom('log_streams')
      .select(sql<number | string>`count(*)`.as('n'))
      .executeTakeFirstOrThrow();
    return Number(r.n);
  }
}
