/**
 * Runs one streaming detector per derived series and turns verdicts into anomaly episodes: confirmation (N
 * consecutive anomalous samples; a verdict resting on a run of samples by construction, `evidenceSamples` — a
 * CUSUM signal — counts as that run), minimum confidence, per-series cooldown, resolution. Only verdicts with a
 * finite band and score open anomalies (`isReportable`); target health (`up == 0` on `confirmSamples` scrapes in a
 * row) opens a target-down anomaly. Series outside the catalog (`episodic`): a lasting fault is one anomaly, opened
 * after a minimum duration, held open while its condition holds (detection-episode.ts). Catalog series resolve
 * when `resolveAfterSamples` samples in a row lie inside the band their anomaly opened against, or after
 * `acceptNewLevelAfterMs` of normal verdicts ("new level accepted"); the detector catching up with a return inside
 * that band opens nothing (detection-hold.ts). Bands are clamped to the series' physical range (catalog). No I/O,
 * no clock: `nowMs` comes with each call (the detection time used for detection-delay measurements).
 *
 * Cold start: detectors that implement `PersistentDetector` are checkpointed and restored. `snapshots(max)`
 * hands out the snapshots of detectors that learned something since they were last handed out (oldest change
 * first); `seed(entries)` takes snapshots loaded at startup and keeps them (at most `maxSeries`) until their
 * series appears, whose detector then starts from the snapshot instead of warming up. A snapshot the detector
 * refuses (malformed, another detector or version) is counted and the series starts cold with a fresh detector.
 */
import { isPredictor } from '../analysis/anomaly/detector.ts';
import type {
  DetectorFactory,
  DetectorSnapshot,
  Expectation,
  StreamingDetector,
} from '../analysis/anomaly/detector.ts';
import type { Anomaly, MetricKind } from '../model/anomaly.ts';
import type { Labels } from '../model/sample.ts';
import { badDirectionOfInput, clampBand, rangeOfInput } from './anomaly-impact.ts';
import { episodeStep, type EpisodeSeriesState } from './detection-episode.ts';
import {
  DEFAULT_ACCEPT_NEW_LEVEL_AFTER_MS,
  frozenBand,
  endHold,
  holdStep,
  returnedInside,
  type HoldSeriesState,
} from './detection-hold.ts';
import { anomalyOf, isReportable, targetDownAnomaly } from './anomaly-record.ts';
import type { DetectionInput } from './series-tracker.ts';
import {
  isPersistentDetector,
  snapshotShapeError,
  type PersistenceStats,
  type SeriesSnapshot,
} from './detector-snapshots.ts';

export { isPersistentDetector, type PersistenceStats, type SeriesSnapshot } from './detector-snapshots.ts';

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
  /**
   * Consecutive samples that resolve an open anomaly: inside the band it opened against (detection-hold.ts),
   * or judged normal when its verdict had no band.
   */
  readonly resolveAfterSamples: number;
  /**
   * Sample time (ms) of normal verdicts after which an open anomaly whose series stays outside the band it
   * opened against resolves anyway, with the reason `new level accepted` (default 30 min; detection-hold.ts).
   */
  readonly acceptNewLevelAfterMs?: number;
  /** Limit on series with detector state; beyond it new series are not analysed (counted). */
  readonly maxSeries: number;
  /** Metric kinds analysed; metrics of other kinds are stored but not analysed. */
  readonly kinds: ReadonlySet<MetricKind>;
  /**
   * Overrides which inputs are analysed (default: target health, and catalog metrics outside the monitor group
   * whose kind is in `kinds`). Benchmarks use it to run the engine on series outside the catalog.
   */
  readonly analyse?: (input: DetectionInput) => boolean;
  /** Series the default selection leaves out (stored and charted, never analysed); ignored with `analyse`. */
  readonly exclude?: (input: DetectionInput) => boolean;
  /** Detectors of series outside the catalog (`input.inferred` set); default `factory`. */
  readonly inferredFactory?: DetectorFactory;
  /** Sample time (ms) such a series learns before it may open an anomaly, unless resumed from a snapshot (default 0). */
  readonly inferredWarmupMs?: number;
  /**
   * Sample time (ms) the anomalous condition of such a series must hold before its anomaly opens (default 0):
   * Prometheus' `for:`. The condition: see the file comment (episodes).
   */
  readonly inferredMinDurationMs?: number;
  /**
   * Which series outside the catalog (`input.inferred` set) are judged by episodes — minimum duration, held open
   * while their condition holds (the file comment); default all of them. The others are
   * judged as catalog series are.
   */
  readonly episodic?: (input: DetectionInput) => boolean;
}

