/**
 * Streaming statistical (z-score) anomaly detector: the design of the original v3 detector (seed 000
 * "Anomaly Detection"; inventory section 4.1) with its bugs fixed. Pure: no clocks, no I/O; time comes in
 * with each sample (Unix ms).
 *
 * What the original did and what this file does instead:
 * - The original added the sample to its window before scoring it, so one outlier's z was bounded by
 *   (n-1)/sqrt(n) (2.85 at n = 10: below 3 sigma, never detected). Here each sample is scored against the
 *   long-window baseline of PREVIOUS samples only, then learned.
 * - The original's confidence guard used signed z, so bandwidth drops were never reported, and compression
 *   flagged unusually HIGH ratios. Here each {@link MetricKind} has an explicit bad {@link Direction}
 *   (bandwidth both, latency up, compression down, consensus up, error_rate up, generic both) and the
 *   deviation is measured along it.
 * - The original computed short (10) and long (100) moving averages and used neither. Here the long window
 *   is the baseline, and the short window is used twice: (1) a sustained level-shift test, the mean of the last
 *   `shortWindow` in-band samples against the baseline in standard errors, `zs = (mS - mu) / (sigma / sqrt(S))`,
 *   which catches moderate shifts that no single point exceeds; (2) re-baselining after a large level
 *   shift (below).
 */
import { KIND_BAD_DIRECTION } from '../../catalog/impact.ts';
import { InvalidInputError } from '../../errors.ts';
import type { Direction, MetricKind } from '../../model/anomaly.ts';
import { NOT_JUDGED, type DetectorContext, type StreamingDetector, type Verdict } from './detector.ts';
import { MAX_ROLLING_CAPACITY, RollingWindow } from './rolling.ts';
import { definedOptions, isIntIn } from './option-checks.ts';
import { confidenceOf, scoreOfDeviation, severityOf } from './statistical-score.ts';

/** Options of the statistical detector. All durations are milliseconds of sample time. */
export interface StatisticalOptions {
  /** Short window (samples) for the level-shift test and re-baselining (seed 000: 10). Integer in [2, longWindow]. */
  readonly shortWindow: number;
  /** Long window (samples) the baseline mean/std come from (seed 000: 100). Integer in [2, 2^20]. */
  readonly longWindow: number;
  /** Baseline samples needed before judging (seed 000: 10). Integer in [2, longWindow]. */
  readonly minSamples: number;
  /** Point threshold in standard deviations along the bad direction (> 0; per-kind default below). */
  readonly threshold: number;
  /** Bad direction (per-kind default below; `DetectorContext.direction` overrides it). */
  readonly direction: Direction;
  /**
   * The level-shift test fires at `threshold + shiftMargin` standard errors (default 0.5, which keeps the
   * combined false-alarm rate of point and shift tests near that of the point test alone). >= 0;
   * `Infinity` disables the shift test.
   */
  readonly shiftMargin: number;
  /** Verdicts below this confidence are not anomalous (seed 000: 0.8). In [0, 1]. */
  readonly minConfidence: number;
  /**
   * After an emitted anomaly, further anomalous samples within this much sample time are suppressed (not
   * reported) but keep the episode open (seed 000: 5 min). >= 0; 0 reports every anomalous sample.
   */
  readonly cooldownMs: number;
  /** Consecutive in-band samples that resolve an episode (>= 1, default 3). */
  readonly resolveSamples: number;
  /**
   * Standard-deviation floor relative to the series level: sigma >= relativeStdFloor * |mean| (default 1e-3,
   * 0.1 % of the level), so a constant series followed by a jump is detected instead of dividing by zero,
   * while changes below ~0.3 % of the level on a perfectly flat series are not flagged. Finite, >= 0.
   */
  readonly relativeStdFloor: number;
  /** Absolute standard-deviation floor (for series whose level is ~0), in the series' unit. Finite, > 0. */
  readonly absoluteStdFloor: number;
  /**
   * `full` (default): every judged sample gets its own verdict object (score, expected, band, deviation) —
   * needed for score sweeps. `lean`: in-band samples that are neither anomalous nor resolving return the
   * shared frozen {@link LEAN_NORMAL_VERDICT} (numeric fields NaN/0), so the hot path allocates only for
   * anomalies and resolutions. Returned verdicts are never mutated later in either mode.
   */
  readonly verdicts: 'full' | 'lean';
}

