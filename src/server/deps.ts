/**
 * What the HTTP API needs from the rest of the monitor, as narrow interfaces in the API's own terms (the
 * contract types of src/contract and the model): the composition root wires the real scraper, stores, detector
 * and providers in; unit tests pass small in-memory implementations. The server never imports the monitor.
 */
import type { Registry } from 'prom-client';
import { NotFoundError } from '../errors.ts';
import type { CapacityOverview, CapacityResource } from '../contract/capacity.ts';
import type { HealthReport } from '../contract/health.ts';
import type { LiveEvent } from '../contract/live.ts';
import type { ModelPerformanceReport } from '../contract/models.ts';
import type { NetworkOverview } from '../contract/network.ts';
import type { SeriesPrediction } from '../contract/predictions.ts';
import type { RegionsOverview } from '../contract/regions.ts';
import type { RolloutStatus } from '../contract/rollout.ts';
import type { SloOverview } from '../contract/slo.ts';
import type {
  LogsResponse,
  LokiInstantQueryResponse,
  LokiLabelsResponse,
  LokiQueryResponse,
  LokiSeriesResponse,
  LokiTailMessage,
  OtlpLogsExportResponse,
} from '../contract/logs.ts';
import type {
  ExemplarsResponse,
  NamesResponse,
  OtlpExportResponse,
  OtlpStatus,
  TraceSearchRequest,
  TracesResponse,
} from '../contract/traces.ts';
import type { PushRequest, PushResult } from '../contract/push.ts';
import type { ComponentStatus, DroppedTargetStatus, TargetStatus } from '../model/status.ts';
import type { AggregateOptions, AggregateResult } from '../store/query.ts';
import type { AggregatingRangeReader, SteppedSampleReader } from '../store/stepped-types.ts';
import type { AnomalyStore, SampleStore, SeriesPoints } from '../store/types.ts';
import type { AlertingApi } from './alerting-deps.ts';
import type { TenantNodeMapping, TenantScope } from '../model/tenant-scope.ts';
import type { LogInstantQuery, LogRangeQuery, LogSearchRequest } from '../model/log-query.ts';
import type { AuthApi } from './auth-deps.ts';
import type { DashboardsApi } from './dashboards-deps.ts';
import type { ProfilingApi, ReportsApi, SummariesApi } from './ops-deps.ts';

/** A source of live events. `subscribe` returns the function that unsubscribes (idempotent). */
export interface LiveFeed {
  subscribe(listener: (e: LiveEvent) => void): () => void;
}

/** Limits of the API. Every list the API returns or holds is bounded by one of these. */
export interface AppLimits {
  /** Request body limit in bytes; larger bodies get 413. */
  readonly bodyLimitBytes: number;
  /** Default and maximum `limit` of GET /api/anomalies. */
  readonly anomaliesDefault: number;
  readonly anomaliesMax: number;
  /** Default and maximum `limit` of GET /api/metrics/search. */
  readonly searchDefault: number;
  readonly searchMax: number;
  /** Series one GET /api/metrics/query may read (more matching series → result truncated with a warning). */
  readonly querySeriesMax: number;
  /** Raw points read per series (the latest ones; more → warning). */
  readonly queryRawPointsPerSeries: number;
  /** Output points per series (Prometheus' limit is 11,000); an explicit step giving more → 400. */
  readonly queryMaxPoints: number;
  /** Series one selection of the Prometheus query API (/api/v1/query…) may read; more → 422 `execution`. */
  readonly promqlSeriesMax: number;
  /** Points the default step aims at (at most this many). */
  readonly queryDefaultPoints: number;
  /** Concurrent websocket clients of GET /api/live; more are refused (HTTP 503 before the upgrade). */
  readonly liveMaxClients: number;
  /** Concurrent websocket clients from one remote address, so that one client cannot hold every slot (a value above liveMaxClients acts as liveMaxClients). */
  readonly liveMaxClientsPerAddress: number;
  /** When a client's unsent bytes exceed this, new messages to it are dropped (and counted). */
  readonly liveMaxBufferedBytes: number;
  /** Largest message a websocket client may send (clients are not expected to send anything). */
  readonly liveMaxIncomingBytes: number;
  /** Interval of websocket pings; a client that did not answer the previous ping is terminated. */
  readonly livePingIntervalMs: number;
  /** Default and maximum `limit` (traces) of GET /api/traces. */
  readonly tracesDefault: number;
  readonly tracesMax: number;
}