/** Series returned by one predictions call at most. */
export const MAX_PREDICTION_SERIES = 100;
/** Prediction times per series at most. */
export const MAX_PREDICTION_STEPS = 1000;

/** One predicted point: the expected value and the band the detector would judge a sample at that time against. */
export interface PredictionPoint extends Expectation {
  readonly timestampMs: number;
}

/** Predictions for one analysed series. */
export interface SeriesPrediction {
  readonly key: string;
  readonly metric: string;
  readonly labels: Labels;
  readonly kind: MetricKind;
  readonly detector: string;
  /** Timestamp of the last sample the detector learned. */
  readonly lastSampleMs: number;
  readonly points: readonly PredictionPoint[];
}

/** An anomaly that opened in this call, with the derived-series key it belongs to. */
export interface OpenedAnomaly {
  readonly key: string;
  readonly anomaly: Omit<Anomaly, 'id'>;
}

/** An anomaly that resolved in this call: its derived-series key, the sample time, and why when not back. */
export interface ResolvedAnomaly {
  readonly key: string;
  readonly resolvedAtMs: number;
  /** Set when the anomaly resolved although its series is not back in its band (`new level accepted`). */
  readonly reason?: string;
}

/** Outcome of processing one batch of inputs. */
export interface DetectionOutcome {
  readonly opened: OpenedAnomaly[];
  readonly resolved: ResolvedAnomaly[];
  /** Inputs actually run through a detector. */
  readonly processed: number;
  /** Inputs skipped because the series limit was reached. */
  readonly overLimit: number;
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

interface EngineState extends EpisodeSeriesState, HoldSeriesState {
  readonly detector: StreamingDetector | null;
  readonly metric: string;
  readonly labels: Labels;
  readonly kind: MetricKind;
  lastTs: number;
  /** Whether `detector` implements `PersistentDetector` (checked once). */
  readonly persistent: boolean;
  /** Whether the series is judged by episodes (minimum duration, held open; `episodic`). */
  readonly inferred: boolean;
}

const TARGET_HEALTH = 'up';

/**
 * The engine; one per monitor. Memory: one entry per analysed series, at most `maxSeries`; restored snapshots
 * waiting for their series, at most `maxSeries`; keys of series changed since their last checkpoint, at most
 * the number of series.
 */
export class DetectionEngine {
  private readonly state = new Map<string, EngineState>();
  private readonly opts: DetectionEngineOptions;
  /** Restored snapshots by series key, consumed when the series appears. */
  private readonly restoredSnapshots = new Map<string, DetectorSnapshot>();
  /** Keys of persistent detectors updated since their last snapshot, in order of first change. */
  private readonly dirty = new Set<string>();
  private restoredCount = 0;
  private rejectedCount = 0;
  private droppedCount = 0;
  private snapshotFailedCount = 0;
  private lastError: string | undefined;

  private readonly acceptNewLevelAfterMs: number;

