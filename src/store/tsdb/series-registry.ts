/**
 * Series rows of the chunked store (`series(id, hash, name_id, labels)` and `tsdb_metric_names(id, name)`, tsdb
 * migrations 0002 and 0003): resolves canonical keys to ids through the index on the key's 53-bit hash
 * (`select ... where hash in (...)`, then the row's name id and labels blob compared with the key's, so keys
 * that share a hash stay apart), creating missing metric names and series in bulk; builds keys of rows back from
 * name and labels (WAL replay, retention, series search).
 */
import { sql } from 'kysely';
import { seriesKey, type Labels } from '../../model/sample.ts';
import type { StoreDialect } from '../migrations.ts';
import type { TsdbDb } from './chunk-repo.ts';
import { decodeLabels, encodeLabels, seriesKeyHash } from './codec/labels.ts';

/** A series to resolve; `key` is `seriesKey(name, labels)`. */
export interface SeriesSpec {
  readonly key: string;
  readonly name: string;
  readonly labels: Labels;
}

const HASHES_PER_STATEMENT: Record<StoreDialect, number> = { sqlite: 16_000, postgres: 30_000 };
const ROWS_PER_INSERT: Record<StoreDialect, number> = { sqlite: 10_000, postgres: 20_000 };
/** Metric names looked up per statement. */
const NAMES_PER_STATEMENT = 1000;
/**
 * PostgreSQL advisory lock taken by a transaction that inserts series (no unique index stops duplicates) or
 * deletes metric names left without series (so a name is never deleted under a series being inserted with it).
 */
export const SERIES_INSERT_LOCK = 0x64776370_5;

interface Candidate {
  readonly spec: SeriesSpec;
  readonly labels: Buffer;
}

/** Ids of those of `names` that have a row in `tsdb_metric_names`. */
export async function metricNameIds(db: TsdbDb, names: readonly string[]): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for (let i = 0; i < names.length; i += NAMES_PER_STATEMENT) {
    const rows = await db
      .selectFrom('tsdb_metric_names')
      .select(['id', 'name'])
      .where('name', 'in', names.slice(i, i + NAMES_PER_STATEMENT))
      .execute();
    for (const r of rows) out.set(r.name, Number(r.id));
  }
  return out;
}

/** Adds the rows of `names` missing from `tsdb_metric_names` and records every id in `ids`. */
async function createMetricNames(
  db: TsdbDb,
  names: readonly string[],
  ids: Map<string, number>,
): Promise<void> {
  const missing = names.filter((n) => !ids.has(n));
  for (let i = 0; i < missing.length; i += NAMES_PER_STATEMENT) {
    await db
      .insertInto('tsdb_metric_names')
      .values(missing.slice(i, i + NAMES_PER_STATEMENT).map((name) => ({ name })))
      .onConflict((oc) => oc.column('name').doNothing())
      .execute();
  }
  for (const [n, id] of await metricNameIds(db, missing)) ids.set(n, id);
}

/**
 * Deletes metric names that no series holds any more (after series were deleted, in the same transaction; on
 * PostgreSQL under the series-insert lock).
 */
export async function deleteUnusedMetricNames(db: TsdbDb, dialect: StoreDialect): Promise<void> {
  if (dialect === 'postgres') await sql`select pg_advisory_xact_lock(${SERIES_INSERT_LOCK})`.execute(db);
  await db
    .deleteFrom('tsdb_metric_names')
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('series')
            .select(sql.lit(1).as('one'))
            .whereRef('series.name_id', '=', 'tsdb_metric_names.id'),
        ),
      ),
    )
    .execute();
}

/** The key of a series row: `seriesKey(name, decoded labels)`. @throws StoreError on a corrupt labels blob. */
export function rowKey(name: string, labels: Uint8Array): string {
  return seriesKey(name, decodeLabels(labels));
}

/**
 * Ids of the given series, creating the missing ones. Run it in a transaction: on PostgreSQL the inserts are
 * serialised by an advisory lock (the missing keys are looked up again once it is held).
 * @throws StoreError on a corrupt row.
 */
