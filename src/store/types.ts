/**
 * Narrow storage interfaces. Backends (SQLite default and PostgreSQL through one kysely query layer in
 * ./sql/, bounded in-memory stores in ./memory/) implement them; the rest of the code depends only on these.
 * Every backend runs the same contract suite (test/helpers/store-contract.ts).
 */
import type { DwcpError } from '../errors.ts';
import type { Anomaly, AnomalyResolution } from '../model/anomaly.ts';
import type { TenantScope } from '../model/tenant-scope.ts';
import type { Component, Severity } from '../model/dwcp.ts';
import type { Labels, Sample } from '../model/sample.ts';

/** A stored series. */
export interface SeriesRef {
  readonly id: number;
  readonly key: string;
  readonly name: string;
  readonly labels: Labels;
}

/**
 * Why a sample was not stored. `invalid_text`: its metric name or a label contains U+0000 (NUL), which
 * PostgreSQL text cannot hold, so no backend stores it. `too_old` / `too_far_ahead`: its timestamp is outside the
 * window the monitor accepts around the arrival time. `series_limit`: a new series over its source's share.
 * `queue_full`: a remote store's write queue (storage.type victoriametrics) had no room for it.
 */
export type RejectReason =
  | 'non_finite'
  | 'duplicate'
  | 'out_of_order'
  | 'series_limit'
  | 'invalid_text'
  | 'too_old'
  | 'too_far_ahead'
  | 'queue_full';

/** Outcome of one append. `stored + sum(rejected)` equals the batch size. */
export interface AppendResult {
  readonly stored: number;
  readonly rejected: Readonly<Partial<Record<RejectReason, number>>>;
}

/** Samples of one series in time order: parallel arrays, timestamps in Unix ms. */
export interface SeriesPoints {
  readonly series: SeriesRef;
  readonly timestampsMs: readonly number[];
  readonly values: readonly number[];
}

/** Time-series storage with bounded retention. */
export interface SampleStore {
  /**
   * Stores a batch atomically. Samples with non-finite values are stored (NaN/Inf are legal in the
   * exposition format) only when `allowNonFinite` was configured; otherwise rejected as `non_finite`.
   * A sample whose (series, timestamp) already exists is rejected as `duplicate` (the first one wins), a
   * sample whose name or labels contain NUL as `invalid_text`; -0 is stored as +0.
   * Out-of-order samples (older than the series' last stored timestamp) are NOT rejected by the store: the
   * monitor drops them before calling append and counts them as `out_of_order`. A store reports
   * `non_finite`, `duplicate` and `invalid_text`; a store bounded in series (in memory) also `series_limit`.
   * @throws InvalidInputError when a timestamp is not a safe integer (nothing of the batch is stored).
   * @param keys when given, `keys[i]` is `seriesKey(batch[i].name, batch[i].labels)` (src/model/sample.ts), already
   *   built by the caller (the series tracker), so a store keyed by it need not build it again.
   * @throws StoreError on backend failure (nothing of the batch is stored).
   */
  append(batch: readonly Sample[], keys?: readonly string[]): Promise<AppendResult>;
  /** Metric names containing `substring` (case-insensitive, literal), in byte order, at most `limit`. */
  searchMetricNames(substring: string, limit: number): Promise<string[]>;
  /** Series of metric `name` whose labels equal every entry of `match`, in creation order; at most `limit`. */
  findSeries(name: string, match: Labels, limit: number): Promise<SeriesRef[]>;
  /** Points of the given series in [startMs, endMs], at most `maxPointsPerSeries` (the latest ones). */
  readPoints(
    series: readonly SeriesRef[],
    startMs: number,
    endMs: number,
    maxPointsPerSeries: number,
  ): Promise<SeriesPoints[]>;
  /**
   * Deletes samples older than `nowMs - retentionMs`, and series left empty (a later sample recreates a series
   * under a new id; ids are never reused). Returns samples deleted.
   * @throws InvalidInputError when `nowMs` is not finite.
   */
  applyRetention(nowMs: number): Promise<number>;
  /** Number of stored samples (for tests and /metrics). */
  countSamples(): Promise<number>;
  close(): Promise<void>;
}

/** Filters of GET /api/anomalies. Times in Unix ms, inclusive. */
export interface AnomalyFilter {
  readonly startMs?: number;
  readonly endMs?: number;
  readonly component?: Component | 'system';
  /** Exact severity, or `minSeverity` for this severity and above. */
  readonly severity?: Severity;
  readonly minSeverity?: Severity;
  /** Only the anomaly with this id. */
  readonly id?: number;
  /** Only anomalies of the nodes (`node_id`) or regions (`region` label) of this tenant scope (src/model/tenant-scope.ts). */
  readonly scope?: TenantScope;
  readonly limit: number;
}

