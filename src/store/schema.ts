/**
 * Kysely table types of the store (created by `src/store/migrations.ts`). Column types are what the query
 * layer writes and reads on both dialects; int8 columns may come back from PostgreSQL as strings, so reads go
 * through `Number()` in `src/store/kysely-store.ts`.
 */
import type { ColumnType, Generated } from 'kysely';

/** An int8/bigint column: written as a number, read as number (SQLite) or string (pg). */
export type BigIntColumn = ColumnType<number | string, number, number>;

/** One series: canonical key (`seriesKey`), metric name and labels as JSON. */
export interface SeriesTable {
  id: Generated<number>;
  key: string;
  name: string;
  labels_json: string;
}

/**
 * One sample. `value` is NULL for NaN (SQLite cannot store NaN; PostgreSQL would, but both dialects use
 * NULL so reads are uniform). ±Infinity are stored as themselves on both.
 */
export interface SamplesTable {
  series_id: number;
  ts: BigIntColumn;
  value: number | null;
}

/** One anomaly (fields of `Anomaly`); doubles are NULL for NaN; `acknowledged` is 0/1. */
export interface AnomaliesTable {
  id: Generated<number>;
  series_key: string;
  metric: string;
  labels_json: string;
  component: string;
  kind: string;
  started_at: BigIntColumn;
  detected_at: BigIntColumn;
  resolved_at: ColumnType<number | string | null, number | null, number | null>;
  observed: number | null;
  expected: number | null;
  lower_bound: number | null;
  upper_bound: number | null;
  deviation: number | null;
  confidence: number | null;
  severity: string;
  /** `severityRank(severity)`, for minimum-severity filters. */
  severity_rank: number;
  detector: string;
  acknowledged: number;
  /** Detector score 0..1 (NULL for NaN); added by migration 0003. */
  score: number | null;
  /** `Anomaly.votes` as JSON; added by migration 0003 ('[]' for older rows). */
  votes_json: ColumnType<string, string | undefined, string>;
  /** `Anomaly.resolution` (NULL when absent); added by migration 0004 (NULL for older rows). */
  resolution: ColumnType<string | null, string | null | undefined, string | null>;
}

/**
 * The learned state of one series' detector (`DetectorSnapshot` of src/analysis/anomaly/detector.ts), one row
 * per derived series: the latest checkpoint wins. `state_json` is the snapshot's `state` as JSON text (at most
 * `MAX_DETECTOR_STATE_BYTES` UTF-8 bytes); `updated_at` is the checkpoint time in Unix ms.
 */
export interface DetectorStatesTable {
  series_key: string;
  detector: string;
  version: number;
  state_json: string;
  updated_at: BigIntColumn;
}

/** The database as kysely sees it. */
export interface Database {
  series: SeriesTable;
  samples: SamplesTable;
  anomalies: AnomaliesTable;
  detector_states: DetectorStatesTable;
}
