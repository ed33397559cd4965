/**
 * Seasonal detector: a time-of-day profile with a robust level and scale per bin, for series with daily (and
 * optionally weekly) patterns such as traffic, request rates and taxi demand.
 *
 * Inspiration: the seasonal component of STL (R. B. Cleveland, W. S. Cleveland, J. E. McRae, I. Terpenning,
 * "STL: A seasonal-trend decomposition procedure based on loess", J. Official Statistics 6 (1990) 3–73) and of
 * Holt-Winters exponential smoothing (P. R. Winters, Management Science 6 (1960) 324–342), with the robust
 * (Huber-clipped) smoothing of S. Gelper, R. Fried, C. Croux, "Robust forecasting with exponential and
 * Holt-Winters smoothing", J. Forecasting 29 (2010) 285–300. Simpler here: no trend component and no loess —
 * each of `bins` phase bins of the period keeps its own exponentially smoothed level (EWMA of the value) and
 * scale (EWMA of the absolute residual, × √(π/2) ≈ 1.2533 so it estimates σ for Gaussian noise); residuals are
 * clipped at ±`huber`·scale before they are learned so that anomalies barely move the profile. The bin is picked
 * from `timestampMs` (phase = t mod period, UTC), so gaps and irregular sampling need no special handling.
 *
 * Weekly (`weekly: true`): an additive day-of-week offset (7 values, the EWMA of the residual of the value from
 * its daily bin on that day of the week) is added to the daily profile; the daily bins then learn the value
 * minus that offset. This costs 7 numbers instead of a 7× larger profile and learns in one week.
 *
 * Cold start: until a bin has been visited in `minCycles` distinct periods, the sample is judged against a
 * global robust baseline — the same Huber-clipped EWMA level/scale over all samples regardless of phase (so a
 * fresh detector behaves like a plain robust EWMA detector during its first days); the first `minSamples`
 * samples are not judged at all. Bins learn from the first sample on, so they are ready when they switch in.
 *
 * Residual: z = (x − expected)/scale with scale floored at max(absoluteScaleFloor, relativeScaleFloor·|expected|,
 * globalScaleFloor·globalScale). Direction: only the bad direction scores (dz = max(z, 0) for `up`, max(−z, 0)
 * for `down`, |z| for `both`). Score: dz/(dz + threshold) — monotone, 0 at dz = 0, exactly ½ at the alert
 * threshold and never saturating (so NAB's corpus threshold sweep can still rank extreme deviations).
 */
import type { Direction, MetricKind } from '../../model/anomaly.ts';
import type { Severity } from '../../model/dwcp.ts';
import { InvalidInputError } from '../../errors.ts';
import { NOT_JUDGED } from './detector.ts';
import type {
  DetectorContext,
  DetectorSnapshot,
  Expectation,
  PersistentDetector,
  Predictor,
  Verdict,
} from './detector.ts';
import { KIND_DEFAULTS } from './statistical.ts';

