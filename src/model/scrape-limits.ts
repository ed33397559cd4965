/**
 * Per-target scrape limits as plain data (Prometheus' `sample_limit`, `label_limit`, `label_name_length_limit`,
 * `label_value_length_limit`) and the monitor's defaults; checked by src/ingest/scrape-limits.ts.
 *
 * @see https://prometheus.io/docs/prometheus/latest/configuration/configuration/#scrape_config
 */

/** Limits of one target; 0 = unlimited. Counted after the target labels are attached. */
export interface ScrapeLimits {
  /** Samples per scrape (synthetic `up` etc. not counted). */
  readonly sampleLimit: number;
  /** Labels per sample (the metric name not counted). */
  readonly labelLimit: number;
  /** Characters of a label name. */
  readonly labelNameLengthLimit: number;
  /** Characters of a label value. */
  readonly labelValueLengthLimit: number;
}

/**
 * Defaults when the configuration names none. Prometheus leaves them unlimited; the monitor bounds them so a
 * hostile target cannot store a 5 MB label value or a 20 000-label series. A simulated DWCP node exposes about
 * 1 900 samples with at most 9 labels.
 */
export const DEFAULT_SCRAPE_LIMITS: ScrapeLimits = Object.freeze({
  sampleLimit: 50_000,
  labelLimit: 64,
  labelNameLengthLimit: 256,
  labelValueLengthLimit: 4096,
});
