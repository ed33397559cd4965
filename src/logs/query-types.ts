/**
 * Bounds of the log query service (./query-service.ts), and small helpers its log and metric queries share;
 * its requests are declared in src/model/log-query.ts (shared with the HTTP API's port).
 */
import type { LokiQueryResponse } from '../contract/logs.ts';
import type { TenantScope } from '../model/tenant-scope.ts';

/** Bounds of the query service. */
export interface LogQueryLimits {
  /** Rows one query reads at most. */
  readonly maxScan: number;
  /** Points per series of a metric query at most ((end − start) / step + 1). */
  readonly maxPoints: number;
  /** Series of a metric query at most (the rest are dropped and `truncated` set). */
  readonly maxSeries: number;
  /** Label values read to resolve one regex matcher. */
  readonly maxLabelValues: number;
}

/** Defaults: 1M rows per query, 11 000 points (Loki's limit), 1000 series, 10 000 label values. */
export const DEFAULT_LOG_QUERY_LIMITS: LogQueryLimits = {
  maxScan: 1_000_000,
  maxPoints: 11_000,
  maxSeries: 1000,
  maxLabelValues: 10_000,
};

/** What an instant log query reads: the hour up to the instant, µs (Loki's default lookback). */
export const INSTANT_LOG_LOOKBACK_US = 3_600_000_000;

/** The data of a streams result. */
export type StreamsData = Extract<LokiQueryResponse['data'], { resultType: 'streams' }>;
/** The data of a matrix result. */
export type MatrixData = Extract<LokiQueryResponse['data'], { resultType: 'matrix' }>;

/** The labels of `labels` named in `names` (those present). */
export function pick(labels: Record<string, string>, names: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const n of names) if (Object.hasOwn(labels, n)) out[n] = labels[n]!;
  return out;
}

/** A series' identity: its labels sorted by name, as JSON. */
export function seriesKey(labels: Record<string, string>): string {
  return JSON.stringify(
    Object.keys(labels)
      .sort()
      .map((k) => [k, labels[k]]),
  );
}

/** The `scope` of a request as a spread (absent when not given, for exactOptionalPropertyTypes). */
export function scopeOf(r: { readonly scope?: TenantScope }): { scope?: TenantScope } {
  return r.scope === undefined ? {} : { scope: r.scope };
}