/** Defaults of {@link AppLimits}. */
export const DEFAULT_APP_LIMITS: AppLimits = {
  bodyLimitBytes: 1024 * 1024,
  anomaliesDefault: 100,
  anomaliesMax: 1000,
  searchDefault: 50,
  searchMax: 1000,
  querySeriesMax: 200,
  queryRawPointsPerSeries: 20_000,
  queryMaxPoints: 11_000,
  queryDefaultPoints: 300,
  promqlSeriesMax: 10_000,
  liveMaxClients: 100,
  liveMaxClientsPerAddress: 10,
  liveMaxBufferedBytes: 1024 * 1024,
  liveMaxIncomingBytes: 4096,
  livePingIntervalMs: 30_000,
  tracesDefault: 20,
  tracesMax: 1000,
};

/** Everything `buildApp` depends on. */
export interface AppDeps {
  /**
   * Who may call what (src/server/auth.ts): the auth service, or `disabled` so that every request passes (the
   * configuration allows that only on a loopback listen address; route tests use it).
   */
  readonly auth: AuthApi | 'disabled';
  /**
   * Which nodes each tenant reads (src/server/tenancy.ts): the operator tenant every node, others their mapped
   * nodes, unmapped tenants none. Omitted → every principal reads every node (tests; the monitor always passes it).
   */
  readonly tenants?: TenantNodeMapping;
  /** The monitor's own metrics, exposed at GET /metrics (never prom-client's global registry). */
  readonly registry: Registry;
  health(): HealthReport;
  /** Whether the monitor is ready to serve (GET /ready: 200 or 503). */
  ready(): boolean;
  targets(): readonly TargetStatus[];
  /** Configured targets this monitor does not scrape (another replica's shard); omitted → none. */
  droppedTargets?(): readonly DroppedTargetStatus[];
  componentStatus(): readonly ComponentStatus[];
  /** Anomaly history (GET /api/anomalies) and acknowledgement. */
  readonly anomalies: Pick<AnomalyStore, 'list' | 'acknowledge'>;
  /**
   * Stored series (GET /api/metrics/search and /query); stores with rollups also answer range queries at the
   * resolution the step needs, and the chunked store aggregates them while it reads (`queryRange`).
   */
  readonly samples: Pick<SampleStore, 'searchMetricNames' | 'findSeries' | 'readPoints'> &
    Partial<SteppedSampleReader> &
    Partial<AggregatingRangeReader>;
  /** Range-query aggregation of GET /api/metrics/query (the store's `aggregateSeries`, src/store/query.ts). */
  readonly aggregate: SeriesAggregator;
  readonly live: LiveFeed;
  /** Directory of the built web page (`web/dist`), served at '/'; omitted → no static files. */
  readonly webRoot?: string;
  /** Overrides of {@link DEFAULT_APP_LIMITS}. */
  readonly limits?: Partial<AppLimits>;
  /** Rollout decision, SLO budgets and regional health (GET /api/rollout, /api/slo, /api/regions/health); omitted → 404. */
  readonly insights?: InsightsSource;
  /** Capacity plans per node and resource (GET /api/capacity); omitted → 404. */
  readonly capacity?: CapacitySource;
  /** Inter-region RTT, jitter, loss, bandwidth and tunnel health (GET /api/network); omitted → 404. */
  readonly network?: NetworkSource;
  /** Live detectors' expectations ahead (GET /api/predictions/{metric}); omitted → 404. */
  readonly predictions?: PredictionSource;
  /** The last benchmark report (GET /api/models/performance); omitted → 404. */
  readonly modelPerformance?: ModelPerformanceSource;
  /** Incidents, silences, acknowledgements, rules and delivery health (src/server/routes/incidents.ts, ...); omitted → 404. */
  readonly alerting?: AlertingApi;
  /** /debug/pprof and GET/POST /api/profiles; omitted → 404. */
  readonly profiling?: ProfilingApi;
  /** GET/POST /api/reports; omitted → 404. */
  readonly reports?: ReportsApi;
  /** GET /api/system/metrics and GET /metrics/summary; omitted → 404. */
  readonly summaries?: SummariesApi;
  /** OTLP trace receiver and trace queries (POST /v1/traces, GET /api/traces, /api/traces/{traceId}); omitted → 404. */
  readonly traces?: TraceSource;
  /** Exemplars of scraped histograms (GET /api/v1/query_exemplars); omitted → 404. */
  readonly exemplars?: ExemplarSource;
  /** Log receivers and queries (POST /v1/logs, /loki/api/v1/push, Loki query API, GET /api/logs); omitted → 404. */
  readonly logs?: LogSource;
  /** Dashboards: CRUD, widget data and live updates (/api/dashboards, /ws/dashboards/{id}); omitted → 404. */
  readonly dashboards?: DashboardsApi;
  /** Prometheus remote-write receiver (POST /api/v1/write); omitted → 404. */
  readonly remoteWrite?: RemoteWriteSink;
  /** JSON push of samples (POST /api/metrics); omitted → 404. */
  readonly push?: (req: PushRequest) => Promise<PushResult>;
}