/** Options of {@link createSeasonalDetector}. */
export interface SeasonalOptions {
  /** Metric kind: sets the default direction and threshold (KIND_DEFAULTS). */
  readonly kind: MetricKind;
  /** Which deviations score; default from `kind`. */
  readonly direction: Direction;
  /** Alert threshold in scale units (z); default from `kind`. `anomalous` ⇔ dz ≥ threshold ⇔ score ≥ ½. */
  readonly threshold: number;
  /** Length of the seasonal period in ms (default 86 400 000 = 86 400 s, one day). Integer in [1000, 1e11]. */
  readonly periodMs: number;
  /** Phase bins per period (default 48: half-hour bins). Integer in [1, 64] (the state cap). */
  readonly bins: number;
  /** Add a day-of-week offset (7 values; the "day" is one `periodMs`). */
  readonly weekly: boolean;
  /** EWMA weight of a bin's level and scale per sample landing in it. In (0, 1]. */
  readonly alpha: number;
  /** EWMA weight of the global (cold-start) baseline. In (0, 1]. */
  readonly globalAlpha: number;
  /** EWMA weight of the day-of-week offsets. In (0, 1]. */
  readonly weeklyAlpha: number;
  /** Distinct periods a bin must have seen before it replaces the global baseline. Integer in [1, 1000]. */
  readonly minCycles: number;
  /** Samples learned before anything is judged. Integer in [1, 1e6]. */
  readonly minSamples: number;
  /** Residuals are clipped at ±huber·scale before being learned. > 0 (Infinity: plain EWMA). */
  readonly huber: number;
  /** |residual| is clipped at scaleHuber·scale before it updates the scale. > 0 (Infinity: no clipping). */
  readonly scaleHuber: number;
  /** Scale floor as a fraction of |expected|. ≥ 0. */
  readonly relativeScaleFloor: number;
  /** Absolute scale floor. > 0. */
  readonly absoluteScaleFloor: number;
  /** Scale floor as a fraction of the global scale (guards bins that happen to be nearly constant). ≥ 0. */
  readonly globalScaleFloor: number;
  /**
   * Samples a bin must have learned before its own scale may be narrower than the global one (integer in [1, 1e6]):
   * until then the bin is judged with max(its scale, the global scale). A scale from a few samples is unreliable —
   * the mean absolute deviation of n Gaussian samples has a relative standard error of ≈ 0.76/√n, so with 3 samples
   * a bin's σ is often a fifth of the true one and a 2 σ sample reads 10 σ — which matters where a bin gets few
   * samples per period (long scrape intervals, short periods). Default 1 (a bin's own scale from its first sample on).
   */
  readonly minBinSamples: number;
}

/**
 * Defaults for kind `generic` (direction `both`, threshold 3). Chosen on NAB (standard / low-FP / low-FN, live):
 * these 33.2 / 17.2 / 43.7; without the weekly offset 24.3 (at minCycles 2); minCycles 2: 30.5; no Huber
 * clipping (huber = Infinity): 35.5 — NAB rewards following sustained shifts, but a monitor wants a profile
 * that a burst of anomalies does not drag along, so the clip stays on; a flat baseline (bins = 1): 18.9.
 */
export const SEASONAL_DEFAULTS: SeasonalOptions = Object.freeze({
  kind: 'generic',
  direction: 'both',
  threshold: 3,
  periodMs: 86_400_000,
  bins: 48,
  weekly: true,
  alpha: 0.1,
  globalAlpha: 0.02,
  weeklyAlpha: 0.02,
  minCycles: 1,
  minSamples: 10,
  huber: 5,
  scaleHuber: Infinity,
  relativeScaleFloor: 1e-3,
  absoluteScaleFloor: 1e-9,
  globalScaleFloor: 0.1,
  minBinSamples: 1,
});

const NAME = 'seasonal';
const VERSION = 1;
const MAX_BINS = 64;
/** √(π/2): E|X − μ| = σ·√(2/π) for Gaussian X, so mean absolute deviation × this estimates σ. */
const MAD_TO_SIGMA = 1.2533141373155003;
const OPTION_KEYS = Object.keys(SEASONAL_DEFAULTS);
const DIRECTIONS: readonly Direction[] = ['up', 'down', 'both'];

function isInt(v: unknown, lo: number, hi: number): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v >= lo && v <= hi;
}

/**
 * Merges defaults, the kind's direction/threshold and `options`, and validates the result.
 * @throws InvalidInputError for unknown option names, an unknown kind/direction or out-of-range values.
 */
