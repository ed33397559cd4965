/**
 * The log store's write path: one transaction per batch. On SQLite a prepared statement per entry row (stream ids
 * from an in-memory map of every stream, new streams added in the same transaction), then one statement filling
 * the batch's FTS rows from the rows just written, on the better-sqlite3 connection under kysely while holding
 * kysely's connection; on PostgreSQL the batch's streams looked up (or added) by fingerprint, then multi-row
 * inserts. Entries of a new label set beyond the stream cap are refused and reported.
 */
import { sql, type Kysely, type Transaction } from 'kysely';
import { LOG_LABELS, type LogRecord } from '../record.ts';
import type { LogStoreDialect } from './migrations.ts';
import { attrsJson } from './log-rows.ts';
import type { LogInsertResult, LogStoreBackend } from './log-types.ts';
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

/** Writes batches of entries into one log store (one writer per store). */
export class LogWriter {
  private readonly db: Kysely<LogDatabase>;
  private readonly dialect: LogStoreDialect;
  private readonly maxStreams: number;
  private nextId: number | undefined;
  /** SQLite: stream id by label-set key, every stream of the store (at most `maxStreams`). */
  private readonly streamIds = new Map<string, number>();
  /** SQLite: one batch of records, ids from `first` on, in one transaction; returns the entries written. */
  private readonly sqliteInsert:
    | ((records: readonly LogRecord[], first: number, added: string[], dropped: number[]) => number)
    | undefined;
  /** SQLite: reloads {@link streamIds} from the stream table. */
  private readonly loadStreams: (() => void) | undefined;

  constructor(db: Kysely<LogDatabase>, backend: LogStoreBackend, maxStreams: number) {
    this.db = db;
    this.dialect = backend.dialect;
    this.maxStreams = maxStreams;
    if (backend.dialect === 'sqlite') {
      const { raw } = backend;
      const entry = raw.prepare(
        'insert into log_entries (id, time_us, stream_id, trace_id, span_id, body, attrs) values (?, ?, ?, ?, ?, ?, ?)',
      );
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
      this.sqliteInsert = raw.transaction(
        (records: readonly LogRecord[], first: number, added: string[], dropped: number[]) => {
          let id = first;
          // the receivers give consecutive entries of one stream the same label strings and attributes object:
          // the stream id and the attributes' JSON are looked up and built once per run of such entries
          let last: LogRecord | undefined;
          let sid: number | undefined;
          let attrs = '';
          for (let i = 0; i < records.length; i++) {
            const r = records[i]!;
            if (last === undefined || r.attributes !== last.attributes) attrs = attrsJson(r.attributes);
            if (last !== undefined && sameStream(r, last)) {
              last = r;
              entry.run(id++, r.timeUs, sid, r.traceId, r.spanId, r.body, attrs);
              continue;
            }
            last = undefined;
            const key = streamKeyOf(r);
            sid = this.streamIds.get(key);
            if (sid === undefined) {
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
            entry.run(id++, r.timeUs, sid, r.traceId, r.spanId, r.body, attrs);
          }
          if (id > first) fts.run(first, id - 1);
          return id - first;
        },
      );
    }
  }

  /** SQLite: reloads the in-memory stream map from the stream table (after streams were removed). */
  reloadStreams(): void {
    this.loadStreams?.();
  }

  /**
   * Stores entries in one transaction; entries of a new label set are refused while `maxStreams` streams exist
   * (the others are stored).
   * @throws driver errors on backend failure (nothing of the batch is stored)
   */
  async storeLogs(records: readonly LogRecord[]): Promise<LogInsertResult> {
    if (records.length === 0) return { stored: 0, droppedForStreamLimit: [] };
    const sqliteInsert = this.sqliteInsert;
    if (sqliteInsert === undefined)
      return this.db.transaction().execute((trx) => this.insertPostgres(trx, records));
    // SQLite: ids are assigned here (one writer per store) so the FTS rows can share them without a read-back
    if (this.nextId === undefined) {
      const r = await this.db
        .selectFrom('log_entries')
        .select(sql<number | null>`max(id)`.as('m'))
        .executeTakeFirst();
      this.nextId = Number(r?.m ?? 0) + 1;
    }
    // ids reserved before waiting for the connection (batches may queue behind each other); dropped entries leave gaps
    const first = this.nextId;
    this.nextId += records.length;
    const added: string[] = [];
    const dropped: number[] = [];
    try {
      // holding kysely's connection: no kysely transaction (retention) is open while the batch runs
      const stored = await this.db
        .connection()
        .execute(async () => sqliteInsert(records, first, added, dropped));
      return { stored, droppedForStreamLimit: dropped };
    } catch (e) {
      // the streams added by the rolled-back batch are gone with it
      for (const k of added) this.streamIds.delete(k);
      this.nextId = undefined;
      throw e;
    }
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