/** The remote-write receiver: one POST /api/v1/write body (Snappy-compressed protobuf) and its headers. */
export interface RemoteWriteSink {
  /** Largest body accepted (compressed), bytes; larger → 413. */
  readonly maxBodyBytes: number;
  /**
   * Decodes the body and ingests its valid samples (refused series and samples are counted, the rest kept).
   * @throws InvalidInputError (400) for a wrong content type or encoding or a body that does not decode;
   *   PayloadTooLargeError (413); StoreError (503, nothing stored)
   */
  receive(req: {
    readonly body: Buffer;
    readonly contentType: string | undefined;
    readonly contentEncoding: string | undefined;
    readonly scope?: TenantScope;
  }): Promise<unknown>;
  /** Counts a request refused by the HTTP layer (body over the limit). */
  countRejectedRequest(reason: 'too_large'): void;
}

/** One POST /v1/traces request as received: the raw body (possibly gzip) and its headers. */
export interface OtlpExportInput {
  readonly body: Buffer;
  readonly contentType: string | undefined;
  readonly contentEncoding: string | undefined;
  /**
   * The caller's tenant scope: only items (spans, entries) of its nodes or regions are stored, the others are
   * rejected as `foreign_node`; ForbiddenError (403) when none is the tenant's.
   */
  readonly scope?: TenantScope;
}

/** Stored exemplars: the Prometheus exemplar query over the series selectors of a PromQL expression. */
export interface ExemplarSource {
  /**
   * Exemplars of the series the expression's selectors match, with timestamps in [startMs, endMs].
   * @throws InvalidInputError (400) for an expression that is not PromQL or has no series selector
   */
  query(expr: string, startMs: number, endMs: number): Promise<ExemplarsResponse>;
}

