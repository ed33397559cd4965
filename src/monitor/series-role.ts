/**
 * What the series tracker (series-tracker.ts) does with a series' finite samples, decided once per series from its
 * name: its catalog entry (`metricForSampleName`), its suffix (`_total`, a histogram's `_bucket`/`_sum`/`_count`),
 * whether it is left to inference and whether it is an operand of a derived ratio. A steady-state sample then
 * costs one switch on the role instead of a catalog lookup, suffix tests and a reason string per sample.
 * Only series outside the catalog analysed by inference (`how: 'inferred'`) still depend on the batch (its family
 * types); they are classified by src/monitor/inferred-inputs.ts.
 */
import { ratioRole } from '../analysis/inference/series-kind.ts';
import { metricForSampleName } from '../catalog/index.ts';
import type { MetricDef } from '../catalog/types.ts';
import type { MetricKind } from '../model/anomaly.ts';

/**
 * How a finite sample becomes a detection input: `none` (a histogram's bucket or other sample that is no input),
 * `value` (the gauge value), `rate` (per-second rate after the previous sample), `histogram` (its Δ`_sum` or
 * Δ`_count` collected for the histogram's mean), `inferred` (as the inference of the sample says, per batch).
 */
export type SeriesHow = 'none' | 'value' | 'rate' | 'histogram' | 'inferred';

/** The derivation of one series; see the file comment. */
export interface SeriesRole {
  readonly how: SeriesHow;
  /** Metric name of the inputs: the catalog base name, or the sample name outside the catalog. */
  readonly metric: string;
  readonly kind: MetricKind;
  readonly def: MetricDef | undefined;
  /**
   * Why a catalog series is analysed like one outside the catalog (`catalog <group> metric (<kind>)`), set only
   * then: the inputs carry it as `inferred`.
   */
  readonly reason: string | undefined;
  /** For `histogram`: the series is the `_sum` (else the `_count`). */
  readonly isSum: boolean;
  /** Whether the sample is an operand of a derived ratio (recorded in the batch's ratios; inference on only). */
  readonly ratioOperand: boolean;
}

/**
 * Whether a catalog metric is analysed like a series outside the catalog: the node_exporter-named metrics of
 * the host collector (group `node`) that the catalog gives no tuned kind (`generic`) — the same names a real
 * node_exporter exposes, so they are judged the same way — and the log-derived metrics (group `logs`): the
 * DWCP per-kind tuning was chosen on scraped DWCP series; on an error-log rate its `error_rate` setting (EWMA
 * at 17 σ) flags only the first sample of a step (the band widens at once), so confirmation never comes, while
 * the inferred setting (the live level and trend members against the series' own noise, after the inference
 * warm-up; live-detector.ts `INFERRED_TUNING`) confirms it;
 * and the trace-derived per-operation series (group `traces`), for which no corpus tuned a setting either. Log-
 * and trace-derived series keep the kind, range and bad direction of their catalog entry.
 */
function leftToInference(def: MetricDef): boolean {
  return (
    (def.group === 'node' && def.anomalyKind === 'generic') || def.group === 'logs' || def.group === 'traces'
  );
}

function role(
  how: SeriesHow,
  metric: string,
  kind: MetricKind,
  def: MetricDef | undefined,
  reason: string | undefined,
  isSum: boolean,
  ratioOperand: boolean,
): SeriesRole {
  return { how, metric, kind, def, reason, isSum, ratioOperand };
}

/** The role of a histogram part of catalog metric `def` named `name` (`none` for buckets and other samples). */
function histogramRole(name: string, def: MetricDef, reason: string | undefined, ratio: boolean): SeriesRole {
  const isSum = name.endsWith('_sum');
  const how = isSum || name.endsWith('_count') ? 'histogram' : 'none';
  return role(how, def.name, def.anomalyKind, def, reason, isSum, ratio);
}

/**
 * The role of series named `name` (any labels: the role depends on the name alone), with inference of series
 * outside the catalog on or off (the tracker's option).
 */
export function seriesRoleOf(name: string, inference: boolean): SeriesRole {
  const def = metricForSampleName(name);
  if (inference && (!def || leftToInference(def))) {
    const ratio = ratioRole(name) !== undefined;
    if (!def || def.anomalyKind === 'generic')
      return role('inferred', name, 'generic', def, undefined, false, ratio);
    const reason = `catalog ${def.group} metric (${def.anomalyKind})`;
    if (def.type === 'histogram') return histogramRole(name, def, reason, ratio);
    return role(
      def.type === 'counter' ? 'rate' : 'value',
      def.name,
      def.anomalyKind,
      def,
      reason,
      false,
      ratio,
    );
  }
  if (!def)
    return role(
      name.endsWith('_total') ? 'rate' : 'value',
      name,
      'generic',
      undefined,
      undefined,
      false,
      false,
    );
  if (def.type === 'histogram') return histogramRole(name, def, undefined, false);
  return role(
    def.type === 'counter' ? 'rate' : 'value',
    def.name,
    def.anomalyKind,
    def,
    undefined,
    false,
    false,
  );
}
