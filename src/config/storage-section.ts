/**
 * The `storage` section: where samples live (SQLite or PostgreSQL in the rows or chunks layout, or
 * VictoriaMetrics, src/config/remote-storage-section.ts) and how long raw samples are kept (docs/storage.md).
 */
import { z } from 'zod';
import { window } from './fields.ts';
import { victoriaMetricsStorageSchema } from './remote-storage-section.ts';

/** Sample layout of `storage.type: sqlite` when the configuration does not name one. */
const DEFAULT_SQLITE_LAYOUT: 'rows' | 'chunks' = 'chunks';

/**
 * Raw-sample retention when `storage.retention` is not set: 48 h for the chunks layout (which keeps rollups
 * for 31 days and a year besides), 6 h for the rows layout (one row per sample, no rollups).
 */
export function defaultRetentionMs(layout: 'rows' | 'chunks'): number {
  return layout === 'chunks' ? 48 * 3_600_000 : 6 * 3_600_000;
}

/**
 * The `storage` section: `sqlite` (default), `postgres` or `victoriametrics`; SQL storage without a
 * `retention` gets {@link defaultRetentionMs} of its layout.
 */
export const storageSectionSchema = z
  .discriminatedUnion('type', [
    z.strictObject({
      type: z.literal('sqlite'),
      path: z.string().default('./data/dwcp-monitor.db'),
      /** Raw samples kept; default {@link defaultRetentionMs} of the layout. */
      retention: window.optional(),
      /** `chunks`: head + WAL + compressed chunks and rollups (docs/storage.md); `rows`: one row per sample. */
      layout: z.enum(['rows', 'chunks']).default(DEFAULT_SQLITE_LAYOUT),
      /** WAL directory of the chunks layout (default: the database path + `.wal`). */
      walDir: z.string().min(1).optional(),
      /** Bytes of decoded rollup rows the chunks layout keeps for range queries (0: no cache; docs/storage.md). */
      queryCacheBytes: z.number().int().min(0).optional(),
      /** Bytes of aggregated range-query results the chunks layout keeps (0: no cache; docs/storage.md). */
      queryResultCacheBytes: z.number().int().min(0).optional(),
    }),
    z.strictObject({
      type: z.literal('postgres'),
      url: z.string().min(1),
      retention: window.optional(),
      /** Default chunks, as with SQLite (rollups cover 30-day SLO windows); a database of the rows layout is refused. */
      layout: z.enum(['rows', 'chunks']).default('chunks'),
      /** WAL directory of the chunks layout on the monitor's local disk. */
      walDir: z.string().min(1).default('./data/dwcp-monitor.wal'),
      /** Bytes of decoded rollup rows the chunks layout keeps for range queries (0: no cache; docs/storage.md). */
      queryCacheBytes: z.number().int().min(0).optional(),
      /** Bytes of aggregated range-query results the chunks layout keeps (0: no cache; docs/storage.md). */
      queryResultCacheBytes: z.number().int().min(0).optional(),
    }),
    victoriaMetricsStorageSchema,
  ])
  .transform((s) =>
    s.type === 'victoriametrics' ? s : { ...s, retention: s.retention ?? defaultRetentionMs(s.layout) },
  )
  .default({
    type: 'sqlite',
    path: './data/dwcp-monitor.db',
    retention: defaultRetentionMs(DEFAULT_SQLITE_LAYOUT),
    layout: DEFAULT_SQLITE_LAYOUT,
  });