/** The trace system: OTLP ingest and Jaeger-shaped queries. */
export interface TraceSource {
  /** Largest POST /v1/traces body accepted (compressed or not), bytes; larger → 413. */
  readonly maxBodyBytes: number;
  /**
   * Decodes, validates and stores one OTLP export.
   * @throws InvalidInputError (400) for a body that does not decode or has no valid span; PayloadTooLargeError
   *   (413) for a decompressed body over the limit; StoreError (503); nothing is stored in each case
   */
  receive(req: OtlpExportInput): Promise<OtlpExportResponse>;
  /** The protobuf encoding of an export response. */
  encodeProtobuf(r: OtlpExportResponse): Uint8Array;
  /** The binary protobuf body of an OTLP/HTTP error response (`google.rpc.Status`). */
  encodeStatus(status: OtlpStatus): Uint8Array;
  /** Counts a request refused by the HTTP layer (body over the limit, unsupported content type). */
  countRejectedRequest(reason: 'too_large' | 'unsupported_media_type'): void;
  /**
   * Traces matching a search (most recent first, at most `limit`); with `scope`, traces with a matching span on
   * the scope's nodes or regions (the store filters before the limit; the spans of other nodes are still returned).
   */
  search(q: TraceSearchRequest & { readonly scope?: TenantScope }): Promise<TracesResponse>;
  /** One trace with its spans stitched; undefined when no span of it is stored. */
  trace(traceId: string): Promise<TracesResponse | undefined>;
  /** Services that sent spans within the retention (on the nodes of `scope`, when given), sorted. */
  services(scope?: TenantScope): Promise<NamesResponse>;
  /** Operation (span) names of a service within the retention (of spans of `scope`, when given), sorted (empty for an unknown service). */
  operations(service: string, scope?: TenantScope): Promise<NamesResponse>;
}

/** The log system: OTLP and Loki ingest, LogQL and entry queries. */
export interface LogSource {
  /** Largest push body accepted (compressed or not), bytes; larger → 413. */
  readonly maxBodyBytes: number;
  /**
   * Decodes, validates, masks and stores one OTLP logs export (partial success names rejected entries).
   * @throws InvalidInputError (400) for a body that does not decode or has no valid entry; PayloadTooLargeError
   *   (413); StoreError (503); nothing is stored in each case
   */
  receiveOtlp(req: OtlpExportInput): Promise<OtlpLogsExportResponse>;
  /** The protobuf encoding of an OTLP logs export response. */
  encodeOtlpProtobuf(r: OtlpLogsExportResponse): Uint8Array;
  /** Decodes, validates, masks and stores one Loki push (JSON or snappy protobuf); throws as `receiveOtlp`. */
  receiveLoki(req: OtlpExportInput): Promise<unknown>;
  /** Counts a request refused by the HTTP layer (body over the limit, unsupported content type). */
  countRejectedRequest(protocol: 'otlp' | 'loki', reason: 'too_large' | 'unsupported_media_type'): void;
  /** A LogQL query over `[startUs, endUs)`. @throws InvalidInputError (400) for a query that does not parse or is too large */
  queryRange(q: LogRangeQuery): Promise<LokiQueryResponse>;
  /** A LogQL query at one instant (vector or streams). @throws InvalidInputError (400) as `queryRange` */
  queryInstant(q: LogInstantQuery): Promise<LokiInstantQueryResponse>;
  /**
   * Indexed label names with values in the range (of entries in `scope`, when given; of the streams the stream
   * selector `query` matches, when given). @throws InvalidInputError (400) for a `query` that is not a stream selector
   */
  labels(startUs: number, endUs: number, scope?: TenantScope, query?: string): Promise<LokiLabelsResponse>;
  /** Values of one label in the range (scope and `query` as {@link labels}). @throws as {@link labels} */
  labelValues(
    name: string,
    startUs: number,
    endUs: number,
    scope?: TenantScope,
    query?: string,
  ): Promise<LokiLabelsResponse>;
  /**
   * Label sets of the streams matching any of the stream selectors `matches` with entries in the range (of entries
   * in `scope`, when given). @throws InvalidInputError (400) when none is given or one is not a stream selector
   */
  series(
    matches: readonly string[],
    startUs: number,
    endUs: number,
    scope?: TenantScope,
  ): Promise<LokiSeriesResponse>;
  /** Entries matching a search, newest first. */
  search(q: LogSearchRequest): Promise<LogsResponse>;
  /** Live tail of entries as they are stored (WS /loki/api/v1/tail). */
  readonly tail: LogTailSource;
}

