/**
 * The pipeline's self-metrics as a narrow interface (so the pipeline can run without a registry, e.g. in the
 * scenario evaluator) and its implementation on the monitor's catalog metrics.
 */
import { getMetric } from '../catalog/index.ts';
import type { ScrapeResult } from '../ingest/scrape-outcome.ts';
import type { CatalogMetrics } from '../catalog/registry.ts';
import type { RejectReason } from '../store/types.ts';

/** What the pipeline reports about itself. */
export interface PipelineMetrics {
  /** One scrape of `target` ended with `result`; `durationSeconds` null when unknown. */
  scrape(target: string, result: ScrapeResult, up: boolean, durationSeconds: number | null): void;
  /** `n` samples stored. */
  ingested(n: number): void;
  /** `n` samples of `target` (a scrape target or push source) not stored for `reason`. */
  rejected(reason: RejectReason, n: number, target: string): void;
  /** A scrape of `target` was skipped because the monitor was overloaded. */
  skipped(target: string): void;
  /** Whether the monitor skipped a scrape recently (overloaded). */
  overloaded(on: boolean): void;
  /** Series tracked in memory now. */
  series(n: number): void;
  /** One detection pass over a batch took `seconds` and ran `processed` inputs through a detector. */
  detection(seconds: number, processed: number): void;
}

/**
 * The pipeline metrics on the monitor's catalog metrics: `dwcp_monitor_scrapes_total{target,result}`,
 * `dwcp_monitor_target_up{target}`, `dwcp_monitor_scrape_duration_seconds{target}`,
 * `dwcp_monitor_samples_ingested_total`, `dwcp_monitor_samples_rejected_total{reason}`,
 * `dwcp_monitor_target_samples_rejected_total{target,reason}`, `dwcp_monitor_overloaded`, `dwcp_monitor_series`,
 * `dwcp_anomaly_detection_latency_seconds` and `dwcp_metrics_processed_total`.
 * @throws InvalidInputError when `metrics` lacks one of them (not created from the monitor group).
 */
export function catalogPipelineMetrics(metrics: CatalogMetrics): PipelineMetrics {
  const scrapes = metrics.counter(getMetric('dwcp_monitor_scrapes_total').name);
  const targetUp = metrics.gauge(getMetric('dwcp_monitor_target_up').name);
  const scrapeDuration = metrics.histogram(getMetric('dwcp_monitor_scrape_duration_seconds').name);
  const ingested = metrics.counter(getMetric('dwcp_monitor_samples_ingested_total').name);
  const rejected = metrics.counter(getMetric('dwcp_monitor_samples_rejected_total').name);
  const targetRejected = metrics.counter(getMetric('dwcp_monitor_target_samples_rejected_total').name);
  const overloaded = metrics.gauge(getMetric('dwcp_monitor_overloaded').name);
  const series = metrics.gauge(getMetric('dwcp_monitor_series').name);
  const detectLatency = metrics.histogram(getMetric('dwcp_anomaly_detection_latency_seconds').name);
  const processed = metrics.counter(getMetric('dwcp_metrics_processed_total').name);
  return {
    scrape(target, result, up, durationSeconds) {
      scrapes.inc({ target, result });
      targetUp.set({ target }, up ? 1 : 0);
      if (durationSeconds !== null) scrapeDuration.observe({ target }, durationSeconds);
    },
    ingested: (n) => ingested.inc(n),
    rejected(reason, n, target) {
      rejected.inc({ reason }, n);
      targetRejected.inc({ target, reason }, n);
    },
    skipped: (target) => scrapes.inc({ target, result: 'skipped_overload' }),
    overloaded: (on) => overloaded.set(on ? 1 : 0),
    series: (n) => series.set(n),
    detection(seconds, n) {
      detectLatency.observe(seconds);
      processed.inc(n);
    },
  };
}
