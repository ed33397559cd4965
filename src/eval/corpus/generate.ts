/**
 * A labelled corpus of synthetic operational series for anomaly detection, independent of the DWCP simulator:
 * every series and every label is drawn from its own seed by {@link CorpusRandom}, with each parameter drawn
 * uniformly from a documented range ({@link CORPUS_RANGES}). The ranges describe what ordinary metrics look like
 * and what an operator wants to be paged for; they were fixed before any detector was run on the corpus and are
 * not tuned to any detector.
 *
 * A series is `level + σ·(season(t) + drift(t) + noise(t) + anomalies(t)) + blips`, in σ units of its noise:
 * - cadence: minute-level (60 s, 14 days, covering two weeks of weekly pattern) or second-level (1 s, 6 hours);
 * - noise: Gaussian, Student-t (ν ∈ [3, 8]) or Laplace, scaled to unit variance, AR(1)-correlated (φ ∈ [0, 0.6]
 *   with innovations scaled so the marginal variance stays 1);
 * - daily seasonality (70 % of series): a first harmonic of amplitude A ∈ [1, 8] σ plus a second harmonic of
 *   relative size [0, 0.5], random phase; weekly pattern (half of the seasonal minute-level series): on Saturday
 *   and Sunday the daily amplitude is multiplied by [0.3, 1] and the level lowered by [0.5, 3] σ;
 * - slow drift: a linear trend of [−1, 1] σ/day plus a random walk of diffusion [0, 1] σ²/day — benign;
 * - benign one-off blips: single samples ± [4, 10] σ at a Poisson rate of [1, 4] per day — must not page;
 * - labelled anomalies, after a warm-up (2 days minute-level, 1 hour second-level), [2, 4] per minute-level
 *   and [1, 2] per second-level series, kinds uniform:
 *   - `level_shift`: a permanent step of ± [4, 8] σ; window: its first hour (minute) / 5 minutes (second);
 *   - `variance_change`: the noise scaled by [3, 6] for 1–6 h (minute) / 2–20 min (second); window: its span;
 *   - `spike`: a burst of 3–10 consecutive samples at ± [6, 12] σ (each within ±20 %); window: its span;
 *   - `leak`: a linear ramp to ± [5, 10] σ over 1–6 h (minute) / 5–30 min (second), then a plateau that stays;
 *     window: the ramp.
 *   Anomalies do not overlap: the evaluated span is cut into one segment per anomaly and each starts in the
 *   first half of its segment.
 * Labels are windows as in NAB (Lavin & Ahmad, arXiv:1510.03336): a detection counts for an anomaly when it
 * starts inside the window or within {@link CORPUS_GRACE_SAMPLES} samples after it (corpus/evaluate.ts).
 */
import { InvalidInputError } from '../../errors.ts';
import { CorpusRandom } from './random.ts';

/** Kinds of labelled anomaly. */
export const CORPUS_ANOMALY_KINDS = ['level_shift', 'variance_change', 'spike', 'leak'] as const;
export type CorpusAnomalyKind = (typeof CORPUS_ANOMALY_KINDS)[number];

/** Sampling cadence of a series. */
export type CorpusCadence = 'minute' | 'second';

/** One labelled anomaly (times in Unix ms; the window is [startMs, endMs]). */
export interface CorpusAnomaly {
  readonly kind: CorpusAnomalyKind;
  readonly startMs: number;
  readonly endMs: number;
  /** Size in noise σ: step, final ramp height or spike height (signed); variance factor for variance_change. */
  readonly magnitude: number;
}

