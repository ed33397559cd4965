/**
 * The trace store's retention statements: spans by start time (deleted oldest first in slices of 10 minutes
 * of start time, so no statement holds the database for long), the oldest spans beyond a count cap (whole
 * start times), and process and operation rows last seen before a time (./last-seen.ts keeps that safe).
 * The store runs them one at a time with its writes and clears its caches after rows went.
 */
import { sql, type Kysely } from 'kysely';
import type { TraceDatabase } from './schema.ts';

/** Retention deletes at most this much time per statement, µs (10 min). */
const RETENTION_SLICE_US = 600_000_000;

/** Deletes the spans that started before `cutoffUs` (Unix µs), in slices. @returns spans deleted */
export async function deleteSpansBefore(db: Kysely<TraceDatabase>, cutoffUs: number): Promise<number> {
  const first = await db
    .selectFrom('trace_spans')
    .select(sql<number | string | null>`min(start_us)`.as('m'))
    .executeTakeFirst();
  if (first?.m === null || first?.m === undefined) return 0;
  let deleted = 0;
  for (let from = Number(first.m); from < cutoffUs; from += RETENTION_SLICE_US) {
    const r = await db
      .deleteFrom('trace_spans')
      .where('start_us', '<', Math.min(cutoffUs, from + RETENTION_SLICE_US))
      .executeTakeFirst();
    deleted += Number(r.numDeletedRows);
  }
  return deleted;
}

/**
 * Of `count` stored spans, deletes the oldest beyond `max` (whole start times: spans sharing the cut-off start
 * are kept). @returns spans deleted and the cut-off start (Unix µs), or undefined when nothing was cut
 */
export async function deleteSpansBeyond(
  db: Kysely<TraceDatabase>,
  count: number,
  max: number,
): Promise<{ readonly deleted: number; readonly cutUs: number } | undefined> {
  if (count <= max) return undefined;
  const cut = await db
    .selectFrom('trace_spans')
    .select('start_us')
    .orderBy('start_us')
    .offset(count - max)
    .limit(1)
    .executeTakeFirst();
  if (cut === undefined) return undefined;
  const r = await db
    .deleteFrom('trace_spans')
    .where('start_us', '<', Number(cut.start_us))
    .executeTakeFirst();
  return { deleted: Number(r.numDeletedRows), cutUs: Number(cut.start_us) };
}

/** Deletes the operation and process rows last seen before `beforeUs` (Unix µs). @returns rows deleted */
export async function deleteUnseenBefore(db: Kysely<TraceDatabase>, beforeUs: number): Promise<number> {
  const ops = await db.deleteFrom('trace_operations').where('last_seen_us', '<', beforeUs).executeTakeFirst();
  const procs = await db
    .deleteFrom('trace_processes')
    .where('last_seen_us', '<', beforeUs)
    .executeTakeFirst();
  return Number(ops.numDeletedRows) + Number(procs.numDeletedRows);
}