  /**
   * @throws RangeError for confirmSamples < 1, resolveAfterSamples < 1, maxSeries < 1 or an
   * acceptNewLevelAfterMs that is not a positive number.
   */
  constructor(opts: DetectionEngineOptions) {
    if (!(opts.confirmSamples >= 1) || !(opts.resolveAfterSamples >= 1) || !(opts.maxSeries >= 1)) {
      throw new RangeError('confirmSamples, resolveAfterSamples and maxSeries must be >= 1');
    }
    const accept = opts.acceptNewLevelAfterMs ?? DEFAULT_ACCEPT_NEW_LEVEL_AFTER_MS;
    if (!(accept > 0)) throw new RangeError(`acceptNewLevelAfterMs must be > 0, got ${accept}`);
    this.acceptNewLevelAfterMs = accept;
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

  /**
   * What the live detectors of `metric` expect at `timesMs` (at most {@link MAX_PREDICTION_SERIES} series whose
   * labels include `matchers`, at most {@link MAX_PREDICTION_STEPS} times each), from their current state; a
   * series whose detector cannot predict or still warms up gets `points: []`. Pure read: no learning.
   */
  predictions(metric: string, matchers: Labels, timesMs: readonly number[]): SeriesPrediction[] {
    const out: SeriesPrediction[] = [];
    const times = timesMs.slice(0, MAX_PREDICTION_STEPS);
    for (const [key, st] of this.state) {
      if (st.metric !== metric || st.detector === null) continue;
      if (!Object.entries(matchers).every(([k, v]) => st.labels[k] === v)) continue;
      const d = st.detector;
      const points: PredictionPoint[] = [];
      if (isPredictor(d)) {
        for (const t of times) {
          const e = d.predict(t);
          if (e !== null) points.push({ timestampMs: t, ...clampBand(e, st.range) });
        }
      }
      out.push({
        key,
        metric,
        labels: st.labels,
        kind: st.kind,
        detector: d.name,
        lastSampleMs: st.lastTs,
        points,
      });
      if (out.length >= MAX_PREDICTION_SERIES) break;
    }
    return out;
  }

  /**
   * Whether this input is analysed at all: target health, a catalog metric outside the monitor group, or a
   * series outside the catalog whose kind was inferred (`input.inferred`), when the kind is analysed.
   */
  analyses(input: DetectionInput): boolean {
    if (input.metric === TARGET_HEALTH) return true;
    if (this.opts.analyse) return this.opts.analyse(input);
    if (this.opts.exclude?.(input) === true) return false;
    if (input.inferred !== undefined) return this.opts.kinds.has(input.kind);
    return input.def !== undefined && input.def.group !== 'monitor' && this.opts.kinds.has(input.kind);
  }

  /**
   * Processes a batch of detection inputs observed at wall-clock `nowMs`.
   * @param batch the scrape target the inputs came from (its id names the target in a target-down anomaly)
   */
  process(
    inputs: readonly DetectionInput[],
    nowMs: number,
    batch: { readonly targetId?: string } = {},
  ): DetectionOutcome {
    const opened: OpenedAnomaly[] = [];
    const resolved: ResolvedAnomaly[] = [];
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
        const restoredBefore = this.restoredCount;
        const detector = input.metric === TARGET_HEALTH ? null : this.createDetector(input);
        if (detector === null && this.restoredSnapshots.delete(input.key)) this.droppedCount++;
        const persistent = detector !== null && isPersistentDetector(detector);
        const resumed = this.restoredCount > restoredBefore;
        const quietUntilTs =
          input.inferred !== undefined && !resumed
            ? input.timestampMs + (this.opts.inferredWarmupMs ?? 0)
            : Number.NEGATIVE_INFINITY;
        st = {
          detector,
          metric: input.metric,
          labels: input.labels,
          kind: input.kind,
          range: rangeOfInput(input),
          lastTs: input.timestampMs,
          persistent,
          streak: 0,
          streakStartTs: 0,
          calm: 0,
          open: false,
          lastOpenedTs: Number.NEGATIVE_INFINITY,
          quietUntilTs,
          episode: null,
          baseline: null,
          hold: null,
          normalSinceTs: Number.NaN,
          inferred: input.inferred !== undefined && (this.opts.episodic?.(input) ?? true),
        };
        this.state.set(input.key, st);
      }
      processed++;
      const prevTs = st.lastTs;
      st.lastTs = input.timestampMs;
      if (st.detector === null) {
        this.health(input, st, nowMs, batch.targetId, opened, resolved);
        continue;
      }
      const v = st.detector.update(input.value, input.timestampMs);
      if (st.persistent) this.dirty.add(input.key);
      const reportable = v.anomalous && v.confidence >= this.opts.minConfidence && isReportable(v);
      const bad = !returnedInside(st, input.value, reportable) && reportable;
      if (st.inferred) {
        episodeStep(input, st, v, bad, prevTs, nowMs, this.opts, opened, resolved);
        continue;
      }
      if (bad) {
        if (st.hold === null) st.calm = 0;
        if (st.streak === 0) st.streakStartTs = input.timestampMs;
        st.streak++;
        const cooled = input.timestampMs - st.lastOpenedTs >= this.opts.cooldownMs;
        const run = Math.max(st.streak, v.evidenceSamples ?? 1);
        if (!st.open && run >= this.opts.confirmSamples && cooled && input.timestampMs >= st.quietUntilTs) {
          st.open = true;
          st.lastOpenedTs = input.timestampMs;
          const anomaly = anomalyOf(input, v, st.streakStartTs, nowMs, this.opts.detectorName);
          opened.push({ key: input.key, anomaly });
          // Held open until the series is back inside the band it opened against (detection-hold.ts).
          st.hold = frozenBand(anomaly);
          st.calm = 0;
          st.normalSinceTs = Number.NaN;
          continue;
        }
      } else if (!v.warmingUp) {
        st.streak = 0;
        if (st.hold === null) {
          st.calm++;
          if (st.open && (v.resolved || st.calm >= this.opts.resolveAfterSamples)) {
            st.open = false;
            resolved.push({ key: input.key, resolvedAtMs: input.timestampMs });
          }
        }
      }
      if (st.open && st.hold !== null && !v.warmingUp) {
        const out = holdStep(
          st,
          input.value,
          input.timestampMs,
          !bad,
          this.opts.resolveAfterSamples,
          this.acceptNewLevelAfterMs,
        );
        if (out !== null) {
          st.open = false;
          endHold(st, out);
          resolved.push({
            key: input.key,
            resolvedAtMs: input.timestampMs,
            ...(out.reason !== undefined ? { reason: out.reason } : {}),
          });
        }
      }
    }
    return { opened, resolved, processed, overLimit };
  }

