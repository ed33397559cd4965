/** Helpers shared by the SQL stores (SQLite and PostgreSQL through one kysely query layer). */
import { StoreError } from '../../errors.ts';
import type { Labels } from '../../model/sample.ts';
import type { StoreDialect } from '../migrations.ts';

/** Bind parameters per statement we stay under: SQLite's default limit is 32 766, PostgreSQL's 65 535. */
export const MAX_PARAMS: Readonly<Record<StoreDialect, number>> = { sqlite: 32_000, postgres: 60_000 };

/**
 * A double as stored: NaN becomes NULL (SQLite cannot store NaN; both dialects use NULL so reads are
 * uniform) and -0 becomes +0 (what both drivers stored anyway: SQLite keeps no sign on a zero, pg sends "0").
 */
export function toDbValue(v: number): number | null {
  return Number.isNaN(v) ? null : v === 0 ? 0 : v;
}

/** A stored double as read: NULL is NaN; PostgreSQL may return numerics as strings. */
export function fromDbValue(v: number | string | null): number {
  return v === null ? Number.NaN : Number(v);
}

/** `e` as a StoreError naming the operation (a StoreError passes through unchanged). */
export function wrap(what: string, e: unknown): StoreError {
  if (e instanceof StoreError) return e;
  return new StoreError(`${what} failed: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
}

/** Labels stored as JSON text. */
export function parseLabels(json: string): Labels {
  return JSON.parse(json) as Labels;
}