export function resolveSeasonalOptions(options: Partial<SeasonalOptions> = {}): SeasonalOptions {
  for (const k of Object.keys(options)) {
    if (!OPTION_KEYS.includes(k)) throw new InvalidInputError(`unknown seasonal detector option ${k}`);
  }
  const kind = options.kind ?? 'generic';
  const kd = (KIND_DEFAULTS as Record<string, { direction: Direction; threshold: number } | undefined>)[kind];
  if (kd === undefined) throw new InvalidInputError(`seasonal: unknown metric kind ${String(kind)}`);
  const defined = Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined));
  const o = {
    ...SEASONAL_DEFAULTS,
    direction: kd.direction,
    threshold: kd.threshold,
    ...defined,
  } as SeasonalOptions;
  const bad = (msg: string): never => {
    throw new InvalidInputError(`seasonal: ${msg}`);
  };
  if (!DIRECTIONS.includes(o.direction))
    bad(`direction must be up, down or both, got ${String(o.direction)}`);
  if (!(Number.isFinite(o.threshold) && o.threshold > 0))
    bad(`threshold must be finite and > 0, got ${o.threshold}`);
  if (!isInt(o.periodMs, 1000, 1e11)) bad(`periodMs must be an integer in [1000, 1e11], got ${o.periodMs}`);
  if (!isInt(o.bins, 1, MAX_BINS)) bad(`bins must be an integer in [1, ${MAX_BINS}], got ${o.bins}`);
  if (typeof o.weekly !== 'boolean') bad('weekly must be a boolean');
  for (const k of ['alpha', 'globalAlpha', 'weeklyAlpha'] as const) {
    if (!(o[k] > 0 && o[k] <= 1)) bad(`${k} must be in (0, 1], got ${o[k]}`);
  }
  if (!isInt(o.minCycles, 1, 1000)) bad(`minCycles must be an integer in [1, 1000], got ${o.minCycles}`);
  if (!isInt(o.minSamples, 1, 1_000_000))
    bad(`minSamples must be an integer in [1, 1e6], got ${o.minSamples}`);
  if (!isInt(o.minBinSamples, 1, 1_000_000))
    bad(`minBinSamples must be an integer in [1, 1e6], got ${o.minBinSamples}`);
  if (!(o.huber > 0)) bad(`huber must be > 0, got ${o.huber}`);
  if (!(o.scaleHuber > 0)) bad(`scaleHuber must be > 0, got ${o.scaleHuber}`);
  if (!(Number.isFinite(o.relativeScaleFloor) && o.relativeScaleFloor >= 0))
    bad('relativeScaleFloor must be finite and >= 0');
  if (!(Number.isFinite(o.absoluteScaleFloor) && o.absoluteScaleFloor > 0))
    bad('absoluteScaleFloor must be finite and > 0');
  if (!(Number.isFinite(o.globalScaleFloor) && o.globalScaleFloor >= 0))
    bad('globalScaleFloor must be finite and >= 0');
  return Object.freeze(o);
}

interface SnapshotState {
  readonly gN: number;
  readonly gLevel: number;
  readonly gAbsDev: number;
  readonly binN: number[];
  readonly binLevel: number[];
  readonly binAbsDev: number[];
  readonly binCycles: number[];
  readonly binLastCycle: number[];
  readonly dayN: number[];
  readonly dayAdj: number[];
  readonly lastAnomalous: boolean;
}

/**
 * Creates a seasonal detector for one series (see the module comment for the method). Accepts a
 * {@link DetectorContext} (`kind`, `direction`) merged with the options, so `createSeasonalDetector(ctx)` works.
 * Verdict: `expected` = profile value for the sample's phase (or the global level during cold start);
 * `lower/upper` = expected ∓ threshold·scale; `deviation` = signed z; `score` = dz/(dz + threshold);
 * `anomalous` ⇔ dz ≥ threshold; `confidence` = score; severity medium/high/critical at dz ≥ 1, 1.5, 2 ×
 * threshold; `resolved` on the first normal verdict after an anomalous one. Non-finite value or timestamp →
 * {@link NOT_JUDGED}, state unchanged. Memory: 30 bytes per bin + 12 per weekday + ~80 (≈ 1.6 KB at 48 bins).
 * @throws InvalidInputError for invalid options.
 */