  /**
   * Takes restored snapshots (e.g. loaded from the store at startup, newest first) to start series from when
   * they appear. Kept: at most `maxSeries` in all (the rest are dropped and counted); entries for a series that
   * already has live state are dropped (the live state is newer); a later entry for the same key replaces the
   * earlier one. Malformed entries (no key, no detector name, no integer version) are refused and counted.
   * Returns how many entries were kept.
   */
  seed(entries: readonly SeriesSnapshot[]): number {
    let kept = 0;
    for (const e of entries) {
      const bad = snapshotShapeError(e);
      if (bad !== undefined) {
        this.rejectedCount++;
        this.lastError = bad;
        continue;
      }
      if (
        this.state.has(e.key) ||
        (!this.restoredSnapshots.has(e.key) && this.restoredSnapshots.size >= this.opts.maxSeries)
      ) {
        this.droppedCount++;
        continue;
      }
      this.restoredSnapshots.set(e.key, e.snapshot);
      kept++;
    }
    return kept;
  }

  /** Drops every restored snapshot still waiting for its series (their series will start cold). Returns how many. */
  dropRestored(): number {
    const n = this.restoredSnapshots.size;
    this.restoredSnapshots.clear();
    this.droppedCount += n;
    return n;
  }

  /**
   * Snapshots of at most `max` persistent detectors that were updated since they were last handed out, the
   * longest-waiting first; they count as checkpointed from now on (a series updated again is handed out at a
   * later call). A detector whose `snapshot()` throws is skipped and counted.
   * @throws RangeError when `max` is not a positive integer.
   */
  snapshots(max: number): SeriesSnapshot[] {
    if (!Number.isInteger(max) || max < 1) throw new RangeError(`max must be a positive integer, got ${max}`);
    const out: SeriesSnapshot[] = [];
    for (const key of this.dirty) {
      if (out.length >= max) break;
      this.dirty.delete(key);
      const d = this.state.get(key)?.detector;
      if (!d || !isPersistentDetector(d)) continue;
      try {
        out.push({ key, snapshot: d.snapshot() });
      } catch (e) {
        this.snapshotFailedCount++;
        this.lastError = `snapshot of ${key} failed: ${message(e)}`;
      }
    }
    return out;
  }

