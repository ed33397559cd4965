/**
 * The log system as the HTTP API uses it (src/server/deps.ts `LogSource`): the receivers plus the Loki-shaped
 * and entry queries over one log store. Wiring only.
 */
import { Counter } from 'prom-client';
import { getMetric } from '../catalog/index.ts';
import type { TenantScope } from '../model/tenant-scope.ts';
import type {
  LogsResponse,
  LokiInstantQueryResponse,
  LokiLabelsResponse,
  LokiQueryResponse,
  LokiSeriesResponse,
  OtlpLogsExportResponse,
} from '../contract/logs.ts';
import { LogQueryService, type LogQueryLimits } from './query-service.ts';
import type { LogInstantQuery, LogRangeQuery, LogSearchRequest } from '../model/log-query.ts';
import {
  LogReceiver,
  type LogProtocol,
  type LogPushRequest,
  type LogPushResult,
  type LogReceiverOptions,
} from './receiver.ts';
import type { LogStore } from './store/log-store.ts';
import { LogTailHub, type LogTailLimits } from './tail-hub.ts';

/** `inc` of the live-tail drop counter in `registry` (created there, or reused). */
function tailDropCounter(registry: LogReceiverOptions['registry']): (n: number) => void {
  const def = getMetric('dwcp_monitor_log_tail_entries_dropped_total');
  const existing = registry.getSingleMetric(def.name);
  const c =
    existing instanceof Counter
      ? existing
      : new Counter({ name: def.name, help: def.help, labelNames: [...def.labels], registers: [registry] });
  return (n) => c.inc(n);
}

/** Receivers and queries over one store. */
export class LogApi {
  readonly receiver: LogReceiver;
  readonly queries: LogQueryService;
  /** Live tail of stored entries (fed by the receivers). */
  readonly tail: LogTailHub;

  /** @throws InvalidInputError when a PII rule or a tail limit is invalid */
  constructor(
    store: LogStore,
    opts: LogReceiverOptions & {
      readonly queryLimits?: Partial<LogQueryLimits>;
      readonly tailLimits?: Partial<LogTailLimits>;
    },
  ) {
    const tail = new LogTailHub(opts.tailLimits, tailDropCounter(opts.registry));
    this.tail = tail;
    this.receiver = new LogReceiver(store, {
      ...opts,
      onStored: (records) => {
        opts.onStored?.(records);
        tail.publish(records);
      },
    });
    this.queries = new LogQueryService(store, opts.queryLimits);
  }

  /** Largest push body accepted, bytes. */
  get maxBodyBytes(): number {
    return this.receiver.limits.maxBodyBytes;
  }

  /** See {@link LogReceiver.receiveOtlp}. */
  receiveOtlp(req: LogPushRequest): Promise<OtlpLogsExportResponse> {
    return this.receiver.receiveOtlp(req);
  }

  /** See {@link LogReceiver.encodeOtlpProtobuf}. */
  encodeOtlpProtobuf(r: OtlpLogsExportResponse): Uint8Array {
    return this.receiver.encodeOtlpProtobuf(r);
  }

  /** See {@link LogReceiver.receiveLoki}. */
  receiveLoki(req: LogPushRequest): Promise<LogPushResult> {
    return this.receiver.receiveLoki(req);
  }

  /** See {@link LogReceiver.countRejectedRequest}. */
  countRejectedRequest(protocol: LogProtocol, reason: 'too_large' | 'unsupported_media_type'): void {
    this.receiver.countRejectedRequest(protocol, reason);
  }

  /** See {@link LogQueryService.queryRange}. */
  queryRange(q: LogRangeQuery): Promise<LokiQueryResponse> {
    return this.queries.queryRange(q);
  }

  /** See {@link LogQueryService.queryInstant}. */
  queryInstant(q: LogInstantQuery): Promise<LokiInstantQueryResponse> {
    return this.queries.queryInstant(q);
  }

  /** See {@link LogQueryService.labels}. */
  labels(startUs: number, endUs: number, scope?: TenantScope, query?: string): Promise<LokiLabelsResponse> {
    return this.queries.labels(startUs, endUs, scope, query);
  }

  /** See {@link LogQueryService.labelValues}. */
  labelValues(...args: Parameters<LogQueryService['labelValues']>): Promise<LokiLabelsResponse> {
    return this.queries.labelValues(...args);
  }

  /** See {@link LogQueryService.series}. */
  series(
    matches: readonly string[],
    startUs: number,
    endUs: number,
    scope?: TenantScope,
  ): Promise<LokiSeriesResponse> {
    return this.queries.series(matches, startUs, endUs, scope);
  }

  /** See {@link LogQueryService.search}. */
  search(q: LogSearchRequest): Promise<LogsResponse> {
    return this.queries.search(q);
  }
}