/** Per-kind bad direction (the catalog's, src/catalog/impact.ts) and point threshold (seed 000 / inventory 4.1; error_rate and generic are ours). */
export const KIND_DEFAULTS: Readonly<
  Record<MetricKind, { readonly direction: Direction; readonly threshold: number }>
> = Object.freeze({
  bandwidth: Object.freeze({ direction: KIND_BAD_DIRECTION.bandwidth, threshold: 3 }),
  latency: Object.freeze({ direction: KIND_BAD_DIRECTION.latency, threshold: 3 }),
  compression: Object.freeze({ direction: KIND_BAD_DIRECTION.compression, threshold: 2.5 }),
  consensus: Object.freeze({ direction: KIND_BAD_DIRECTION.consensus, threshold: 2.5 }),
  error_rate: Object.freeze({ direction: KIND_BAD_DIRECTION.error_rate, threshold: 3 }),
  utilization: Object.freeze({ direction: KIND_BAD_DIRECTION.utilization, threshold: 3 }),
  health: Object.freeze({ direction: KIND_BAD_DIRECTION.health, threshold: 3 }),
  generic: Object.freeze({ direction: KIND_BAD_DIRECTION.generic, threshold: 3 }),
});

/** Defaults (kind `generic`); {@link resolveStatisticalOptions} applies the per-kind direction/threshold. */
export const DEFAULT_STATISTICAL_OPTIONS: StatisticalOptions = Object.freeze({
  shortWindow: 10,
  longWindow: 100,
  minSamples: 10,
  threshold: 3,
  direction: 'both',
  shiftMargin: 0.5,
  minConfidence: 0.8,
  cooldownMs: 5 * 60_000,
  resolveSamples: 3,
  relativeStdFloor: 1e-3,
  absoluteStdFloor: 1e-9,
  verdicts: 'full',
});

/** Shared verdict for in-band samples in `lean` mode (not anomalous, judged, numeric fields unknown). */
export const LEAN_NORMAL_VERDICT: Verdict = Object.freeze({ ...NOT_JUDGED, warmingUp: false });

const KINDS: readonly MetricKind[] = Object.keys(KIND_DEFAULTS) as MetricKind[];
const DIRECTIONS: readonly Direction[] = ['up', 'down', 'both'];
const OPTION_KEYS = Object.keys(DEFAULT_STATISTICAL_OPTIONS);

/**
 * Merges defaults, the kind's direction/threshold, `ctx.direction` and `options` (in that order), and
 * validates the result.
 * @throws InvalidInputError for an unknown kind/direction/option name, windows < 2 or out of order,
 *   threshold <= 0 or non-finite, minConfidence outside [0, 1], negative cooldown/margins/floors,
 *   absoluteStdFloor <= 0, resolveSamples < 1, or an unknown `verdicts` mode.
 */
