/**
 * Offline detection (`dwcp-monitor detect`): one recorded `timestamp,value` series judged exactly as the live
 * monitor judges a series — every point goes through the monitor's own {@link DetectionEngine}, built from the
 * detection settings by {@link detectionEngineOptions} as `serve` builds it, with the opened and resolved
 * anomalies collected in memory instead of stored. So confirmation (`confirmSamples`), the confidence floor, the
 * cooldown (time and `COOLDOWN_MIN_SAMPLES` of the series' own samples), the band an open anomaly is held
 * against, "new level accepted" (time and `ACCEPT_NEW_LEVEL_MIN_SAMPLES` samples; detection-config.ts) and, for a series outside
 * the catalog, the episodes, warm-up and minimum duration are the engine's code, not a copy. Pure: no I/O, no
 * clock (a sample's detection time is its own timestamp).
 */
import type { DetectorFactory } from '../analysis/anomaly/detector.ts';
import { createEnsemble } from '../analysis/anomaly/presets.ts';
import { createStatisticalDetector } from '../analysis/anomaly/statistical.ts';
import type { Anomaly, AnomalyResolution, MetricKind } from '../model/anomaly.ts';
import type { DetectionSettings } from '../model/detection-settings.ts';
import { detectionEngineOptions, type CandidateDetector } from './detection-config.ts';
import { DetectionEngine } from './detection-engine.ts';
import type { DetectionInput } from './detection-input.ts';

/** Detectors an offline run can use: the live choices, and the offline-only `full` ensemble. */
export const OFFLINE_DETECTORS = ['statistical', 'ensemble', 'ensemble-live', 'full'] as const;
/** One of {@link OFFLINE_DETECTORS}. */
export type OfflineDetector = (typeof OFFLINE_DETECTORS)[number];

/** One point of the series: Unix ms and value. */
export interface OfflinePoint {
  readonly timestampMs: number;
  readonly value: number;
}

/** How the series is judged; everything not given is the monitor's default detection setting. */
export interface OfflineDetectionOptions {
  /** The metric kind: the bad direction and the kind's tuning. */
  readonly kind: MetricKind;
  readonly detector: OfflineDetector;
  /**
   * The monitor's detection settings (`detection.*`: seasonal period, confidence floor, confirmation, cooldown,
   * new-level time, warm-up and minimum duration of series outside the catalog); `detector` is taken from
   * {@link OfflineDetectionOptions.detector}.
   */
  readonly settings: DetectionSettings;
  /** Point threshold, σ, of the `statistical` detector (default: the kind's). */
  readonly threshold?: number;
  /**
   * Judge the series as one outside the catalog (an application's or node_exporter's metric: episodes, warm-up,
   * minimum duration) instead of as a catalog series (confirmation, cooldown, band hold). Default false.
   */
  readonly outsideCatalog?: boolean;
}

/**
 * One anomaly the engine opened on the series, with its resolution when it resolved. `expected`, `lower`, `upper`
 * (the band, clamped to the physical range), `deviation` (σ, NaN without a band), `confidence` and `severity` (from
 * impact) are the stored anomaly's.
 */
export interface OfflineAnomaly extends Pick<
  Anomaly,
  'expected' | 'lower' | 'upper' | 'deviation' | 'confidence' | 'severity'
> {
  /** ISO-8601 UTC time of the first anomalous sample (the anomaly's start). */
  readonly timestamp: string;
  /** ISO-8601 UTC time of the sample on which the engine opened it (after confirmation). */
  readonly detectedAt: string;
  /** The value the anomaly reports (the opening sample's; for an episode its strongest sample's). */
  readonly value: number;
  /** Ensemble members that voted, joined with `+`; the detector's name for single detectors. */
  readonly detectors: string;
  /** ISO-8601 UTC time of the sample on which it resolved; null when still open at the series' end. */
  readonly resolvedAt: string | null;
  /** Why it resolved; null when still open. */
  readonly resolution: AnomalyResolution | null;
}

/** The key of the one series an offline run analyses. */
const SERIES_KEY = 'series';

