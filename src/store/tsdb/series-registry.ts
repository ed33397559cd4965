/**
 * Series rows of the chunked store (`series(id, hash, name, labels)`, tsdb migration 0002): resolves canonical
 * keys to ids through the index on the key's 53-bit hash (`select ... where hash in (...)`, then the row's name
 * and labels blob compared with the key's, so keys that share a hash stay apart), creating missing series in
 * bulk; builds keys of rows back from name and labels (WAL replay, retention, series search).
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
/** PostgreSQL advisory lock taken by a transaction that inserts series (no unique index stops duplicates). */
const SERIES_INSERT_LOCK = 0x64776370_5;

interface Candidate {
  readonly spec: SeriesSpec;
  readonly labels: Buffer;
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
  for (const spec of specs) {
    const h = seriesKeyHash(spec.key);
    const c = { spec, labels: encodeLabels(spec.labels) };
    const list = byHash.get(h);
    if (list === undefined) byHash.set(h, [c]);
    else list.push(c);
  }
  /** Records the rows that are one of the specs (same hash, name and labels bytes). */
  const take = (
    rows: readonly { id: number; hash: number | string; name: string; labels: Buffer }[],
  ): void => {
    for (const r of rows)
      for (const c of byHash.get(Number(r.hash)) ?? [])
        if (c.spec.name === r.name && c.labels.equals(r.labels)) ids.set(c.spec.key, Number(r.id));
  };
  const per = HASHES_PER_STATEMENT[dialect];
  const selectKnown = async (hashes: number[]): Promise<void> => {
    for (let i = 0; i < hashes.length; i += per) {
      const rows = await db
        .selectFrom('series')
        .select(['id', 'hash', 'name', 'labels'])
        .where('hash', 'in', hashes.slice(i, i + per))
        .execute();
      take(rows);
    }
  };
  const missingHashes = (): number[] => {
    const out: number[] = [];
    for (const [h, cs] of byHash) if (cs.some((c) => !ids.has(c.spec.key))) out.push(h);
    return out;
  };
  await selectKnown([...byHash.keys()]);
  if (ids.size === specs.length) return ids;
  if (dialect === 'postgres') {
    await sql`select pg_advisory_xact_lock(${SERIES_INSERT_LOCK})`.execute(db);
    await selectKnown(missingHashes());
  }
  const missing: { hash: number; c: Candidate }[] = [];
  const seen = new Set<string>();
  for (const [hash, cs] of byHash)
    for (const c of cs)
      if (!ids.has(c.spec.key) && !seen.has(c.spec.key)) {
        seen.add(c.spec.key);
        missing.push({ hash, c });
      }
  const rowsPer = ROWS_PER_INSERT[dialect];
  for (let i = 0; i < missing.length; i += rowsPer) {
    const part = missing.slice(i, i + rowsPer);
    const rows = await db
      .insertInto('series')
      .values(part.map((m) => ({ hash: m.hash, name: m.c.spec.name, labels: m.c.labels })))
      .returning(['id', 'hash', 'name', 'labels'])
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
      .select(['id', 'name', 'labels'])
      .where('id', 'in', ids.slice(i, i + 1000))
      .execute();
    for (const r of rows) out.set(Number(r.id), rowKey(r.name, r.labels));
  }
  return out;
}
