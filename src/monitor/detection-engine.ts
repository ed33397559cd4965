/**
 * Runs one streaming detector per derived series and turns verdicts into anomaly episodes: confirmation
 * (N consecutive anomalous samples before an anomaly opens), minimum confidence, per-series cooldown between
 * episodes, and resolution tracking. Target health (`up == 0`) opens an anomaly at once. No I/O, no clock:
 * `nowMs` comes in with each call (it is the detection time used for detection-delay measurements).
 */
import type { DetectorFactory, StreamingDetector, Verdict } from '../analysis/anomaly/detector.ts';
import type { Anomaly, MetricKind } from '../model/anomaly.ts';
import { isComponent, type Component } from '../model/dwcp.ts';
import type { DetectionInput } from './series-tracker.ts';

/** Options of the detection engine. */
export interface DetectionEngineOptions {
  readonly factory: DetectorFactory;
  /** Name stored with each anomaly (`Anomaly.detector`). */
  readonly detectorName: string;
  /** Verdicts below this confidence do not count as anomalous (seed 000: 0.8). */
  readonly minConfidence: number;
  /** Consecutive anomalous samples needed to open an anomaly (>= 1). */
  readonly confirmSamples: number;
  /** No new anomaly on the same series within this long after the previous one opened (seed 000: 5 min). */
  readonly cooldownMs: number;
  /** Consecutive normal samples that resolve an open anomaly. */
  readonly resolveAfterSamples: number;
  /** Limit on series with detector state; beyond it new series are not analysed (counted). */
  readonly maxSeries: number;
  /** Metric kinds analysed; metrics of other kinds are stored but not analysed. */
  readonly kinds: ReadonlySet<MetricKind>;
  /**
   * Overrides which inputs are analysed (default: target health, and catalog metrics outside the monitor group
   * whose kind is in `kinds`). Benchmarks use it to run the engine on series outside the catalog.
   */
  readonly analyse?: (input: DetectionInput) => boolean;
}

/** An anomaly that opened in this call, with the derived-series key it belongs to. */
export interface OpenedAnomaly {
  readonly key: string;
  readonly anomaly: Omit<Anomaly, 'id'>;
}

/** Outcome of processing one batch of inputs. */
export interface DetectionOutcome {
  readonly opened: OpenedAnomaly[];
  readonly resolved: { key: string; resolvedAtMs: number }[];
  /** Inputs actually run through a detector. */
  readonly processed: number;
  /** Inputs skipped because the series limit was reached. */
  readonly overLimit: number;
}

interface EngineState {
  readonly detector: StreamingDetector | null;
  streak: number;
  streakStartTs: number;
  calm: number;
  open: boolean;
  lastOpenedTs: number;
}

const TARGET_HEALTH = 'up';

function componentOf(input: DetectionInput): Component | 'system' {
  const fromLabel = input.labels.component;
  if (fromLabel && isComponent(fromLabel)) return fromLabel;
  const area = input.def?.area;
  if (area && isComponent(area)) return area;
  return 'system';
}

function toAnomaly(input: DetectionInput, v: Verdict, startedAtMs: number, nowMs: number, detector: string): Omit<Anomaly, 'id'> {
  return {
    seriesKey: input.key,
    metric: input.metric,
    labels: input.labels,
    component: componentOf(input),
    kind: input.kind,
    startedAtMs,
    detectedAtMs: nowMs,
    resolvedAtMs: null,
    observed: input.value,
    expected: v.expected,
    lower: v.lower,
    upper: v.upper,
    deviation: v.deviation,
    confidence: v.confidence,
    severity: v.severity,
    detector,
    acknowledged: false,
  };
}

/** The engine; one per monitor. Memory: one entry per analysed series, at most `maxSeries`. */
export class DetectionEngine {
  private readonly state = new Map<string, EngineState>();
  private readonly opts: DetectionEngineOptions;

