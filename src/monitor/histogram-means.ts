/**
 * Histogram per-interval means of the series tracker (series-tracker.ts): the Δ`_sum` and Δ`_count` of a batch
 * are collected per histogram (catalog or inferred), carried over from batch to batch until enough observations
 * accumulated, then turned into one mean detection input. The carried accumulators are bounded like the tracker's
 * series, and an admission's changes to them can be undone (`AdmitResult.revert`).
 */
import type { MetricDef } from '../catalog/types.ts';
import type { Direction, MetricKind } from '../model/anomaly.ts';
import { seriesKey, type Labels, type Sample } from '../model/sample.ts';
import type { DetectionInput } from './detection-input.ts';

/**
 * A histogram's mean is analysed once at least this many observations have accumulated: Δsum and Δcount are
 * carried over from interval to interval until then (the mean of one or two observations, e.g. a rare
 * migration, is too noisy to judge), and the mean covers all the carried intervals.
 */
export const MIN_OBSERVATIONS_PER_INTERVAL = 3;

/** A histogram (catalog or inferred) whose Δsum/Δcount are collected in one batch. */
export interface HistogramParts {
  readonly metric: string;
  readonly kind: MetricKind;
  readonly def: MetricDef | undefined;
  readonly inferred: string | undefined;
  /** Bad direction of an inferred histogram (catalog ones take the catalog's). */
  readonly direction: Direction | undefined;
  readonly labels: Labels;
  sumDelta?: number;
  countDelta?: number;
  readonly ts: number;
}

/** The histogram a `_sum`/`_count` series is part of: its metric, key and labels without `le`. */
export interface HistogramOfSeries {
  readonly metric: string;
  readonly key: string;
  readonly labels: Labels;
}

/** Accumulators of an admission before it changed them (undefined: created by it). */
export type AccumulatorsBefore = ReadonlyMap<string, Accumulator | undefined>;

/** Δsum and Δcount carried over, and the scrape batches they came from. */
interface Accumulator {
  sum: number;
  count: number;
  batches: number;
}

function labelsWithout(labels: Labels, drop: string): Labels {
  const out: Record<string, string> = {};
  for (const k in labels) if (k !== drop) out[k] = labels[k]!;
  return out;
}

/**
 * Collects a histogram's Δ`_sum` or Δ`_count` of this batch into `histo` (a counter reset counts from 0).
 * `st.histogram` caches the histogram of the series (set at first use, or when `metric` changes).
 */
export function collectHistogramPart(
  histo: Map<string, HistogramParts>,
  metric: string,
  kind: MetricKind,
  def: MetricDef | undefined,
  inferred: string | undefined,
  s: Sample,
  st: { histogram: HistogramOfSeries | undefined },
  isSum: boolean,
  prevValue: number,
  direction?: Direction,
): void {
  const inc = s.value >= prevValue ? s.value - prevValue : s.value;
  let part = st.histogram;
  if (part === undefined || part.metric !== metric) {
    const base = labelsWithout(s.labels, 'le');
    part = { metric, key: seriesKey(metric, base), labels: base };
    st.histogram = part;
  }
  const hk = part.key;
  const h: HistogramParts = histo.get(hk) ?? {
    metric,
    kind,
    def,
    inferred,
    direction,
    labels: part.labels,
    ts: s.timestampMs,
  };
  if (isSum) h.sumDelta = inc;
  else h.countDelta = inc;
  histo.set(hk, h);
}

/** Histogram Δsum/Δcount carried over until enough observations accumulated; at most `maxHistograms`. */
export class HistogramMeans {
  private readonly pending = new Map<string, Accumulator>();

  /** @param maxHistograms limit on carried accumulators (new histograms beyond it are not analysed) */
  constructor(private readonly maxHistograms: number) {}

  /**
   * Adds the complete parts of a batch (both Δsum and Δcount) to their accumulators and pushes a mean input for
   * each that reached {@link MIN_OBSERVATIONS_PER_INTERVAL} observations (restarting it). Returns the
   * accumulators as they were before (for {@link HistogramMeans.restore}).
   */
  add(histo: ReadonlyMap<string, HistogramParts>, inputs: DetectionInput[]): AccumulatorsBefore {
    const before = new Map<string, Accumulator | undefined>();
    for (const [hk, h] of histo) {
      if (h.sumDelta === undefined || h.countDelta === undefined) continue;
      let acc = this.pending.get(hk);
      if (!acc) {
        if (this.pending.size >= this.maxHistograms) continue;
        acc = { sum: 0, count: 0, batches: 0 };
        this.pending.set(hk, acc);
        before.set(hk, undefined);
      } else {
        before.set(hk, { ...acc });
      }
      acc.sum += h.sumDelta;
      acc.count += h.countDelta;
      acc.batches++;
      if (acc.count < MIN_OBSERVATIONS_PER_INTERVAL) continue;
      const mean = acc.sum / acc.count;
      const spans = acc.batches;
      acc.sum = 0;
      acc.count = 0;
      acc.batches = 0;
      inputs.push({
        key: `mean(${hk})`,
        metric: h.metric,
        labels: h.labels,
        value: mean,
        timestampMs: h.ts,
        kind: h.kind,
        transform: 'mean',
        def: h.def,
        ...(spans > 1 ? { spans } : {}),
        ...(h.inferred !== undefined ? { inferred: h.inferred } : {}),
        ...(h.direction !== undefined ? { direction: h.direction } : {}),
      });
    }
    return before;
  }

  /** Puts back the accumulators `add` changed (those it created are removed). */
  restore(before: AccumulatorsBefore): void {
    for (const [hk, acc] of before) {
      if (acc === undefined) this.pending.delete(hk);
      else this.pending.set(hk, acc);
    }
  }
}