  /** Counters of checkpointing and restoring. */
  persistenceStats(): PersistenceStats {
    return {
      pendingRestore: this.restoredSnapshots.size,
      restored: this.restoredCount,
      rejected: this.rejectedCount,
      dropped: this.droppedCount,
      snapshotFailed: this.snapshotFailedCount,
      pendingCheckpoint: this.dirty.size,
      lastError: this.lastError,
    };
  }

  /** A detector for a new series: from its restored snapshot when there is one and it is accepted, else fresh. */
  private createDetector(input: DetectionInput): StreamingDetector {
    const detector = this.coldDetector(input);
    const snap = this.restoredSnapshots.get(input.key);
    if (snap === undefined) return detector;
    this.restoredSnapshots.delete(input.key);
    if (!isPersistentDetector(detector)) {
      this.rejectedCount++;
      this.lastError = `detector ${detector.name} of ${input.key} cannot restore a snapshot of ${snap.detector} v${snap.version}`;
      return detector;
    }
    try {
      detector.restore(snap);
      this.restoredCount++;
      return detector;
    } catch (e) {
      this.rejectedCount++;
      this.lastError = `restoring ${snap.detector} v${snap.version} for ${input.key} failed: ${message(e)}`;
      // A fresh instance, so a restore that failed half-way can never leave a poisoned detector behind; built
      // as a cold start builds it, so label-based tuning (utilisation `resource_type`) is kept.
      return this.coldDetector(input);
    }
  }

  /**
   * A fresh detector for the series of `input`, from its kind, labels and bad direction (the catalog's, or its
   * inference's for a series outside the catalog: `badDirectionOfInput`) — the factory's whole context.
   */
  private coldDetector(input: DetectionInput): StreamingDetector {
    const factory =
      input.inferred !== undefined ? (this.opts.inferredFactory ?? this.opts.factory) : this.opts.factory;
    return factory({ kind: input.kind, labels: input.labels, direction: badDirectionOfInput(input) });
  }

  /**
   * Target health: `confirmSamples` consecutive failed scrapes (`up == 0`) open a target-down anomaly (one failed
   * scrape of a busy target is not an outage); a successful scrape resolves it.
   */
  private health(
    input: DetectionInput,
    st: EngineState,
    nowMs: number,
    targetId: string | undefined,
    opened: OpenedAnomaly[],
    resolved: ResolvedAnomaly[],
  ): void {
    if (input.value === 0) {
      if (st.streak++ === 0) st.streakStartTs = input.timestampMs;
      if (st.open || st.streak < this.opts.confirmSamples) return;
      st.open = true;
      st.lastOpenedTs = input.timestampMs;
      opened.push({ key: input.key, anomaly: targetDownAnomaly(input, st.streakStartTs, nowMs, targetId) });
    } else if (input.value === 1) {
      st.streak = 0;
      if (st.open) resolved.push({ key: input.key, resolvedAtMs: input.timestampMs });
      st.open = false;
    }
  }
}
