/**
 * What the HTTP API needs from the rest of the monitor, as narrow interfaces (the composition root wires the
 * real scraper, stores and detector in; unit tests pass small in-memory implementations). Also the in-process
 * live event feed the API's websocket route subscribes to.
 */
import type { Registry } from 'prom-client';
import { InvalidInputError, LimitExceededError } from '../errors.ts';
import type { Anomaly } from '../model/anomaly.ts';
import type { ComponentStatus, TargetStatus } from '../model/status.ts';
import type { CapacityProvider } from '../monitor/capacity-provider.ts';
import type { NetworkProvider } from '../monitor/network-provider.ts';
import type { SeriesPrediction } from '../monitor/detection-engine.ts';
import type { InsightsProvider } from '../monitor/rollout-provider.ts';
import type { AnomalyStore, SampleStore } from '../store/types.ts';
import type { ProfilingApi, ReportsApi, SummariesApi } from './ops-deps.ts';

/** Body of GET /health. Extra fields (store sizes, versions, ...) are passed through unchanged. */
export interface HealthReport {
  readonly status: 'healthy' | 'degraded';
  /** Seconds since the monitor started. */
  readonly uptimeSeconds: number;
  readonly [detail: string]: unknown;
}

/** One event pushed to websocket clients of GET /api/live (serialised as JSON, one event per message). */
export type LiveEvent =
  | { readonly type: 'anomaly'; readonly anomaly: Anomaly }
  | { readonly type: 'anomaly_resolved'; readonly id: number; readonly resolvedAtMs: number }
  | { readonly type: 'targets'; readonly targets: readonly TargetStatus[] };

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
  /** Points the default step aims at (at most this many). */
  readonly queryDefaultPoints: number;
  /** Concurrent websocket clients of GET /api/live; more are refused (HTTP 503 before the upgrade). */
  readonly liveMaxClients: number;
  /** When a client's unsent bytes exceed this, new messages to it are dropped (and counted). */
  readonly liveMaxBufferedBytes: number;
  /** Largest message a websocket client may send (clients are not expected to send anything). */
  readonly liveMaxIncomingBytes: number;
  /** Interval of websocket pings; a client that did not answer the previous ping is terminated. */
  readonly livePingIntervalMs: number;
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
  liveMaxClients: 100,
  liveMaxBufferedBytes: 1024 * 1024,
  liveMaxIncomingBytes: 4096,
  livePingIntervalMs: 30_000,
};

/** Everything `buildApp` depends on. */
export interface AppDeps {
  /** The monitor's own metrics, exposed at GET /metrics (never prom-client's global registry). */
  readonly registry: Registry;
  health(): HealthReport;
  /** Whether the monitor is ready to serve (GET /ready: 200 or 503). */
  ready(): boolean;
  targets(): readonly TargetStatus[];
  componentStatus(): readonly ComponentStatus[];
  readonly anomalies: AnomalyStore;
  readonly samples: SampleStore;
  readonly live: LiveFeed;
  /** Directory of the built web page (`web/dist`), served at '/'; omitted → no static files. */
  readonly webRoot?: string;
  /** Overrides of {@link DEFAULT_APP_LIMITS}. */
  readonly limits?: Partial<AppLimits>;
  /** Rollout decision, SLO budgets and regional health (GET /api/rollout, /api/slo, /api/regions/health); omitted → 404. */
  readonly insights?: InsightsProvider;
  /** Capacity plans per node and resource (GET /api/capacity); omitted → 404. */
  readonly capacity?: CapacityProvider;
  /** Inter-region RTT, jitter, loss, bandwidth and tunnel health (GET /api/network); omitted → 404. */
  readonly network?: NetworkProvider;
  /** Live detectors' expectations ahead (GET /api/predictions/{metric}); omitted → 404. */
  readonly predictions?: PredictionSource;
  /** The last benchmark report (GET /api/models/performance); omitted → 404. */
  readonly modelPerformance?: ModelPerformanceSource;
  /** /debug/pprof and GET/POST /api/profiles; omitted → 404. */
  readonly profiling?: ProfilingApi;
  /** GET/POST /api/reports; omitted → 404. */
  readonly reports?: ReportsApi;
  /** GET /api/system/metrics and GET /metrics/summary; omitted → 404. */
  readonly summaries?: SummariesApi;
}

/** What the live detection engine predicts (see DetectionEngine.predictions). */
export interface PredictionSource {
  predictions(metric: string, matchers: Readonly<Record<string, string>>, timesMs: readonly number[]): SeriesPrediction[];
}

/** Where the last `bench:detect` report is read from. */
export interface ModelPerformanceSource {
  /** Path or URL shown to users. */
  readonly location: string;
  /** The parsed report, or null when none exists yet. @throws InvalidInputError for a malformed/oversize report. */
  read(): Promise<unknown>;
}

/** A {@link LiveFeed} the producer side can publish to. */
export interface LocalLiveFeed extends LiveFeed {
  /**
   * Delivers `e` synchronously to every listener. A listener that throws does not stop delivery to the
   * others; its error is passed to `onListenerError`.
   */
  publish(e: LiveEvent): void;
  /** Current number of listeners. */
  readonly listenerCount: number;
}

/**
 * Creates an in-process live feed with at most `maxListeners` listeners.
 *
 * @param maxListeners positive integer bound on concurrent subscriptions
 * @param onListenerError receives errors thrown by listeners (default: ignored)
 * @throws InvalidInputError when `maxListeners` is not a positive integer
 * @returns the feed; its `subscribe` throws LimitExceededError when `maxListeners` listeners are subscribed
 */
export function createLiveFeed(maxListeners: number, onListenerError?: (err: unknown) => void): LocalLiveFeed {
  if (!Number.isInteger(maxListeners) || maxListeners < 1) {
    throw new InvalidInputError(`maxListeners must be a positive integer, got ${maxListeners}`);
  }
  const listeners = new Set<(e: LiveEvent) => void>();
  return {
    subscribe(listener) {
      if (listeners.size >= maxListeners) {
        throw new LimitExceededError(`live feed already has its maximum of ${maxListeners} listeners`);
      }
      // A wrapper so that subscribing the same function twice yields two independent subscriptions.
      const entry = (e: LiveEvent): void => listener(e);
      listeners.add(entry);
      return () => {
        listeners.delete(entry);
      };
    },
    publish(e) {
      for (const l of [...listeners]) {
        try {
          l(e);
        } catch (err) {
          onListenerError?.(err);
        }
      }
    },
    get listenerCount() {
      return listeners.size;
    },
  };
}

/** What `buildApp` passes to each route plugin. */
export interface ApiContext {
  readonly deps: AppDeps;
  readonly limits: AppLimits;
  /** Wall clock in Unix ms (injectable for tests). */
  readonly now: () => number;
}