/** The live-tail fan-out of the log system (src/logs/tail-hub.ts). */
export interface LogTailSource {
  readonly limits: { readonly maxClients: number };
  /** Subscriptions open now. */
  readonly clients: number;
  /** Checks a LogQL log query. @throws InvalidInputError (400) when it does not parse or is a metric query */
  parse(query: string): unknown;
  /**
   * Subscribes; `onEntries` is called whenever entries were buffered or dropped for the subscription, which sees
   * only entries of `scope` (default every entry).
   * @throws as `parse`; LimitExceededError (429) at the client limit
   */
  subscribe(query: string, onEntries: () => void, scope?: TenantScope): LogTailSubscriptionHandle;
}

/** One live-tail client's buffer. */
export interface LogTailSubscriptionHandle {
  /** Entries waiting to be taken. */
  readonly pending: number;
  /** Takes buffered entries (grouped in streams) and dropped entries to report, leaving out those `skip` accepts. */
  take(skip?: (timeUs: number, labels: Record<string, string>, line: string) => boolean): LokiTailMessage;
  /** Leaves the hub. */
  close(): void;
}

/** Aggregates raw points into output series on a step grid (avg, sum, min, max, p50/p95/p99, rate). */
export type SeriesAggregator = (
  points: readonly SeriesPoints[],
  options: AggregateOptions,
) => AggregateResult;

/** Rollout decision, SLO budgets and regional health; each call reads the store over `[nowMs − windowMs, nowMs]`. */
export interface InsightsSource {
  rollout(windowMs: number, nowMs: number): Promise<RolloutStatus>;
  /** SLO budgets; with a tenant `scope`, over the series of its nodes or regions only. */
  slo(windowMs: number, nowMs: number, scope?: TenantScope): Promise<SloOverview>;
  regions(windowMs: number, nowMs: number): Promise<RegionsOverview>;
}

/** Capacity plans of the stored utilisation series over `[nowMs − windowMs, nowMs]`. */
export interface CapacitySource {
  capacity(
    windowMs: number,
    resources: readonly CapacityResource[],
    nowMs: number,
  ): Promise<CapacityOverview>;
}

/** Inter-region telemetry over `[nowMs − windowMs, nowMs]`; `region` keeps the pairs probed from that region. */
export interface NetworkSource {
  network(windowMs: number, nowMs: number, region?: string): Promise<NetworkOverview>;
}

/** What the live detection engine predicts for the analysed series of `metric` matching `matchers`. */
export interface PredictionSource {
  predictions(
    metric: string,
    matchers: Readonly<Record<string, string>>,
    timesMs: readonly number[],
  ): SeriesPrediction[];
}

/** Where the last `bench:detect` report is read from. */
export interface ModelPerformanceSource {
  /** Path or URL shown to users. */
  readonly location: string;
  /** The parsed report, or null when none exists yet. @throws InvalidInputError for a malformed/oversize report. */
  read(): Promise<ModelPerformanceReport | null>;
}

/** What `buildApp` passes to each route plugin. */
export interface ApiContext {
  readonly deps: AppDeps;
  readonly limits: AppLimits;
  /** Wall clock in Unix ms (injectable for tests). */
  readonly now: () => number;
  /** The monitor's logger for rate-limited warnings; omitted → none. */
  readonly warnLog?: { warn(fields: object, message: string): void };
}

/**
 * An optional dependency a route needs: `source` when the monitor was built with it.
 * @param what the feature, as the 404 message names it (e.g. `capacity planning`)
 * @throws NotFoundError (404) "`what` is not configured on this monitor" when `source` is undefined.
 */
export function configured<T>(source: T | undefined, what: string): T {
  if (source === undefined) throw new NotFoundError(`${what} is not configured on this monitor`);
  return source;
}
