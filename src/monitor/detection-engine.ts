/**
 * Runs one streaming detector per derived series and turns verdicts into anomaly episodes: confirmation (N
 * consecutive anomalous samples; a verdict resting on a run of samples by construction, `evidenceSamples` — a
 * CUSUM signal — counts as that run), minimum confidence, per-series cooldown, resolution. Only verdicts with a
 * finite band and score open anomalies (`isReportable`); target health (`up == 0` on `confirmSamples` scrapes in a
 * row) opens a target-down anomaly. Series outside the catalog (`episodic`): a lasting fault is one anomaly, opened
 * after a minimum duration, held open while its condition holds (detection-episode.ts). Catalog series resolve
 * when `resolveAfterSamples` samples in a row lie inside the band their anomaly opened against, or after
 * `acceptNewLevelAfterMs` of normal verdicts ("new level accepted"); after a return, the detector catching up on
 * values inside that band opens nothing for the same horizon (detection-hold.ts). Bands are clamped to the series' physical range (catalog). No I/O,
 * no clock: `nowMs` comes with each call (the detection time used for detection-delay measurements).
 *
 * Cold start: detectors that implement `PersistentDetector` are checkpointed and restored (`snapshots`, `seed`;
 * the bookkeeping is detection-restore.ts). Option and result shapes: detection-types.ts.
 */
import { isPredictor, type StreamingDetector } from '../analysis/anomaly/detector.ts';
import { judgedNormal, type AnomalyResolution, type MetricKind } from '../model/anomaly.ts';
import type { Labels } from '../model/sample.ts';
import { badDirectionOfInput, clampBand, rangeOfInput } from './anomaly-impact.ts';
import {
  isCountingNoise,
  newCountNoiseState,
  observeCount,
  withinCountNoise,
  type CountNoiseState,
} from './detection-counts.ts';
import { episodeStep, type EpisodeSeriesState } from './detection-episode.ts';
import {
  DEFAULT_ACCEPT_NEW_LEVEL_AFTER_MS,
  frozenBand,
  endHold,
  holdStep,
  returnedInside,
  type HoldSeriesState,
  type RecoveryHorizon,
} from './detection-hold.ts';
import { anomalyOf, isReportable, targetDownAnomaly } from './anomaly-record.ts';
import type { DetectionInput } from './series-tracker.ts';
import { isPersistentDetector, type PersistenceStats, type SeriesSnapshot } from './detector-snapshots.ts';
import { DetectorRestore, RESTARTED_WITHOUT_STATE, type CheckpointMark } from './detection-restore.ts';
import type { HeldBand } from '../store/types.ts';
import {
  MAX_PREDICTION_SERIES,
  MAX_PREDICTION_STEPS,
  type DetectionEngineOptions,
  type DetectionOutcome,
  type OpenedAnomaly,
  type PredictionPoint,
  type ResolvedAnomaly,
  type SeriesPrediction,
} from './detection-types.ts';

interface EngineState extends EpisodeSeriesState, HoldSeriesState, CheckpointMark {
  readonly detector: StreamingDetector | null;
  readonly metric: string;
  readonly labels: Labels;
  readonly kind: MetricKind;
  lastTs: number;
  /** Whether `detector` implements `PersistentDetector` (checked once). */
  readonly persistent: boolean;
  /** Whether the series is judged by episodes (minimum duration, held open; `episodic`). */
  readonly inferred: boolean;
  /** Whether the series is a count series, and the sums that say so (detection-counts.ts). */
  readonly counts: CountNoiseState;
}

const TARGET_HEALTH = 'up';
/** The resolution of a target-down anomaly whose target was scraped successfully again. */
const TARGET_ANSWERING = 'target answering again' satisfies AnomalyResolution;

/**
 * The engine; one per monitor. Memory: one entry per analysed series, at most `maxSeries`; restored snapshots
 * waiting for their series, at most `maxSeries`; keys of series changed since their last checkpoint, at most
 * the number of series.
 */
export class DetectionEngine {
  private readonly state = new Map<string, EngineState>();
  private readonly opts: DetectionEngineOptions;
  /** Restored snapshots waiting for their series, and checkpoint bookkeeping (detection-restore.ts). */
  private readonly restore: DetectorRestore;