/** Anomaly history with bounded size (oldest resolved anomalies are pruned first). */
export interface AnomalyStore {
  /**
   * Stores an anomaly and returns it as stored, with its id (increasing, never reused): at most
   * `MAX_STORED_VOTES` votes, -0 as +0.
   * @throws InvalidInputError when startedAtMs, detectedAtMs or a non-null resolvedAtMs is not an integer in ms.
   */
  insert(a: Omit<Anomaly, 'id'>): Promise<Anomaly>;
  /**
   * Marks an anomaly resolved at `resolvedAtMs`, with `reason` (why it ended) stored as its `resolution`.
   * @throws InvalidInputError when `resolvedAtMs` is not an integer in ms. @throws NotFoundError when no
   * anomaly has this id.
   */
  resolve(id: number, resolvedAtMs: number, reason: AnomalyResolution): Promise<void>;
  /**
   * Marks an anomaly acknowledged and returns it.
   * @throws NotFoundError when no anomaly has this id.
   */
  acknowledge(id: number): Promise<Anomaly>;
  /** Newest first (started desc, then id desc). */
  list(filter: AnomalyFilter): Promise<Anomaly[]>;
  /** Deletes the oldest anomalies beyond `maxAnomalies`. Returns how many were deleted. */
  prune(maxAnomalies: number): Promise<number>;
  /**
   * Open anomalies (no `resolvedAtMs`), newest first (started desc, then id desc), at most `limit`: what a
   * restarted monitor takes over (monitor/open-anomalies.ts).
   * @throws InvalidInputError on a bad limit.
   */
  listOpen(limit: number): Promise<Anomaly[]>;
}

/** Votes stored per anomaly at most (an ensemble has at most 16 members); `Anomaly.votes` beyond it are dropped. */
export const MAX_STORED_VOTES = 16;

/** Largest stored detector state: the snapshot's `state` as JSON text, in UTF-8 bytes (64 KiB). */
export const MAX_DETECTOR_STATE_BYTES = 64 * 1024;

/**
 * The learned state of the detector of one derived series: the fields of a `DetectorSnapshot`
 * (src/analysis/anomaly/detector.ts) plus the series key and the checkpoint time.
 */
/**
 * The band an open anomaly of the series was opened against (monitor/detection-hold.ts), kept with its detector
 * state so that after a restart the anomaly still resolves only when its series is back inside it.
 */
export interface HeldBand {
  readonly lower: number;
  readonly upper: number;
  /** Sample time the anomaly opened, Unix ms (its cooldown runs from there). */
  readonly openedAtMs: number;
}

export interface DetectorStateRow {
  readonly seriesKey: string;
  /** `DetectorSnapshot.detector`: which detector wrote the state. */
  readonly detector: string;
  /** `DetectorSnapshot.version`: the layout of `state` (a 32-bit integer). */
  readonly version: number;
  /** `DetectorSnapshot.state`: JSON-safe plain data. */
  readonly state: unknown;
  /** When the state was checkpointed, Unix ms (an integer). */
  readonly updatedAtMs: number;
  /** The band of the series' open anomaly, when one is open with a finite band. */
  readonly hold?: HeldBand;
}

/** Outcome of {@link DetectorStateStore.saveDetectorStates}. `saved + rejected.length` equals the distinct series offered. */
export interface SaveDetectorStatesResult {
  readonly saved: number;
  /**
   * Rows not stored, each with its error: `PayloadTooLargeError` when the state's JSON exceeds
   * `MAX_DETECTOR_STATE_BYTES`, `InvalidInputError` when the state cannot be written as JSON.
   */
  readonly rejected: readonly { readonly seriesKey: string; readonly error: DwcpError }[];
}

/** Outcome of {@link DetectorStateStore.loadDetectorStates}. */
export interface LoadDetectorStatesResult {
  /** Newest first. */
  readonly rows: DetectorStateRow[];
  /** Stored rows skipped because their state is not valid JSON or their fields are invalid (never thrown). */
  readonly malformed: number;
}

/** Learned detector state per series, so that a restarted monitor resumes without a cold start. */
export interface DetectorStateStore {
  /**
   * Upserts one row per series (the latest row of a series key in `rows` wins), in one transaction, in
   * statements bounded in rows and bytes. Oversize or unserialisable states are rejected per row (reported,
   * not stored); the other rows are stored.
   * @throws InvalidInputError when a row has an empty series key or detector name, a version that is not a
   * 32-bit integer or a timestamp that is not an integer (nothing is stored). @throws StoreError on backend
   * failure (nothing is stored).
   */
  saveDetectorStates(rows: readonly DetectorStateRow[]): Promise<SaveDetectorStatesResult>;
  /**
   * At most `limit` stored states, newest first (ties in series-key byte order). Malformed rows are skipped and counted, never thrown.
   * @throws InvalidInputError when `limit` is not a positive integer. @throws StoreError on backend failure.
   */
  loadDetectorStates(limit: number): Promise<LoadDetectorStatesResult>;
  /**
   * Deletes states checkpointed before `cutoffMs` (Unix ms). Returns how many were deleted.
   * @throws InvalidInputError when `cutoffMs` is not finite. @throws StoreError on backend failure.
   */
  deleteDetectorStatesOlderThan(cutoffMs: number): Promise<number>;
}
