/** Metric-name search over a table's `name` column, shared by the row layout (`series`) and the chunked layout (`tsdb_metric_names`). */
import { sql, type Kysely } from 'kysely';
import type { StoreDialect } from '../migrations.ts';

/**
 * Distinct values of `table.name` containing `substring` (case-insensitive; `%` and `_` match literally), in byte
 * order on both dialects, at most `limit`. The caller checks `limit`.
 * @throws the database's error (unwrapped).
 */
export async function searchNamesIn(
  db: Kysely<unknown>,
  dialect: StoreDialect,
  table: 'series' | 'tsdb_metric_names',
  substring: string,
  limit: number,
): Promise<string[]> {
  const pattern = '%' + substring.toLowerCase().replace(/[\\%_]/g, (c) => '\\' + c) + '%';
  // Byte order on both dialects (PostgreSQL's default collation may be locale-aware).
  const order = dialect === 'postgres' ? sql`name collate "C"` : sql`name`;
  const { rows } = await sql<{ name: string }>`select name from ${sql.table(table)}
    where lower(name) like ${pattern} escape ${sql.raw("'\\'")} group by name order by ${order}
    limit ${limit}`.execute(db);
  return rows.map((r) => r.name);
}
