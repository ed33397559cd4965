/**
 * The requests of the log query service: LogQL range and instant queries (GET /loki/api/v1/query_range and
 * /query) and the entry search (GET /api/logs). One declaration for both sides: the log system answers them
 * (src/logs/query-service.ts) and the HTTP API hands them over through its port (src/server/deps.ts `LogSource`),
 * which may not import the log system. No I/O.
 */
import type { LogLevel } from './log-levels.ts';
import type { TenantScope } from './tenant-scope.ts';

/** A query_range request (times in Unix µs, step in ms). */
export interface LogRangeQuery {
  readonly query: string;
  readonly startUs: number;
  readonly endUs: number;
  readonly limit: number;
  readonly stepMs: number;
  readonly direction: 'forward' | 'backward';
  /** Only entries of this tenant scope's nodes or regions (the store filters; default every entry). */
  readonly scope?: TenantScope;
}

/** A GET /loki/api/v1/query request (time in Unix µs). */
export interface LogInstantQuery {
  readonly query: string;
  readonly timeUs: number;
  readonly limit: number;
  readonly direction: 'forward' | 'backward';
  /** As {@link LogRangeQuery.scope}. */
  readonly scope?: TenantScope;
}

/** The indexed labels of an entry a search matches exactly (the level is matched by `levels`). */
export type LogSearchLabelName = 'service' | 'node_id' | 'region' | 'component';

/** A GET /api/logs request (times in Unix µs). */
export interface LogSearchRequest {
  readonly startUs: number;
  readonly endUs: number;
  readonly limit: number;
  /** Full-text words, all required. */
  readonly words: readonly string[];
  readonly levels?: readonly LogLevel[];
  /** Exact label values. */
  readonly labels: Partial<Record<LogSearchLabelName, string>>;
  readonly traceId?: string;
  /** 16 hex digits: only entries of this span. */
  readonly spanId?: string;
  /** A LogQL log query (selector and pipeline) the entries must also match. */
  readonly query?: string;
  /** As {@link LogRangeQuery.scope}. */
  readonly scope?: TenantScope;
}
