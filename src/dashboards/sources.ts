/**
 * What dashboard widgets read, as narrow interfaces: the composition root passes the same stores and providers
 * the HTTP API reads (the sample store for catalog metric queries, the anomaly history, the alerting's
 * incidents, the network telemetry provider); each optional source left out makes its widgets `unavailable`.
 */
import type { Incident } from '../contract/alerting.ts';
import type { LogLine } from '../contract/dashboards.ts';
import type { NetworkOverview } from '../contract/network.ts';
import type { AggregatingRangeReader, SteppedSampleReader } from '../store/stepped-types.ts';
import type { AnomalyStore, SampleStore } from '../store/types.ts';
import type { TenantScope } from '../model/tenant-scope.ts';

/** A log search over `[startMs, endMs]`, newest first, at most `limit` lines. */
export interface LogSearch {
  readonly startMs: number;
  readonly endMs: number;
  readonly search?: string;
  readonly match: Readonly<Record<string, string>>;
  readonly limit: number;
  /** Only lines of this tenant scope's nodes or regions (the log store filters; default every line). */
  readonly scope?: TenantScope;
}

/** The sources of widget data. */
export interface DashboardDataSources {
  /** Catalog metric queries: series lookup and points (stores with rollups read at the step's resolution). */
  readonly samples: Pick<SampleStore, 'findSeries' | 'readPoints'> &
    Partial<SteppedSampleReader> &
    Partial<AggregatingRangeReader>;
  readonly anomalies?: Pick<AnomalyStore, 'list'>;
  readonly incidents?: {
    listIncidents(limit: number, status?: Incident['status'], scope?: TenantScope): Promise<Incident[]>;
  };
  readonly network?: { network(windowMs: number, nowMs: number, region?: string): Promise<NetworkOverview> };
  readonly logs?: { search(q: LogSearch): Promise<LogLine[]> };
}

/** Read bounds of one metric query (the API's range-query limits). */
export interface QueryReadLimits {
  /** Series read per query at most (more → warning). */
  readonly seriesMax: number;
  /** Raw points per series at most (the latest; more → warning). */
  readonly rawPointsPerSeries: number;
  /** Points the step aims at per series. */
  readonly targetPoints: number;
}