/** Parameters a series was drawn with (for the report and for debugging a miss). */
export interface CorpusSeriesParams {
  readonly noise: 'gaussian' | 'student-t' | 'laplace';
  /** Degrees of freedom of Student-t noise, else null. */
  readonly nu: number | null;
  readonly ar: number;
  readonly level: number;
  readonly sigma: number;
  /** Daily amplitude in σ (0: none). */
  readonly dailyAmplitude: number;
  readonly weekly: boolean;
  /** Linear trend, σ/day. */
  readonly trendPerDay: number;
  /** Random-walk diffusion, σ²/day. */
  readonly diffusionPerDay: number;
  /** Blip rate per day. */
  readonly blipRatePerDay: number;
}

/** One generated series. */
export interface CorpusSeries {
  readonly id: string;
  readonly seed: number;
  readonly cadence: CorpusCadence;
  readonly stepMs: number;
  readonly timestampsMs: Float64Array;
  readonly values: Float64Array;
  /** Detections that start before this are cold-start detections (not evaluated). */
  readonly evalStartMs: number;
  readonly anomalies: readonly CorpusAnomaly[];
  /** Times of the benign one-sample blips. */
  readonly blipsMs: readonly number[];
  readonly params: CorpusSeriesParams;
}

/** Samples after a window's end in which a detection still counts for it. */
export const CORPUS_GRACE_SAMPLES = 10;

/** The documented parameter ranges (uniform draws); see the module comment for what each means. */
export const CORPUS_RANGES = Object.freeze({
  minuteShare: 0.6,
  minuteDays: 14,
  secondHours: 6,
  warmupMinuteMs: 2 * 86_400_000,
  warmupSecondMs: 3_600_000,
  levelLog10: [0, 3] as const,
  sigmaOverLevel: [0.02, 0.1] as const,
  studentNu: [3, 8] as const,
  ar: [0, 0.6] as const,
  dailyShare: 0.7,
  dailyAmplitude: [1, 8] as const,
  secondHarmonic: [0, 0.5] as const,
  weeklyShare: 0.5,
  weekendAmplitude: [0.3, 1] as const,
  weekendDrop: [0.5, 3] as const,
  trendPerDay: [-1, 1] as const,
  diffusionPerDay: [0, 1] as const,
  blipRatePerDay: [1, 4] as const,
  blipSigma: [4, 10] as const,
  anomaliesMinute: [2, 4] as const,
  anomaliesSecond: [1, 2] as const,
  shiftSigma: [4, 8] as const,
  shiftWindowMinuteMs: 3_600_000,
  shiftWindowSecondMs: 300_000,
  varianceFactor: [3, 6] as const,
  spanMinuteMs: [3_600_000, 6 * 3_600_000] as const,
  varianceSpanSecondMs: [120_000, 1_200_000] as const,
  leakSpanSecondMs: [300_000, 1_800_000] as const,
  spikeSamples: [3, 10] as const,
  spikeSigma: [6, 12] as const,
  leakSigma: [5, 10] as const,
});

const DAY_MS = 86_400_000;
/** Monday 2026-03-02 00:00 UTC: every series starts on a whole day of a known weekday. */
const EPOCH_MS = Date.UTC(2026, 2, 2);

const r2 = (rng: CorpusRandom, range: readonly [number, number]): number => rng.uniform(range[0], range[1]);

/** Seed of series `index` of a split (a splitmix-style mix, so neighbouring seeds give unrelated series). */
export function seriesSeed(splitSeed: number, index: number): number {
  let h = (Math.imul(splitSeed >>> 0, 0x9e3779b1) ^ Math.imul(index + 1, 0x85ebca77)) >>> 0;
  h = Math.imul(h ^ (h >>> 15), 0x2c1b3c6d) >>> 0;
  h = Math.imul(h ^ (h >>> 12), 0x297a2d39) >>> 0;
  return (h ^ (h >>> 15)) >>> 0;
}

/**
 * Generates series `index` of the split with seed `splitSeed` (deterministic).
 * @throws InvalidInputError for a seed or index that is not a non-negative safe integer.
 */