export async function resolveSeriesIds(
  db: TsdbDb,
  dialect: StoreDialect,
  specs: readonly SeriesSpec[],
): Promise<Map<string, number>> {
  const ids = new Map<string, number>();
  const byHash = new Map<number, Candidate[]>();
  const names = new Set<string>();
  for (const spec of specs) {
    const h = seriesKeyHash(spec.key);
    const c = { spec, labels: encodeLabels(spec.labels) };
    const list = byHash.get(h);
    if (list === undefined) byHash.set(h, [c]);
    else list.push(c);
    names.add(spec.name);
  }
  let nameIds = await metricNameIds(db, [...names]);
  /** Records the rows that are one of the specs (same hash, name id and labels bytes). */
  const take = (
    rows: readonly { id: number; hash: number | string; name_id: number; labels: Buffer }[],
  ): void => {
    for (const r of rows)
      for (const c of byHash.get(Number(r.hash)) ?? [])
        if (nameIds.get(c.spec.name) === Number(r.name_id) && c.labels.equals(r.labels))
          ids.set(c.spec.key, Number(r.id));
  };
  const per = HASHES_PER_STATEMENT[dialect];
  /** Looks up the rows of the hashes whose candidates are missing and whose metric name has an id. */
  const selectKnown = async (): Promise<void> => {
    const hashes: number[] = [];
    for (const [h, cs] of byHash)
      if (cs.some((c) => !ids.has(c.spec.key) && nameIds.has(c.spec.name))) hashes.push(h);
    for (let i = 0; i < hashes.length; i += per) {
      const rows = await db
        .selectFrom('series')
        .select(['id', 'hash', 'name_id', 'labels'])
        .where('hash', 'in', hashes.slice(i, i + per))
        .execute();
      take(rows);
    }
  };
  await selectKnown();
  if (ids.size === specs.length) return ids;
  if (dialect === 'postgres') {
    await sql`select pg_advisory_xact_lock(${SERIES_INSERT_LOCK})`.execute(db);
    // Names may have been added, or deleted with their last series, before the lock was held.
    nameIds = await metricNameIds(db, [...names]);
    await selectKnown();
  }
  const missing: { hash: number; c: Candidate }[] = [];
  const seen = new Set<string>();
  for (const [hash, cs] of byHash)
    for (const c of cs)
      if (!ids.has(c.spec.key) && !seen.has(c.spec.key)) {
        seen.add(c.spec.key);
        missing.push({ hash, c });
      }
  await createMetricNames(db, [...new Set(missing.map((m) => m.c.spec.name))], nameIds);
  const rowsPer = ROWS_PER_INSERT[dialect];
  for (let i = 0; i < missing.length; i += rowsPer) {
    const part = missing.slice(i, i + rowsPer);
    const rows = await db
      .insertInto('series')
      .values(part.map((m) => ({ hash: m.hash, name_id: nameIds.get(m.c.spec.name)!, labels: m.c.labels })))
      .returning(['id', 'hash', 'name_id', 'labels'])
      .execute();
    take(rows); // neither dialect promises the order of returned rows
  }
  return ids;
}

/** Keys of the given series ids (ids without a row are absent). @throws StoreError on a corrupt row. */
export async function keysOfIds(db: TsdbDb, ids: readonly number[]): Promise<Map<number, string>> {
  const out = new Map<number, string>();
  for (let i = 0; i < ids.length; i += 1000) {
    const rows = await db
      .selectFrom('series')
      .innerJoin('tsdb_metric_names', 'tsdb_metric_names.id', 'series.name_id')
      .select(['series.id', 'tsdb_metric_names.name', 'series.labels'])
      .where('series.id', 'in', ids.slice(i, i + 1000))
      .execute();
    for (const r of rows) out.set(Number(r.id), rowKey(r.name, r.labels));
  }
  return out;
}
