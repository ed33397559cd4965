/**
 * Series rows for the chunked store (the base schema's `series` table, shared with the row layout): resolves
 * canonical keys to ids, creating missing series in bulk (`select ... where key in (...)`, then
 * `insert ... on conflict (key) do nothing returning id, key`, then a re-select of keys a concurrent writer
 * inserted in between), and looks keys up by id for WAL replay.
 */
import type { Labels } from '../../model/sample.ts';
import type { StoreDialect } from '../migrations.ts';
import type { TsdbDb } from './chunk-repo.ts';

/** A series to resolve. */
export interface SeriesSpec {
  readonly key: string;
  readonly name: string;
  readonly labels: Labels;
}

const KEYS_PER_STATEMENT: Record<StoreDialect, number> = { sqlite: 16_000, postgres: 30_000 };
const ROWS_PER_INSERT: Record<StoreDialect, number> = { sqlite: 10_000, postgres: 20_000 };

/** Ids of the given series, creating the missing ones. */
export async function resolveSeriesIds(
  db: TsdbDb,
  dialect: StoreDialect,
  specs: readonly SeriesSpec[],
): Promise<Map<string, number>> {
  const ids = new Map<string, number>();
  const per = KEYS_PER_STATEMENT[dialect];
  const selectKnown = async (keys: string[]): Promise<void> => {
    for (let i = 0; i < keys.length; i += per) {
      const rows = await db
        .selectFrom('series')
        .select(['id', 'key'])
        .where('key', 'in', keys.slice(i, i + per))
        .execute();
      for (const r of rows) ids.set(r.key, Number(r.id));
    }
  };
  await selectKnown(specs.map((s) => s.key));
  const missing = specs.filter((s) => !ids.has(s.key));
  const rowsPer = ROWS_PER_INSERT[dialect];
  for (let i = 0; i < missing.length; i += rowsPer) {
    const rows = await db
      .insertInto('series')
      .values(
        missing
          .slice(i, i + rowsPer)
          .map((s) => ({ key: s.key, name: s.name, labels_json: JSON.stringify(s.labels) })),
      )
      .onConflict((oc) => oc.column('key').doNothing())
      .returning(['id', 'key'])
      .execute();
    for (const r of rows) ids.set(r.key, Number(r.id));
  }
  const still = missing.filter((s) => !ids.has(s.key)).map((s) => s.key);
  if (still.length > 0) await selectKnown(still);
  return ids;
}

/** Keys of the given series ids (ids without a row are absent). */
export async function keysOfIds(db: TsdbDb, ids: readonly number[]): Promise<Map<number, string>> {
  const out = new Map<number, string>();
  for (let i = 0; i < ids.length; i += 1000) {
    const rows = await db
      .selectFrom('series')
      .select(['id', 'key'])
      .where('id', 'in', ids.slice(i, i + 1000))
      .execute();
    for (const r of rows) out.set(Number(r.id), r.key);
  }
  return out;
}