  /** @throws RangeError for confirmSamples < 1, resolveAfterSamples < 1 or maxSeries < 1. */
  constructor(opts: DetectionEngineOptions) {
    if (!(opts.confirmSamples >= 1) || !(opts.resolveAfterSamples >= 1) || !(opts.maxSeries >= 1)) {
      throw new RangeError('confirmSamples, resolveAfterSamples and maxSeries must be >= 1');
    }
    this.opts = opts;
  }

  /** Number of series with detector state. */
  get size(): number {
    return this.state.size;
  }

  /** Keys of series with an open anomaly. */
  openKeys(): string[] {
    return [...this.state].filter(([, s]) => s.open).map(([k]) => k);
  }

  /** Whether this input is analysed at all (target health, or a catalog metric of an analysed kind). */
  analyses(input: DetectionInput): boolean {
    if (input.metric === TARGET_HEALTH) return true;
    if (this.opts.analyse) return this.opts.analyse(input);
    return input.def !== undefined && input.def.group !== 'monitor' && this.opts.kinds.has(input.kind);
  }

  /** Processes a batch of detection inputs observed at wall-clock `nowMs`. */
  process(inputs: readonly DetectionInput[], nowMs: number): DetectionOutcome {
    const opened: OpenedAnomaly[] = [];
    const resolved: { key: string; resolvedAtMs: number }[] = [];
    let processed = 0;
    let overLimit = 0;
    for (const input of inputs) {
      if (!this.analyses(input)) continue;
      let st = this.state.get(input.key);
      if (!st) {
        if (this.state.size >= this.opts.maxSeries) {
          overLimit++;
          continue;
        }
        const detector = input.metric === TARGET_HEALTH ? null : this.opts.factory({ kind: input.kind });
        st = { detector, streak: 0, streakStartTs: 0, calm: 0, open: false, lastOpenedTs: Number.NEGATIVE_INFINITY };
        this.state.set(input.key, st);
      }
      processed++;
      if (st.detector === null) {
        this.health(input, st, nowMs, opened, resolved);
        continue;
      }
      const v = st.detector.update(input.value, input.timestampMs);
      const bad = v.anomalous && v.confidence >= this.opts.minConfidence;
      if (bad) {
        st.calm = 0;
        if (st.streak === 0) st.streakStartTs = input.timestampMs;
        st.streak++;
        const cooled = input.timestampMs - st.lastOpenedTs >= this.opts.cooldownMs;
        if (!st.open && st.streak >= this.opts.confirmSamples && cooled) {
          st.open = true;
          st.lastOpenedTs = input.timestampMs;
          opened.push({ key: input.key, anomaly: toAnomaly(input, v, st.streakStartTs, nowMs, this.opts.detectorName) });
        }
      } else if (!v.warmingUp) {
        st.streak = 0;
        st.calm++;
        if (st.open && (v.resolved || st.calm >= this.opts.resolveAfterSamples)) {
          st.open = false;
          resolved.push({ key: input.key, resolvedAtMs: input.timestampMs });
        }
      }
    }
    return { opened, resolved, processed, overLimit };
  }

  private health(
    input: DetectionInput,
    st: EngineState,
    nowMs: number,
    opened: OpenedAnomaly[],
    resolved: { key: string; resolvedAtMs: number }[],
  ): void {
    if (input.value === 0 && !st.open) {
      st.open = true;
      st.lastOpenedTs = input.timestampMs;
      opened.push({
        key: input.key,
        anomaly: {
          seriesKey: input.key,
          metric: TARGET_HEALTH,
          labels: input.labels,
          component: 'system',
          kind: 'generic',
          startedAtMs: input.timestampMs,
          detectedAtMs: nowMs,
          resolvedAtMs: null,
          observed: 0,
          expected: 1,
          lower: 1,
          upper: 1,
          deviation: 0,
          confidence: 1,
          severity: 'critical',
          detector: 'target_health',
          acknowledged: false,
        },
      });
    } else if (input.value === 1 && st.open) {
      st.open = false;
      resolved.push({ key: input.key, resolvedAtMs: input.timestampMs });
    }
  }
}
