/**
 * The detection input the series tracker derives from admitted samples (a gauge value, a counter rate or a
 * histogram per-interval mean), and the derivation steps shared by catalog series and series outside the catalog.
 */
import type { MetricDef } from '../catalog/types.ts';
import type { Direction, MetricKind } from '../model/anomaly.ts';
import { seriesKey, type Labels, type Sample } from '../model/sample.ts';

/** One detection input: a gauge value, a counter rate or a histogram per-interval mean. */
export interface DetectionInput {
  /** Key of the derived series, e.g. `rate(dwcp_v3_errors_total{...})`. */
  readonly key: string;
  /** Catalog base metric name (histogram suffixes removed); for series outside the catalog, the family name. */
  readonly metric: string;
  readonly labels: Labels;
  readonly value: number;
  readonly timestampMs: number;
  readonly kind: MetricKind;
  readonly transform: 'value' | 'rate' | 'mean';
  readonly def: MetricDef | undefined;
  /** Set for series outside the catalog: why they have their kind (inference rule or convention). */
  readonly inferred?: string;
  /**
   * Bad direction of a series outside the catalog, from its naming or a `detection.series` rule (catalog series
   * take theirs from the catalog: src/monitor/anomaly-impact.ts `badDirectionOfInput`).
   */
  readonly direction?: Direction;
  /**
   * Scrape batches this input stands for (default 1): a histogram mean carried over several scrapes until enough
   * observations accumulated (histogram-means.ts) covers all of them. The engine counts a held anomaly's return
   * inside its band in scrapes (detection-hold.ts).
   */
  readonly spans?: number;
}

/**
 * The per-second rate input of a counter sample after the previous sample (`prevTs` ms, `prevValue`); a
 * decrease is a restart from 0, as in Prometheus' `rate`. `key` is the sample's series key (`seriesKey`), when the
 * caller has it already.
 * @see https://prometheus.io/docs/prometheus/latest/querying/functions/#rate
 */
export function rateInput(
  s: Sample,
  prevTs: number,
  prevValue: number,
  metric: string,
  kind: MetricKind,
  def: MetricDef | undefined,
  inferred: string | undefined,
  key: string = seriesKey(s.name, s.labels),
  direction?: Direction,
): DetectionInput {
  return rateInputOf(`rate(${key})`, s, prevTs, prevValue, metric, kind, def, inferred, direction);
}

/**
 * {@link rateInput} with the derived series key `rate(<series key>)` given (the series tracker keeps it per series,
 * so that a scrape builds no key string per counter sample). Same input, field for field.
 */
export function rateInputOf(
  rateKey: string,
  s: Sample,
  prevTs: number,
  prevValue: number,
  metric: string,
  kind: MetricKind,
  def: MetricDef | undefined,
  inferred?: string,
  direction?: Direction,
): DetectionInput {
  const dt = (s.timestampMs - prevTs) / 1000;
  const inc = s.value >= prevValue ? s.value - prevValue : s.value;
  const value = inc / dt;
  // The optional fields only when set (as the spread form built it): inputs compare equal field for field.
  if (inferred === undefined && direction === undefined)
    return {
      key: rateKey,
      metric,
      labels: s.labels,
      value,
      timestampMs: s.timestampMs,
      kind,
      transform: 'rate',
      def,
    };
  return {
    key: rateKey,
    metric,
    labels: s.labels,
    value,
    timestampMs: s.timestampMs,
    kind,
    transform: 'rate',
    def,
    ...(inferred !== undefined ? { inferred } : {}),
    ...(direction !== undefined ? { direction } : {}),
  };
}