function candidateOf(o: OfflineDetectionOptions): CandidateDetector | undefined {
  const period = o.settings.seasonalPeriod;
  if (o.detector === 'full') {
    const factory: DetectorFactory = (ctx) =>
      createEnsemble(ctx, { preset: 'full', seasonalPeriodMs: period });
    return { factory, name: 'full' };
  }
  if (o.detector === 'statistical') {
    // The live statistical detector (cooldown 0: the engine's applies) with this run's threshold and floor.
    const minConfidence = o.settings.minConfidence;
    const t = o.threshold;
    const factory: DetectorFactory = (ctx) =>
      createStatisticalDetector(ctx, {
        cooldownMs: 0,
        minConfidence,
        ...(t !== undefined ? { threshold: t } : {}),
      });
    return { factory, name: 'statistical' };
  }
  return undefined;
}

/**
 * The engine of an offline run: the monitor's options for `o.settings` with `o.detector` (the `full` ensemble,
 * or the statistical detector with its own threshold, as a candidate detector), one series, analysed whatever
 * its kind.
 * @throws RangeError for settings the engine refuses (see {@link DetectionEngine}).
 */
function engineOf(o: OfflineDetectionOptions): DetectionEngine {
  const live = o.detector === 'full' ? o.settings.detector : o.detector;
  return new DetectionEngine({
    ...detectionEngineOptions({ ...o.settings, detector: live }, candidateOf(o)),
    maxSeries: 1,
    analyse: () => true,
  });
}

const iso = (ms: number): string => new Date(ms).toISOString();

/**
 * The anomalies the monitor's engine opens on `points` (time order; non-finite values are skipped, as the
 * monitor's series tracker skips them), each with when and why it resolved. Memory: the engine's one series
 * state and one entry per anomaly (an anomaly needs at least `confirmSamples` points).
 * @throws InvalidInputError for detector options the detector refuses (e.g. a threshold <= 0). @throws
 * RangeError for engine settings it refuses.
 */
export function detectOffline(points: readonly OfflinePoint[], o: OfflineDetectionOptions): OfflineAnomaly[] {
  const engine = engineOf(o);
  const out: OfflineAnomaly[] = [];
  let open = -1;
  for (const p of points) {
    if (!Number.isFinite(p.value)) continue;
    const input: DetectionInput = {
      key: SERIES_KEY,
      metric: SERIES_KEY,
      labels: {},
      value: p.value,
      timestampMs: p.timestampMs,
      kind: o.kind,
      transform: 'value',
      def: undefined,
      ...(o.outsideCatalog === true ? { inferred: 'offline series outside the catalog' } : {}),
    };
    const r = engine.process([input], p.timestampMs);
    for (const x of r.resolved) {
      const a = out[open];
      if (a === undefined) continue;
      out[open] = { ...a, resolvedAt: iso(x.resolvedAtMs), resolution: x.reason };
      open = -1;
    }
    for (const { anomaly: a } of r.opened) {
      const voted = a.votes.filter((v) => v.voted).map((v) => v.detector);
      open = out.length;
      out.push({
        timestamp: iso(a.startedAtMs),
        detectedAt: iso(a.detectedAtMs),
        value: a.observed,
        expected: a.expected,
        lower: a.lower,
        upper: a.upper,
        deviation: a.deviation,
        confidence: a.confidence,
        severity: a.severity,
        detectors: voted.length > 0 ? voted.join('+') : a.detector,
        resolvedAt: null,
        resolution: null,
      });
    }
  }
  return out;
}

/** The CSV header of {@link offlineAnomaliesToCsv}. */
export const OFFLINE_CSV_HEADER =
  'timestamp,detected_at,value,expected,lower,upper,deviation,confidence,severity,detectors,resolved_at,resolution';

/**
 * Anomalies as CSV: the header line, then one line per anomaly (numbers in full precision; an open anomaly's
 * resolution fields empty; no field needs quoting: reasons and detector names hold no comma or quote).
 */
export function offlineAnomaliesToCsv(rows: readonly OfflineAnomaly[]): string {
  return (
    OFFLINE_CSV_HEADER +
    '\n' +
    rows
      .map(
        (r) =>
          `${r.timestamp},${r.detectedAt},${r.value},${r.expected},${r.lower},${r.upper},${r.deviation},` +
          `${r.confidence},${r.severity},${r.detectors},${r.resolvedAt ?? ''},${r.resolution ?? ''}\n`,
      )
      .join('')
  );
}