export function resolveStatisticalOptions(
  ctx: DetectorContext,
  options: Partial<StatisticalOptions> = {},
): StatisticalOptions {
  if (!KINDS.includes(ctx.kind)) throw new InvalidInputError(`unknown metric kind ${String(ctx.kind)}`);
  for (const k of Object.keys(options)) {
    if (!OPTION_KEYS.includes(k)) throw new InvalidInputError(`unknown statistical detector option ${k}`);
  }
  const kd = KIND_DEFAULTS[ctx.kind];
  const o: StatisticalOptions = {
    ...DEFAULT_STATISTICAL_OPTIONS,
    direction: ctx.direction ?? kd.direction,
    threshold: kd.threshold,
    ...definedOptions(options),
  };
  const bad = (msg: string): never => {
    throw new InvalidInputError(`statistical detector: ${msg}`);
  };
  if (!isIntIn(o.longWindow, 2, MAX_ROLLING_CAPACITY))
    bad(`longWindow must be an integer in [2, ${MAX_ROLLING_CAPACITY}], got ${o.longWindow}`);
  if (!isIntIn(o.shortWindow, 2, o.longWindow))
    bad(`shortWindow must be an integer in [2, longWindow=${o.longWindow}], got ${o.shortWindow}`);
  if (!isIntIn(o.minSamples, 2, o.longWindow))
    bad(`minSamples must be an integer in [2, longWindow=${o.longWindow}], got ${o.minSamples}`);
  if (!(Number.isFinite(o.threshold) && o.threshold > 0))
    bad(`threshold must be a finite number > 0, got ${o.threshold}`);
  if (!DIRECTIONS.includes(o.direction))
    bad(`direction must be one of ${DIRECTIONS.join(', ')}, got ${String(o.direction)}`);
  if (!(o.shiftMargin >= 0))
    bad(`shiftMargin must be >= 0 (Infinity disables the shift test), got ${o.shiftMargin}`);
  if (!(o.minConfidence >= 0 && o.minConfidence <= 1))
    bad(`minConfidence must be in [0, 1], got ${o.minConfidence}`);
  if (!(Number.isFinite(o.cooldownMs) && o.cooldownMs >= 0))
    bad(`cooldownMs must be a finite number >= 0, got ${o.cooldownMs}`);
  if (!isIntIn(o.resolveSamples, 1, 1_000_000))
    bad(`resolveSamples must be an integer >= 1, got ${o.resolveSamples}`);
  if (!(Number.isFinite(o.relativeStdFloor) && o.relativeStdFloor >= 0))
    bad(`relativeStdFloor must be finite and >= 0, got ${o.relativeStdFloor}`);
  if (!(Number.isFinite(o.absoluteStdFloor) && o.absoluteStdFloor > 0))
    bad(`absoluteStdFloor must be finite and > 0, got ${o.absoluteStdFloor}`);
  if (o.verdicts !== 'full' && o.verdicts !== 'lean')
    bad(`verdicts must be 'full' or 'lean', got ${String(o.verdicts)}`);
  return Object.freeze(o);
}

/** Counters of one detector since creation (for tests, the CLI summary and benchmarks). */
export interface StatisticalCounters {
  /** Samples ignored because value or timestamp was not finite. */
  readonly ignored: number;
  /** Samples judged (after warm-up). */
  readonly judged: number;
  /** Samples returned with `anomalous: true`. */
  readonly emitted: number;
  /** Anomalous samples not reported because of the cooldown. */
  readonly suppressed: number;
  /** Episodes opened. */
  readonly episodes: number;
  /** Episodes resolved (`resolved: true` verdicts). */
  readonly resolutions: number;
  /** Times the baseline was replaced after a sustained level shift. */
  readonly rebaselines: number;
}

/** The statistical detector: a {@link StreamingDetector} with introspection. */
export interface StatisticalDetector extends StreamingDetector {
  /** The validated options in use. */
  readonly options: StatisticalOptions;
  /** True while an anomaly episode is open (between the first anomaly and its resolution). */
  episodeOpen(): boolean;
  counters(): StatisticalCounters;
}

/** Estimated bytes of the detector object itself (header + ~25 fields) and its closure/context. */
const DETECTOR_OVERHEAD_BYTES = 320;

class StatisticalDetectorImpl implements StatisticalDetector {
  readonly name = 'statistical';
  readonly options: StatisticalOptions;
  private readonly long: RollingWindow;
  /** Last `shortWindow` in-band samples (for the level-shift test). */
  private readonly shortInBand: RollingWindow;
  /** Last `shortWindow` finite samples as observed (seed of a re-baseline). */
  private readonly recent: RollingWindow;
  private readonly thr: number;
  private readonly shiftScale: number;
  private readonly shiftThr: number;
  private readonly sqrtShort: number;
  /** +1 up, -1 down, 0 both. */
  private readonly dir: number;
  private readonly lean: boolean;
  private episode = false;
  private calm = 0;
  private lastEmitTs = Number.NEGATIVE_INFINITY;
  private runSide = 0;
  private run = 0;
  private nIgnored = 0;
  private nJudged = 0;
  private nEmitted = 0;
  private nSuppressed = 0;
  private nEpisodes = 0;
  private nResolutions = 0;
  private nRebaselines = 0;

