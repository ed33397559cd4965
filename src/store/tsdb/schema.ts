/**
 * Kysely table types of the chunked store (created by `./migrations.ts`), added to the base schema, whose
 * `series` table the chunked store's migrations 0002 and 0003 rewrite. Blobs are Buffers on both dialects (SQLite BLOB, PostgreSQL bytea).
 */
import type { ColumnType, Generated } from 'kysely';
import type { BigIntColumn, Database } from '../schema.ts';

/** A blob column: written as a Buffer, read as a Buffer. */
export type BlobColumn = ColumnType<Buffer, Buffer, Buffer>;

/** One raw chunk of one series: samples in [start_ts, end_ts], `samples` of them, compressed (codec/chunk.ts). */
export interface TsdbChunksTable {
  id: Generated<number>;
  series_id: BigIntColumn;
  start_ts: BigIntColumn;
  end_ts: BigIntColumn;
  samples: number;
  data: BlobColumn;
}

/**
 * One rollup row: the buckets of one series at one resolution within one row span (codec/rollup-chunk.ts):
 * bucket starts and last values in `last_data`, count, min, max and sum in `data`. `last_data` comes first so
 * that SQLite reads only its pages for instant-value queries.
 */
export interface TsdbRollupsTable {
  series_id: BigIntColumn;
  /** Bucket width in ms (60 000 or 3 600 000). */
  resolution: number;
  /** Start of the row span (a multiple of the span). */
  start_ts: BigIntColumn;
  /** Start of the last bucket held. */
  end_ts: BigIntColumn;
  buckets: number;
  last_data: BlobColumn;
  data: BlobColumn;
}

/** Small key/value facts of the store (the rollup watermark). */
export interface TsdbMetaTable {
  key: string;
  value: string;
}

/**
 * One series of a chunks-layout database (tsdb migrations `0002_series_key_hash`, `0003_metric_names`): the
 * canonical key is not stored but is `seriesKey(name, labels)` with the name from `tsdb_metric_names`; `hash` is
 * `seriesKeyHash` of the key (indexed, not unique); `name_id` is indexed (series of a metric).
 */
export interface TsdbSeriesTable {
  id: Generated<number>;
  hash: BigIntColumn;
  /** `tsdb_metric_names.id` of the series' metric name. */
  name_id: number;
  /** `encodeLabels` (codec/labels.ts). */
  labels: BlobColumn;
}

/** A metric name held by at least one series (tsdb migration `0003_metric_names`); `name` is unique. */
export interface TsdbMetricNamesTable {
  id: Generated<number>;
  name: string;
}

/** The database as the chunked store sees it. */
export interface TsdbDatabase extends Omit<Database, 'series'> {
  series: TsdbSeriesTable;
  tsdb_metric_names: TsdbMetricNamesTable;
  tsdb_chunks: TsdbChunksTable;
  tsdb_rollups: TsdbRollupsTable;
  tsdb_meta: TsdbMetaTable;
}