export function createSeasonalDetector(
  options: Partial<SeasonalOptions> | DetectorContext = {},
): PersistentDetector & Predictor {
  const o = resolveSeasonalOptions(options as Partial<SeasonalOptions>);
  const B = o.bins;
  const P = o.periodMs;
  const binWidth = P / B;
  const sign = o.direction === 'up' ? 1 : o.direction === 'down' ? -1 : 0;
  const thr = o.threshold;

  let gN = 0;
  let gLevel = 0;
  let gAbsDev = 0;
  const binN = new Uint32Array(B);
  const binLevel = new Float64Array(B);
  const binAbsDev = new Float64Array(B);
  const binCycles = new Uint16Array(B);
  const binLastCycle = new Float64Array(B);
  const dayN = new Uint32Array(7);
  const dayAdj = new Float64Array(7);
  let lastAnomalous = false;

  const floorOf = (expected: number): number =>
    Math.max(
      o.absoluteScaleFloor,
      o.relativeScaleFloor * Math.abs(expected),
      o.globalScaleFloor * MAD_TO_SIGMA * gAbsDev,
    );

  const learn = (x: number, b: number, cycle: number, d: number): void => {
    // Global baseline.
    if (gN === 0) {
      gLevel = x;
      gAbsDev = 0;
    } else {
      const a = Math.max(o.globalAlpha, 1 / (gN + 1));
      const r = x - gLevel;
      const s = gN >= o.minSamples ? Math.max(MAD_TO_SIGMA * gAbsDev, floorOf(gLevel)) : Infinity;
      const lim = o.huber * s;
      const rc = r > lim ? lim : r < -lim ? -lim : r;
      gLevel += a * rc;
      gAbsDev += a * (Math.min(Math.abs(r), o.scaleHuber * s) - gAbsDev);
    }
    if (gN < 0xffffffff) gN++;
    // Day-of-week offset, learned from mature bins only.
    const adj = o.weekly ? dayAdj[d]! : 0;
    if (o.weekly && binCycles[b]! >= o.minCycles) {
      const s = Math.max(MAD_TO_SIGMA * binAbsDev[b]!, floorOf(binLevel[b]!));
      const r = x - binLevel[b]! - adj;
      const lim = o.huber * s;
      const rc = r > lim ? lim : r < -lim ? -lim : r;
      const a = Math.max(o.weeklyAlpha, 1 / (dayN[d]! + 1));
      dayAdj[d] = adj + a * rc;
      if (dayN[d]! < 0xffffffff) dayN[d]! += 1;
    }
    // Daily bin.
    const y = x - adj;
    const n = binN[b]!;
    if (n === 0) {
      binLevel[b] = y;
      binAbsDev[b] = gAbsDev;
    } else {
      const a = Math.max(o.alpha, 1 / (n + 1));
      const s = n >= 2 ? Math.max(MAD_TO_SIGMA * binAbsDev[b]!, floorOf(binLevel[b]!)) : Infinity;
      const r = y - binLevel[b]!;
      const lim = o.huber * s;
      const rc = r > lim ? lim : r < -lim ? -lim : r;
      binLevel[b]! += a * rc;
      binAbsDev[b]! += a * (Math.min(Math.abs(r), o.scaleHuber * s) - binAbsDev[b]!);
    }
    if (n < 0xffffffff) binN[b] = n + 1;
    if (n === 0 || binLastCycle[b] !== cycle) {
      binLastCycle[b] = cycle;
      if (binCycles[b]! < 0xffff) binCycles[b]! += 1;
    }
  };

  /** Profile value and scale (σ, floored) for bin `b` on weekday `d`; the global baseline for immature bins. */
  const baseline = (b: number, d: number): { expected: number; scale: number } => {
    let expected: number;
    let scale: number;
    if (binCycles[b]! >= o.minCycles) {
      expected = binLevel[b]! + (o.weekly ? dayAdj[d]! : 0);
      scale = MAD_TO_SIGMA * binAbsDev[b]!;
      if (binN[b]! < o.minBinSamples) scale = Math.max(scale, MAD_TO_SIGMA * gAbsDev);
    } else {
      expected = gLevel;
      scale = MAD_TO_SIGMA * gAbsDev;
    }
    const fl = floorOf(expected);
    if (scale < fl) scale = fl;
    return { expected, scale };
  };

  const validate = (s: DetectorSnapshot): SnapshotState => {
    const bad = (msg: string): never => {
      throw new InvalidInputError(`seasonal restore: ${msg}`);
    };
    if (typeof s !== 'object' || s === null) bad('snapshot must be an object');
    if (s.detector !== NAME || s.version !== VERSION)
      bad(`snapshot is for ${String(s.detector)} v${String(s.version)}`);
    const st = s.state as Partial<SnapshotState> | null;
    if (typeof st !== 'object' || st === null) bad('state must be an object');
    const t = st as Partial<SnapshotState>;
    if (!isInt(t.gN, 0, 0xffffffff)) bad('gN must be a non-negative integer');
    for (const k of ['gLevel', 'gAbsDev'] as const) if (!Number.isFinite(t[k])) bad(`${k} must be finite`);
    if (t.gAbsDev! < 0) bad('gAbsDev must be >= 0');
    const arr = (k: keyof SnapshotState, len: number, ok: (v: unknown) => boolean): void => {
      const a = t[k];
      if (!Array.isArray(a) || a.length !== len || !a.every(ok))
        bad(`${k} must be an array of ${len} valid values`);
    };
    const fin = (v: unknown): boolean => typeof v === 'number' && Number.isFinite(v);
    arr('binN', B, (v) => isInt(v, 0, 0xffffffff));
    arr('binLevel', B, fin);
    arr('binAbsDev', B, (v) => fin(v) && (v as number) >= 0);
    arr('binCycles', B, (v) => isInt(v, 0, 0xffff));
    arr('binLastCycle', B, fin);
    arr('dayN', 7, (v) => isInt(v, 0, 0xffffffff));
    arr('dayAdj', 7, fin);
    if (typeof t.lastAnomalous !== 'boolean') bad('lastAnomalous must be a boolean');
    return t as SnapshotState;
  };

  return {
    name: NAME,
    /** The profile at `timestampMs` (its bin and weekday) with the ±threshold·scale band. */
    predict(timestampMs: number): Expectation | null {
      if (gN < o.minSamples || !Number.isFinite(timestampMs)) return null;
      const cycle = Math.floor(timestampMs / P);
      let b = Math.floor((timestampMs - cycle * P) / binWidth);
      if (b >= B) b = B - 1;
      const { expected, scale } = baseline(b, ((cycle % 7) + 7) % 7);
      return { expected, lower: expected - thr * scale, upper: expected + thr * scale };
    },
    update(value: number, timestampMs: number): Verdict {
      if (!Number.isFinite(value) || !Number.isFinite(timestampMs)) return NOT_JUDGED;
      const cycle = Math.floor(timestampMs / P);
      let b = Math.floor((timestampMs - cycle * P) / binWidth);
      if (b >= B) b = B - 1;
      const d = ((cycle % 7) + 7) % 7;
      if (gN < o.minSamples) {
        learn(value, b, cycle, d);
        return NOT_JUDGED;
      }
      const { expected, scale } = baseline(b, d);
      const z = (value - expected) / scale;
      let dz = sign === 0 ? Math.abs(z) : sign * z;
      if (dz < 0) dz = 0;
      const score = dz / (dz + thr);
      const anomalous = dz >= thr;
      let severity: Severity = 'low';
      if (anomalous) severity = dz >= 2 * thr ? 'critical' : dz >= 1.5 * thr ? 'high' : 'medium';
      const verdict: Verdict = {
        anomalous,
        score,
        expected,
        lower: expected - thr * scale,
        upper: expected + thr * scale,
        deviation: z,
        confidence: score,
        severity,
        warmingUp: false,
        resolved: lastAnomalous && !anomalous,
      };
      lastAnomalous = anomalous;
      learn(value, b, cycle, d);
      return verdict;
    },
    stateBytes(): number {
      return B * (4 + 8 + 8 + 2 + 8) + 7 * (4 + 8) + 80;
    },
    snapshot(): DetectorSnapshot {
      const state: SnapshotState = {
        gN,
        gLevel,
        gAbsDev,
        binN: Array.from(binN),
        binLevel: Array.from(binLevel),
        binAbsDev: Array.from(binAbsDev),
        binCycles: Array.from(binCycles),
        binLastCycle: Array.from(binLastCycle),
        dayN: Array.from(dayN),
        dayAdj: Array.from(dayAdj),
        lastAnomalous,
      };
      return { detector: NAME, version: VERSION, state };
    },
    restore(s: DetectorSnapshot): void {
      const t = validate(s);
      gN = t.gN;
      gLevel = t.gLevel;
      gAbsDev = t.gAbsDev;
      binN.set(t.binN);
      binLevel.set(t.binLevel);
      binAbsDev.set(t.binAbsDev);
      binCycles.set(t.binCycles);
      binLastCycle.set(t.binLastCycle);
      dayN.set(t.dayN);
      dayAdj.set(t.dayAdj);
      lastAnomalous = t.lastAnomalous;
    },
  };
}