  constructor(options: StatisticalOptions) {
    this.options = options;
    this.long = new RollingWindow(options.longWindow);
    this.shortInBand = new RollingWindow(options.shortWindow);
    this.recent = new RollingWindow(options.shortWindow);
    this.thr = options.threshold;
    this.shiftThr = options.threshold + options.shiftMargin;
    this.shiftScale = Number.isFinite(this.shiftThr) ? options.threshold / this.shiftThr : 0;
    this.sqrtShort = Math.sqrt(options.shortWindow);
    this.dir = options.direction === 'up' ? 1 : options.direction === 'down' ? -1 : 0;
    this.lean = options.verdicts === 'lean';
  }

  update(value: number, timestampMs: number): Verdict {
    if (!Number.isFinite(value) || !Number.isFinite(timestampMs)) {
      this.nIgnored++;
      return NOT_JUDGED;
    }
    const long = this.long;
    const o = this.options;
    if (long.size < o.minSamples) {
      long.push(value);
      this.recent.push(value);
      return NOT_JUDGED;
    }
    this.nJudged++;
    const thr = this.thr;
    const mu = long.mean();
    const absMu = mu < 0 ? -mu : mu;
    let sigma = long.sampleStd();
    const relFloor = o.relativeStdFloor * absMu;
    if (!(sigma >= relFloor)) sigma = relFloor;
    if (sigma < o.absoluteStdFloor) sigma = o.absoluteStdFloor;
    const z = (value - mu) / sigma;
    const absZ = z < 0 ? -z : z;
    const outOfBand = absZ >= thr;

    // Deviation along the bad direction (0 when the sample deviates the harmless way).
    const dir = this.dir;
    let zDir = dir === 0 ? absZ : dir * z;
    if (zDir < 0) zDir = 0;

    // Level-shift test over the short window of in-band samples (the current one included when in band).
    let zEff = zDir;
    if (!outOfBand) {
      this.shortInBand.push(value);
      if (this.shiftScale > 0 && zDir > 0 && this.shortInBand.full) {
        const zs = ((this.shortInBand.mean() - mu) / sigma) * this.sqrtShort;
        // Same side as the current sample, along the bad direction.
        const zsDir = dir === 0 ? (zs * z > 0 ? (zs < 0 ? -zs : zs) : 0) : dir * zs;
        const scaled = zsDir * this.shiftScale;
        if (scaled > zEff) zEff = scaled;
      }
    }

    const candidate = zEff >= thr;
    const confidence = candidate ? confidenceOf(zEff, thr) : 0;
    let anomalous = false;
    let resolved = false;
    let opened = false;
    if (candidate && confidence >= o.minConfidence) {
      this.calm = 0;
      if (!this.episode) {
        this.episode = true;
        opened = true;
        this.nEpisodes++;
      }
      if (timestampMs - this.lastEmitTs >= o.cooldownMs) {
        this.lastEmitTs = timestampMs;
        anomalous = true;
        this.nEmitted++;
      } else {
        this.nSuppressed++;
      }
    } else if (this.episode && !candidate) {
      if (++this.calm >= o.resolveSamples) {
        this.episode = false;
        this.calm = 0;
        resolved = true;
        this.nResolutions++;
      }
    }

    this.learn(value, z, outOfBand, opened, mu, sigma);

    if (this.lean && !anomalous && !resolved) return LEAN_NORMAL_VERDICT;
    return {
      anomalous,
      score: scoreOfDeviation(zEff),
      expected: mu,
      lower: mu - thr * sigma,
      upper: mu + thr * sigma,
      deviation: z,
      confidence,
      severity: severityOf(zEff),
      warmingUp: false,
      resolved,
    };
  }

