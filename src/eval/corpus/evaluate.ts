/**
 * Runs a detector over the labelled corpus (corpus/generate.ts) the way the monitor pages — through the
 * detection engine with the live configuration's confirmation, confidence floor and cooldown — and scores the
 * anomalies it opens against the corpus windows.
 *
 * Matching (windowed, as NAB; documented in docs/anomaly-detection.md): an opened anomaly MATCHES a labelled
 * anomaly of its series when the anomaly's first anomalous sample (`startedAtMs`) lies in
 * [window start, window end + {@link CORPUS_GRACE_SAMPLES} samples]. A labelled anomaly is DETECTED when at least
 * one opened anomaly matches it; its delay is the detection time (the sample that confirmed it) minus the window
 * start. Opened anomalies that match nothing are FALSE ALARMS; those starting within the grace after a benign
 * blip are also counted as blips paged. Anomalies opened before the series' evaluation start (warm-up) are
 * counted as cold-start anomalies and not evaluated. precision = matched / opened, recall = detected / labelled,
 * false alarms per series-day = false alarms / evaluated series-days.
 */
import { nearestRank } from '../../math/quantile.ts';
import { InvalidInputError } from '../../errors.ts';
import { precisionOf, recallOf } from '../../math/classification.ts';
import { DEFAULT_DETECTION_SETTINGS, type DetectionSettings } from '../../model/detection-settings.ts';
import { detectionEngineOptions, type CandidateDetector } from '../../monitor/detection-config.ts';
import { DetectionEngine } from '../../monitor/detection-engine.ts';
import type { DetectionInput } from '../../monitor/series-tracker.ts';
import {
  CORPUS_ANOMALY_KINDS,
  CORPUS_GRACE_SAMPLES,
  type CorpusAnomalyKind,
  type CorpusCadence,
  type CorpusSeries,
} from './generate.ts';

/** Counts and rates of one corpus evaluation (or one part of it). */
export interface CorpusScore {
  readonly series: number;
  /** Evaluated series-days. */
  readonly seriesDays: number;
  readonly anomalies: number;
  readonly detected: number;
  readonly opened: number;
  readonly matched: number;
  readonly falseAlarms: number;
  readonly blips: number;
  readonly blipsPaged: number;
  readonly coldStart: number;
  /** null without opened anomalies. */
  readonly precision: number | null;
  /** null without labelled anomalies. */
  readonly recall: number | null;
  readonly falseAlarmsPerSeriesDay: number;
  /** Detection delay of detected anomalies, nearest-rank p50/p95, in samples of the series' cadence. */
  readonly delayP50Samples: number | null;
  readonly delayP95Samples: number | null;
}

/** A corpus evaluation: in total, per cadence and recall per anomaly kind. */
export interface CorpusEvaluation {
  readonly total: CorpusScore;
  readonly byCadence: Readonly<Record<CorpusCadence, CorpusScore>>;
  readonly recallByKind: Readonly<
    Record<CorpusAnomalyKind, { readonly anomalies: number; readonly detected: number }>
  >;
  /** Missed anomalies (series id, kind, magnitude), for the report. */
  readonly misses: readonly {
    readonly series: string;
    readonly kind: CorpusAnomalyKind;
    readonly magnitude: number;
  }[];
}

/** Outcome of one series. */
interface SeriesOutcome {
  readonly s: CorpusSeries;
  readonly detectedFlags: boolean[];
  readonly delaysSamples: number[];
  readonly opened: number;
  readonly matched: number;
  readonly blipsPaged: number;
  readonly coldStart: number;
}

/**
 * Which detector the corpus runs: the monitor's detection settings (`detection`, overriding the defaults of
 * DEFAULT_DETECTION_SETTINGS; the seasonal period stays a day, the corpus' timestamps being real time) and
 * optionally a candidate detector instead of the configured live one — the engine is built by the monitor's own
 * {@link detectionEngineOptions}, as `serve` builds it.
 */
export interface CorpusDetector {
  readonly detection?: Partial<DetectionSettings>;
  readonly candidate?: CandidateDetector;
}

/**
 * The engine for one corpus series: the monitor's options for the settings, except that every input is
 * analysed as the one series it is (corpus series are of kind `generic`, outside the DWCP catalog).
 */
function engineFor(d: CorpusDetector): DetectionEngine {
  const settings: DetectionSettings = { ...DEFAULT_DETECTION_SETTINGS, ...d.detection };
  return new DetectionEngine({
    ...detectionEngineOptions(settings, d.candidate),
    maxSeries: 1,
    analyse: () => true,
  });
}

/** Sample `i` of corpus series `s` as the engine's input: the series is its own metric, of kind `generic`, no labels. */
export function corpusInput(s: CorpusSeries, i: number): DetectionInput {
  return {
    key: s.id,
    metric: s.id,
    labels: {},
    value: s.values[i]!,
    timestampMs: s.timestampsMs[i]!,
    kind: 'generic',
    transform: 'value',
    def: undefined,
  };
}