export function generateCorpusSeries(splitSeed: number, index: number): CorpusSeries {
  if (!Number.isSafeInteger(splitSeed) || splitSeed < 0)
    throw new InvalidInputError(`corpus: split seed must be a non-negative safe integer, got ${splitSeed}`);
  if (!Number.isSafeInteger(index) || index < 0)
    throw new InvalidInputError(`corpus: index must be a non-negative safe integer, got ${index}`);
  const R = CORPUS_RANGES;
  const seed = seriesSeed(splitSeed, index);
  const rng = new CorpusRandom(seed);
  const cadence: CorpusCadence = rng.chance(R.minuteShare) ? 'minute' : 'second';
  const stepMs = cadence === 'minute' ? 60_000 : 1000;
  const n = cadence === 'minute' ? (R.minuteDays * DAY_MS) / stepMs : (R.secondHours * 3_600_000) / stepMs;
  const startMs = EPOCH_MS + rng.int(0, 6) * DAY_MS + (cadence === 'second' ? rng.int(0, 23) * 3_600_000 : 0);

  const level = Math.pow(10, r2(rng, R.levelLog10));
  const sigma = level * r2(rng, R.sigmaOverLevel);
  const noise = rng.pick(['gaussian', 'student-t', 'laplace'] as const);
  const nu = noise === 'student-t' ? r2(rng, R.studentNu) : null;
  const ar = r2(rng, R.ar);
  const daily = rng.chance(R.dailyShare);
  const dailyAmplitude = daily ? r2(rng, R.dailyAmplitude) : 0;
  const harmonic = r2(rng, R.secondHarmonic);
  const phase = rng.uniform(0, 2 * Math.PI);
  const weekly = daily && cadence === 'minute' && rng.chance(R.weeklyShare);
  const weekendAmp = weekly ? r2(rng, R.weekendAmplitude) : 1;
  const weekendDrop = weekly ? r2(rng, R.weekendDrop) : 0;
  const trendPerDay = r2(rng, R.trendPerDay);
  const diffusionPerDay = r2(rng, R.diffusionPerDay);
  const blipRatePerDay = r2(rng, R.blipRatePerDay);
  const params: CorpusSeriesParams = {
    noise,
    nu,
    ar,
    level,
    sigma,
    dailyAmplitude,
    weekly,
    trendPerDay,
    diffusionPerDay,
    blipRatePerDay,
  };

  // Anomalies: one segment of the evaluated span each.
  const evalStartMs = startMs + (cadence === 'minute' ? R.warmupMinuteMs : R.warmupSecondMs);
  const endMs = startMs + n * stepMs;
  const count =
    cadence === 'minute'
      ? rng.int(R.anomaliesMinute[0], R.anomaliesMinute[1])
      : rng.int(R.anomaliesSecond[0], R.anomaliesSecond[1]);
  const segMs = (endMs - evalStartMs) / count;
  const anomalies: CorpusAnomaly[] = [];
  const snap = (t: number): number => startMs + Math.round((t - startMs) / stepMs) * stepMs;
  for (let i = 0; i < count; i++) {
    const kind = rng.pick(CORPUS_ANOMALY_KINDS);
    const segStart = evalStartMs + i * segMs;
    const start = snap(segStart + rng.uniform(0, 0.5) * segMs);
    const sign = rng.chance(0.5) ? 1 : -1;
    let span: number;
    let magnitude: number;
    if (kind === 'level_shift') {
      span = cadence === 'minute' ? R.shiftWindowMinuteMs : R.shiftWindowSecondMs;
      magnitude = sign * r2(rng, R.shiftSigma);
    } else if (kind === 'variance_change') {
      span = r2(rng, cadence === 'minute' ? R.spanMinuteMs : R.varianceSpanSecondMs);
      magnitude = r2(rng, R.varianceFactor);
    } else if (kind === 'spike') {
      span = (rng.int(R.spikeSamples[0], R.spikeSamples[1]) - 1) * stepMs;
      magnitude = sign * r2(rng, R.spikeSigma);
    } else {
      span = r2(rng, cadence === 'minute' ? R.spanMinuteMs : R.leakSpanSecondMs);
      magnitude = sign * r2(rng, R.leakSigma);
    }
    const end = Math.min(snap(start + Math.min(span, 0.45 * segMs)), endMs - stepMs);
    anomalies.push({ kind, startMs: start, endMs: end, magnitude });
  }

  const timestampsMs = new Float64Array(n);
  const values = new Float64Array(n);
  const stepDays = stepMs / DAY_MS;
  const walkSd = Math.sqrt(diffusionPerDay * stepDays);
  const innovation = Math.sqrt(1 - ar * ar);
  const tScale = nu === null ? 1 : Math.sqrt((nu - 2) / nu);
  const draw = (): number =>
    noise === 'gaussian'
      ? rng.normal()
      : noise === 'laplace'
        ? rng.laplace(Math.SQRT1_2)
        : tScale * rng.studentT(nu!);
  let e = draw();
  let walk = 0;
  const blipsMs: number[] = [];
  const blipP = blipRatePerDay * stepDays;
  for (let i = 0; i < n; i++) {
    const t = startMs + i * stepMs;
    timestampsMs[i] = t;
    const dayPhase = (2 * Math.PI * (t % DAY_MS)) / DAY_MS + phase;
    const weekday = Math.floor((t - EPOCH_MS) / DAY_MS) % 7; // 0 = Monday
    const weekend = weekday >= 5;
    let season = dailyAmplitude * (Math.sin(dayPhase) + harmonic * Math.sin(2 * dayPhase + phase));
    if (weekend) season = season * weekendAmp - weekendDrop;
    if (i > 0) {
      walk += walkSd * rng.normal();
      e = ar * e + innovation * draw();
    }
    let noiseScale = 1;
    let extra = 0;
    for (const a of anomalies) {
      if (t < a.startMs) continue;
      if (a.kind === 'variance_change' && t <= a.endMs) noiseScale *= a.magnitude;
      else if (a.kind === 'spike' && t <= a.endMs) extra += a.magnitude * rng.uniform(0.8, 1.2);
      else if (a.kind === 'leak')
        extra +=
          t <= a.endMs
            ? (a.magnitude * (t - a.startMs + stepMs)) / (a.endMs - a.startMs + stepMs)
            : a.magnitude;
      else if (a.kind === 'level_shift') extra += a.magnitude;
    }
    let blip = 0;
    if (t >= startMs + stepMs && rng.chance(blipP)) {
      blip = (rng.chance(0.5) ? 1 : -1) * r2(rng, R.blipSigma);
      blipsMs.push(t);
    }
    const drift = trendPerDay * ((t - startMs) / DAY_MS) + walk;
    values[i] = level + sigma * (season + drift + noiseScale * e + extra + blip);
  }
  return {
    id: `${cadence}-${String(index).padStart(3, '0')}`,
    seed,
    cadence,
    stepMs,
    timestampsMs,
    values,
    evalStartMs,
    anomalies,
    blipsMs,
    params,
  };
}

/** Seeds of the two splits: tune detectors on the first, report on the second (held out). */
export const CORPUS_SPLITS = Object.freeze({ tuning: 1001, heldOut: 2002 });
/** Series per split by default. */
export const CORPUS_SERIES_PER_SPLIT = 40;

/** The `count` series of a split (default {@link CORPUS_SERIES_PER_SPLIT}). @throws InvalidInputError for a bad count. */
export function generateCorpus(splitSeed: number, count: number = CORPUS_SERIES_PER_SPLIT): CorpusSeries[] {
  if (!Number.isInteger(count) || count < 1 || count > 10_000)
    throw new InvalidInputError(`corpus: count must be an integer in 1..10000, got ${count}`);
  return Array.from({ length: count }, (_, i) => generateCorpusSeries(splitSeed, i));
}