  private readonly acceptNewLevelAfterMs: number;
  /** How long a resolved anomaly's band keeps the detector's catching up from paging (detection-hold.ts). */
  private readonly recovery: RecoveryHorizon;

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
    this.recovery = { ms: accept, samples: opts.acceptNewLevelAfterSamples ?? 0 };
    this.opts = opts;
    this.restore = new DetectorRestore(opts.maxSeries);
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
        const restoredBefore = this.restore.restored;
        let held: HeldBand | undefined;
        const detector =
          input.metric === TARGET_HEALTH
            ? null
            : this.restore.create(
                input.key,
                () => this.coldDetector(input),
                (band) => (held = band),
              );
        if (detector === null) this.restore.dropFor(input.key);
        const persistent = detector !== null && isPersistentDetector(detector);
        const resumed = this.restore.restored > restoredBefore;
        const quietUntilTs =
          input.inferred !== undefined && !resumed
            ? input.timestampMs + (this.opts.inferredWarmupMs ?? 0)
            : Number.NEGATIVE_INFINITY;
        st = {
          key: input.key,
          dirty: false,
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
          sinceOpened: Number.POSITIVE_INFINITY,
          quietUntilTs,
          episode: null,
          baseline: null,
          hold: null,
          normalSinceTs: Number.NaN,
          inferred: input.inferred !== undefined && (this.opts.episodic?.(input) ?? true),
          counts: newCountNoiseState(),
        };
        this.state.set(input.key, st);
        // An anomaly open at the checkpoint stays open against its band: it resolves only when the series is
        // back inside it, and no second anomaly opens for the same deviation after the restart.
        if (held !== undefined) {
          st.open = true;
          st.hold = { lower: held.lower, upper: held.upper };
          st.lastOpenedTs = held.openedAtMs;
          st.sinceOpened = 0;
        }
      }
      processed++;
      const prevTs = st.lastTs;
      st.lastTs = input.timestampMs;
      st.sinceOpened += Math.max(1, input.spans ?? 1);
      if (st.detector === null) {
        this.health(input, st, nowMs, batch.targetId, opened, resolved);
        continue;
      }
      const v = st.detector.update(input.value, input.timestampMs);
      if (st.persistent && !st.dirty) this.restore.markDirty(st);
      observeCount(st.counts, input.value);
      const reportable =
        v.anomalous &&
        v.confidence >= this.opts.minConfidence &&
        isReportable(v) &&
        !this.countNoise(st, input.value, v.expected);
      const catchingUp = returnedInside(
        st,
        input.value,
        reportable,
        input.timestampMs,
        this.recovery,
        input.spans,
      );
      const bad = reportable && !catchingUp;
      if (st.inferred) {
        episodeStep(input, st, v, bad, prevTs, nowMs, this.opts, opened, resolved);
        continue;
      }
      if (bad) {
        if (st.hold === null) st.calm = 0;
        if (st.streak === 0) st.streakStartTs = input.timestampMs;
        st.streak++;
        const cooled =
          input.timestampMs - st.lastOpenedTs >= this.opts.cooldownMs &&
          st.sinceOpened >= (this.opts.cooldownSamples ?? 0);
        const run = Math.max(st.streak, v.evidenceSamples ?? 1);
        if (!st.open && run >= this.opts.confirmSamples && cooled && input.timestampMs >= st.quietUntilTs) {
          st.open = true;
          st.lastOpenedTs = input.timestampMs;
          st.sinceOpened = 0;
          const anomaly = anomalyOf(input, v, st.streakStartTs, nowMs, this.opts.detectorName);
          opened.push({ key: input.key, anomaly });
          // Held open until the series is back inside the band it opened against (detection-hold.ts).
          st.hold = this.opts.holdBand === false ? null : frozenBand(anomaly);
          st.calm = 0;
          st.normalSinceTs = Number.NaN;
          st.normalRun = 0;
          continue;
        }
      } else if (!v.warmingUp) {
        st.streak = 0;
        if (st.hold === null) {
          st.calm++;
          if (st.open && (v.resolved || st.calm >= this.opts.resolveAfterSamples)) {
            st.open = false;
            resolved.push({ key: input.key, resolvedAtMs: input.timestampMs, reason: judgedNormal(st.calm) });
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
          input.spans,
          this.opts.acceptNewLevelAfterSamples,
        );
        if (out !== null) {
          st.open = false;
          endHold(st, out, input.timestampMs);
          resolved.push({ key: input.key, resolvedAtMs: input.timestampMs, reason: out.reason });
        }
      }
    }
    // Anomalies open at the checkpoint whose restored state went unused can no longer resolve by their band.
    for (const key of this.restore.takeReleased())
      resolved.push({ key, resolvedAtMs: Math.floor(nowMs), reason: RESTARTED_WITHOUT_STATE });
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
    return this.restore.seed(entries, (key) => this.state.has(key));
  }

  /** Drops every restored snapshot still waiting for its series (their series will start cold). Returns how many. */
  dropRestored(): number {
    return this.restore.dropRestored();
  }

  /**
   * Snapshots of at most `max` persistent detectors that were updated since they were last handed out, the
   * longest-waiting first; they count as checkpointed from now on (a series updated again is handed out at a
   * later call). A detector whose `snapshot()` throws is skipped and counted.
   * @throws RangeError when `max` is not a positive integer.
   */
  snapshots(max: number): SeriesSnapshot[] {
    return this.restore.snapshots(
      max,
      (key) => this.state.get(key)?.detector,
      (key) => {
        const st = this.state.get(key);
        return st?.open === true && st.hold !== null && st.hold !== undefined
          ? { lower: st.hold.lower, upper: st.hold.upper, openedAtMs: st.lastOpenedTs }
          : undefined;
      },
    );
  }

  /** Counters of checkpointing and restoring. */
  persistenceStats(): PersistenceStats {
    return this.restore.stats();
  }

  /**
   * Whether `value` is no evidence on this series because it lies within the counting noise of `expected` (a
   * count series only, with `countNoiseAlpha` set; detection-counts.ts).
   */
  private countNoise(st: EngineState, value: number, expected: number): boolean {
    const alpha = this.opts.countNoiseAlpha ?? 0;
    return alpha > 0 && isCountingNoise(st.counts) && withinCountNoise(value, expected, alpha);
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
      if (st.open)
        resolved.push({ key: input.key, resolvedAtMs: input.timestampMs, reason: TARGET_ANSWERING });
      st.open = false;
    }
  }
}