  /**
   * Learning rule (after scoring):
   * - in-band sample (|z| < threshold): learned;
   * - out-of-band sample outside an episode, or the one that opens it: learned winsorised, i.e. clipped to
   *   the band edge mu +- threshold*sigma, so one outlier moves the baseline by at most threshold*sigma/longWindow
   *   however large it is. (Skipping these instead would truncate the tails and underestimate sigma: on a
   *   gaussian series the false-alarm rate rose by about a third in our measurement; winsorising at 3 sigma keeps
   *   the variance within 0.3 %.);
   * - further out-of-band samples while the episode is open: NOT learned, so a sustained anomaly does not drag
   *   the baseline towards itself;
   * - re-baseline: when the last `shortWindow` samples were all out of band on the same side (the whole short
   *   window has moved), the series has shifted level: the long window is replaced by those samples and the
   *   detector judges the new level from then on (the episode then resolves after `resolveSamples` in-band
   *   samples of the new baseline). Without this a step change would alarm forever.
   */
  private learn(
    value: number,
    z: number,
    outOfBand: boolean,
    opened: boolean,
    mu: number,
    sigma: number,
  ): void {
    this.recent.push(value);
    if (!outOfBand) {
      this.run = 0;
      this.long.push(value);
      return;
    }
    const side = z > 0 ? 1 : -1;
    if (side === this.runSide) this.run++;
    else {
      this.runSide = side;
      this.run = 1;
    }
    if (this.run >= this.options.shortWindow) {
      this.long.clear();
      const r = this.recent;
      for (let i = 0; i < r.size; i++) this.long.push(r.at(i));
      this.shortInBand.clear();
      this.run = 0;
      this.runSide = 0;
      this.nRebaselines++;
      return;
    }
    if (this.episode && !opened) return;
    const edge = this.thr * sigma;
    this.long.push(side > 0 ? mu + edge : mu - edge);
  }

  episodeOpen(): boolean {
    return this.episode;
  }

  counters(): StatisticalCounters {
    return {
      ignored: this.nIgnored,
      judged: this.nJudged,
      emitted: this.nEmitted,
      suppressed: this.nSuppressed,
      episodes: this.nEpisodes,
      resolutions: this.nResolutions,
      rebaselines: this.nRebaselines,
    };
  }

  stateBytes(): number {
    return (
      this.long.stateBytes() +
      this.shortInBand.stateBytes() +
      this.recent.stateBytes() +
      DETECTOR_OVERHEAD_BYTES
    );
  }
}

/**
 * Creates a statistical detector for one series.
 *
 * Per sample (`update(value, timestampMs)`, value in the series' unit, time in Unix ms):
 * 1. Non-finite value or timestamp: returns `NOT_JUDGED`, state unchanged.
 * 2. Warm-up (fewer than `minSamples` baseline samples): learned, returns `NOT_JUDGED`.
 * 3. Baseline of previous samples: mean `mu` and sample std `sigma` of the long window, with
 *    `sigma >= max(relativeStdFloor*|mu|, absoluteStdFloor)`; `z = (value - mu) / sigma` (Verdict.deviation).
 * 4. `zEff` = max(deviation along the bad direction, level-shift statistic scaled so that its threshold maps to
 *    `threshold`). Anomalous candidate iff `zEff >= threshold`; confidence
 *    `min(1, 0.8 + 0.2 (zEff - thr)/thr)`; severity by zEff (> 5 critical, > 4 high, > 3 medium, else low);
 *    score `1 - 2 Q(zEff)` (monotone in zEff, for threshold sweeps).
 * 5. Cooldown in sample time: a candidate with confidence >= minConfidence is reported (`anomalous: true`) unless
 *    another was reported less than `cooldownMs` earlier (then suppressed: `anomalous: false`, but the episode
 *    stays open). Timestamps going backwards count as inside the cooldown.
 * 6. Resolution: after `resolveSamples` consecutive non-candidate samples, the episode closes and that
 *    sample's verdict has `resolved: true`.
 * 7. Learning: see the rule on `learn` (in-band learned; anomalies not learned during an episode; harmless
 *    excursions winsorised; re-baseline after `shortWindow` consecutive same-side out-of-band samples).
 *
 * Memory: three Float64Array rings (long + 2 x short), constant after construction (`stateBytes()`).
 *
 * @param ctx metric kind (decides default direction/threshold) and optional direction override.
 * @param options partial options over {@link DEFAULT_STATISTICAL_OPTIONS} and {@link KIND_DEFAULTS}.
 * @throws InvalidInputError for invalid options (see {@link resolveStatisticalOptions}).
 */
export function createStatisticalDetector(
  ctx: DetectorContext,
  options?: Partial<StatisticalOptions>,
): StatisticalDetector {
  return new StatisticalDetectorImpl(resolveStatisticalOptions(ctx, options));
}