/** Runs one series through a fresh engine (kind `generic`) and matches its anomalies against the labels. */
export function runCorpusSeries(s: CorpusSeries, detector: CorpusDetector): SeriesOutcome {
  const engine = engineFor(detector);
  const starts: number[] = [];
  const detectedAt: number[] = [];
  let coldStart = 0;
  for (let i = 0; i < s.values.length; i++) {
    const t = s.timestampsMs[i]!;
    const out = engine.process([corpusInput(s, i)], t);
    for (const o of out.opened) {
      if (o.anomaly.startedAtMs < s.evalStartMs) coldStart++;
      else {
        starts.push(o.anomaly.startedAtMs);
        detectedAt.push(o.anomaly.detectedAtMs);
      }
    }
  }
  const grace = CORPUS_GRACE_SAMPLES * s.stepMs;
  const matchedFlags = new Array<boolean>(starts.length).fill(false);
  const detectedFlags: boolean[] = [];
  const delaysSamples: number[] = [];
  for (const a of s.anomalies) {
    let first = Infinity;
    for (let j = 0; j < starts.length; j++) {
      if (starts[j]! >= a.startMs && starts[j]! <= a.endMs + grace) {
        matchedFlags[j] = true;
        if (detectedAt[j]! < first) first = detectedAt[j]!;
      }
    }
    detectedFlags.push(first < Infinity);
    if (first < Infinity) delaysSamples.push((first - a.startMs) / s.stepMs);
  }
  let blipsPaged = 0;
  for (let j = 0; j < starts.length; j++) {
    if (matchedFlags[j]) continue;
    if (s.blipsMs.some((b) => starts[j]! >= b && starts[j]! <= b + grace)) blipsPaged++;
  }
  return {
    s,
    detectedFlags,
    delaysSamples,
    opened: starts.length,
    matched: matchedFlags.filter(Boolean).length,
    blipsPaged,
    coldStart,
  };
}

function score(outcomes: readonly SeriesOutcome[]): CorpusScore {
  let seriesDays = 0;
  let anomalies = 0;
  let detected = 0;
  let opened = 0;
  let matched = 0;
  let blips = 0;
  let blipsPaged = 0;
  let coldStart = 0;
  const delays: number[] = [];
  for (const o of outcomes) {
    const s = o.s;
    seriesDays += (s.timestampsMs[s.timestampsMs.length - 1]! + s.stepMs - s.evalStartMs) / 86_400_000;
    anomalies += s.anomalies.length;
    detected += o.detectedFlags.filter(Boolean).length;
    opened += o.opened;
    matched += o.matched;
    blips += s.blipsMs.filter((b) => b >= s.evalStartMs).length;
    blipsPaged += o.blipsPaged;
    coldStart += o.coldStart;
    delays.push(...o.delaysSamples);
  }
  delays.sort((a, b) => a - b);
  const falseAlarms = opened - matched;
  return {
    series: outcomes.length,
    seriesDays,
    anomalies,
    detected,
    opened,
    matched,
    falseAlarms,
    blips,
    blipsPaged,
    coldStart,
    precision: precisionOf(matched, opened),
    recall: recallOf(detected, anomalies),
    falseAlarmsPerSeriesDay: seriesDays === 0 ? 0 : falseAlarms / seriesDays,
    delayP50Samples: nearestRank(delays, 0.5),
    delayP95Samples: nearestRank(delays, 0.95),
  };
}

/**
 * Runs `detector` (one fresh detector per series, kind `generic`, through the engine built from the monitor's
 * detection settings) over `corpus` and scores it (definitions in the module comment).
 * @throws InvalidInputError for an empty corpus, or (from the engine) for invalid settings.
 */
export function evaluateCorpusDetector(
  corpus: readonly CorpusSeries[],
  detector: CorpusDetector,
): CorpusEvaluation {
  if (corpus.length === 0) throw new InvalidInputError('corpus evaluation needs at least one series');
  const outcomes = corpus.map((s) => runCorpusSeries(s, detector));
  const recallByKind = Object.fromEntries(
    CORPUS_ANOMALY_KINDS.map((k) => [k, { anomalies: 0, detected: 0 }]),
  ) as Record<CorpusAnomalyKind, { anomalies: number; detected: number }>;
  const misses: { series: string; kind: CorpusAnomalyKind; magnitude: number }[] = [];
  for (const o of outcomes) {
    o.s.anomalies.forEach((a, i) => {
      recallByKind[a.kind].anomalies++;
      if (o.detectedFlags[i]) recallByKind[a.kind].detected++;
      else misses.push({ series: o.s.id, kind: a.kind, magnitude: a.magnitude });
    });
  }
  return {
    total: score(outcomes),
    byCadence: {
      minute: score(outcomes.filter((o) => o.s.cadence === 'minute')),
      second: score(outcomes.filter((o) => o.s.cadence === 'second')),
    },
    recallByKind,
    misses,
  };
}
