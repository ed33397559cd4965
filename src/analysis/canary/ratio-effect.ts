/**
 * The v3-vs-v1 effect on a mean as a log ratio of means, stratified, with a delta-method variance; and its path
 * over a sequence of looks on accumulating data (what the sequential test of ./sequential-judge.ts reads). Pure.
 *
 * Observations are clusters: one histogram interval (Δsum, Δcount) — e.g. the migrations that ended between two
 * scrapes — or one gauge value (value, 1). Per stratum h (a node) and version v the mean is the ratio estimator
 * R = Σs / Σc, with the linearised (delta-method, cluster-robust) variance
 *
 *   Var(R) ≈ n/(n − 1) · Σ (s_i − R c_i)² / (Σc)²,
 *
 * computable from running sums (Σs², Σsc, Σc²), so the path over looks costs O(observations + looks × strata).
 * The stratum effect is ℓ_h = ln R₃ − ln R₁ with variance Var(R₃)/R₃² + Var(R₁)/R₁²; strata are combined with
 * weights w_h = 1 / (1/C₁ + 1/C₃) (C = Σ denominators of the stratum: events, or e.g. GiB), efficient when the relative spread is alike across
 * strata and free of the bias that weights from estimated variances bring with skewed data. Stratifying by node
 * removes the node-to-node differences (link class, VM mix) from the variance; both versions run on every node
 * under a per-migration rollout, so each stratum compares like with like.
 *
 * The denominator need not be a count: with a size of the same events (e.g. GiB of guest memory per interval, and
 * `events` = migrations) R is a mean per unit of size, Cochran's ratio estimator with an auxiliary variable, whose
 * variance comes from the residuals s − R·c only, so the spread of the sizes themselves leaves it.
 *
 * A stratum counts when each version has at least 2 clusters and positive means; strata without both versions are
 * left out (reported as `strata` vs `strataSeen`).
 *
 * An observation may be judged relative to a baseline of its own unit (`baseline`: e.g. its node's mean before the
 * stage, for a node-based canary): its sum divided by the baseline's mean enters the estimator, and the baselines'
 * own error is added to the variance, Σ_k (C_k/C)² · Var(B_k)/B_k² (delta method, baselines independent of the
 * stage's data); the version totals keep the raw sums.
 *
 * By default each observation is its own cluster. Observations that share a `cluster` key (e.g. all intervals of
 * one node in a stratum that mixes nodes) form one cluster, their sums and counts added: the variance is then
 * between those units, as it must be when the version is assigned per node (a node-based canary), where the
 * node-to-node differences are part of the comparison and intervals of one node are not independent.
 *
 * @see A. Deng, U. Knoblich, J. Lu, "Applying the delta method in metric analytics: a practical guide with novel
 *   ideas", KDD 2018 (ratio metrics and their variance).
 * @see W. G. Cochran, Sampling Techniques, 3rd ed., Wiley 1977, §6 (ratio estimators) and §5 (stratification).
 */
import { InvalidInputError } from '../../errors.ts';
import { sortedByTime } from './time-order.ts';

/**
 * One observation: time, stratum, sum of the values and the denominator of the ratio (> 0): the number of events
 * behind it for a mean per event, or another size of the same events (e.g. GiB of memory migrated) for a mean per
 * unit of that size.
 */
export interface RatioObservation {
  readonly tMs: number;
  readonly stratum: string;
  readonly sum: number;
  readonly count: number;
  /** Events behind the observation (e.g. migrations), for the minimum evidence; default `count`. */
  readonly events?: number;
  /** Observations of a stratum with the same key form one cluster (default: the observation is its own cluster). */
  readonly cluster?: string;
  /**
   * The observation is judged relative to a baseline of its own unit: its sum divided by the baseline's `mean` B
   * (e.g. the node's mean before the stage, for a difference in differences) enters the effect and its variance,
   * the raw sum the version's totals; `key` names the baseline and `relVariance` is Var(B)/B² of its estimate
   * ({@link ratioMean}). The baselines' own error is added to the
   * version's variance, Σ_k (C_k/C)² · relVariance_k (delta method; C_k = Σ count of the observations on baseline k).
   */
  readonly baseline?: { readonly key: string; readonly mean: number; readonly relVariance: number };
}

/** Pooled figures of one version at a look. */
export interface VersionTotals {
  /** Observation clusters (intervals or gauge values; nodes where observations are clustered by node). */
  readonly observations: number;
  /** Events (Σ events, default Σ count), e.g. migrations. */
  readonly count: number;
  /** Pooled mean Σ sum / Σ count (per event, or per unit of the denominator); NaN without events. */
  readonly mean: number;
}

/** The effect of v3 against v1 at one look. */
export interface RatioEffect {
  /** Stratified ln(mean v3 / mean v1); NaN when no stratum counts. */
  readonly logRatio: number;
  /** Delta-method variance of `logRatio`; NaN when no stratum counts. */
  readonly variance: number;
  /** Strata used. */
  readonly strata: number;
  /** Strata with any observation. */
  readonly strataSeen: number;
  readonly v1: VersionTotals;
  readonly v3: VersionTotals;
}

/** Running sums of one version in one stratum. */
export interface Acc {
  n: number;
  s: number;
  c: number;
  /** Σ sums before the baselines' scaling (the version's totals). */
  raw: number;
  ss: number;
  sc: number;
  cc: number;
  /** Σ events. */
  e: number;
  /** Running (sum, count) of each keyed cluster; as many entries as distinct keys in the input. */
  readonly clusters: Map<string, { s: number; c: number }>;
  /** Σ count and relative variance per baseline; as many entries as distinct baseline keys in the input. */
  readonly baselines: Map<string, { c: number; rv: number }>;
}

const acc = (): Acc => ({
  n: 0,
  s: 0,
  c: 0,
  raw: 0,
  ss: 0,
  sc: 0,
  cc: 0,
  e: 0,
  clusters: new Map(),
  baselines: new Map(),
});

/** Adds an observation; to a keyed cluster (S, C) it adds (s, c), so Σ S², Σ S·C, Σ C² change by the cross terms. */
function add(a: Acc, o: RatioObservation): void {
  const sum = o.baseline === undefined ? o.sum : o.sum / o.baseline.mean;
  a.raw += o.sum;
  let prevS = 0;
  let prevC = 0;
  if (o.cluster === undefined) a.n++;
  else {
    const k = a.clusters.get(o.cluster);
    if (k === undefined) {
      a.n++;
      a.clusters.set(o.cluster, { s: sum, c: o.count });
    } else {
      prevS = k.s;
      prevC = k.c;
      k.s += sum;
      k.c += o.count;
    }
  }
  a.s += sum;
  a.c += o.count;
  a.e += o.events ?? o.count;
  if (o.baseline !== undefined) {
    const b = a.baselines.get(o.baseline.key);
    if (b === undefined) a.baselines.set(o.baseline.key, { c: o.count, rv: o.baseline.relVariance });
    else b.c += o.count;
  }
  a.ss += 2 * prevS * sum + sum * sum;
  a.sc += prevS * o.count + sum * prevC + sum * o.count;
  a.cc += 2 * prevC * o.count + o.count * o.count;
}

/** Relative variance Var(R)/R² of a stratum's ratio estimator; NaN when it cannot be formed. */
function relVariance(a: Acc): { r: number; rv: number } {
  if (a.n < 2 || !(a.c > 0)) return { r: Number.NaN, rv: Number.NaN };
  const r = a.s / a.c;
  if (!(r > 0)) return { r, rv: Number.NaN };
  const ssr = Math.max(0, a.ss - 2 * r * a.sc + r * r * a.cc);
  let base = 0;
  for (const b of a.baselines.values()) base += (b.c / a.c) ** 2 * b.rv;
  return { r, rv: ((a.n / (a.n - 1)) * ssr) / (a.c * a.c) / (r * r) + base };
}

/**
 * Checks one version's observations as {@link ratioEffectPath} does.
 * @throws InvalidInputError for a non-finite time or sum, a count ≤ 0, a bad baseline or events ≤ 0.
 */
export function validateObservations(obs: readonly RatioObservation[], what: string): void {
  for (let i = 0; i < obs.length; i++) {
    const o = obs[i]!;
    if (!Number.isFinite(o.tMs) || !Number.isFinite(o.sum) || !(Number.isFinite(o.count) && o.count > 0)) {
      throw new InvalidInputError(
        `${what}[${i}]: time and sum must be finite and count > 0, got t=${o.tMs}, sum=${o.sum}, count=${o.count}`,
      );
    }
    if (
      o.baseline !== undefined &&
      !(
        Number.isFinite(o.baseline.relVariance) &&
        o.baseline.relVariance >= 0 &&
        Number.isFinite(o.baseline.mean) &&
        o.baseline.mean > 0
      )
    ) {
      throw new InvalidInputError(
        `${what}[${i}]: a baseline needs a finite mean > 0 and relative variance >= 0, got ${o.baseline.mean}, ${o.baseline.relVariance}`,
      );
    }
    if (o.events !== undefined && !(Number.isFinite(o.events) && o.events > 0)) {
      throw new InvalidInputError(`${what}[${i}]: events must be > 0 when given, got ${o.events}`);
    }
  }
}

/**
 * The running sums of a path: per stratum (in order of first appearance) the accumulators of both versions. Opaque
 * outside this module and ./ratio-effect-memo.ts, which keeps one between calls.
 */
export type PathStrata = Map<string, { a1: Acc; a3: Acc }>;

/**
 * Checks the inputs of a path as {@link ratioEffectPath} does: each version's observations, then the looks.
 * @throws InvalidInputError for a bad observation (see {@link validateObservations}) or looks not strictly ascending.
 */
export function validatePathInputs(
  v1: readonly RatioObservation[],
  v3: readonly RatioObservation[],
  looksMs: readonly number[],
): void {
  validateObservations(v1, 'v1');
  validateObservations(v3, 'v3');
  for (let i = 1; i < looksMs.length; i++) {
    if (!(looksMs[i]! > looksMs[i - 1]!))
      throw new InvalidInputError(
        `looks must be strictly ascending, got ${looksMs[i - 1]} then ${looksMs[i]}`,
      );
  }
}

/** A deep copy of `strata` (the accumulators, their clusters and baselines), in the same order. */
export function cloneStrata(strata: PathStrata): PathStrata {
  const copy = (a: Acc): Acc => ({
    ...a,
    clusters: new Map([...a.clusters].map(([k, v]) => [k, { ...v }])),
    baselines: new Map([...a.baselines].map(([k, v]) => [k, { ...v }])),
  });
  return new Map([...strata].map(([k, x]) => [k, { a1: copy(x.a1), a3: copy(x.a3) }]));
}

/**
 * Adds the sorted observations `s1[i1..]`, `s3[i3..]` with `tMs ≤ look` to `strata` (v1 first, then v3, as each
 * look of {@link ratioEffectPath} does) and returns the effect at that look with the next indexes.
 */
export function advancePath(
  strata: PathStrata,
  s1: readonly RatioObservation[],
  i1: number,
  s3: readonly RatioObservation[],
  i3: number,
  look: number,
): { effect: RatioEffect; i1: number; i3: number } {
  const get = (k: string): { a1: Acc; a3: Acc } => {
    let x = strata.get(k);
    if (!x) strata.set(k, (x = { a1: acc(), a3: acc() }));
    return x;
  };
  for (; i1 < s1.length && s1[i1]!.tMs <= look; i1++) add(get(s1[i1]!.stratum).a1, s1[i1]!);
  for (; i3 < s3.length && s3[i3]!.tMs <= look; i3++) add(get(s3[i3]!.stratum).a3, s3[i3]!);
  return { effect: effectOf(strata), i1, i3 };
}

function totals(strata: PathStrata, pick: 'a1' | 'a3'): VersionTotals {
  let n = 0;
  let s = 0;
  let c = 0;
  let e = 0;
  for (const x of strata.values()) {
    n += x[pick].n;
    s += x[pick].raw;
    c += x[pick].c;
    e += x[pick].e;
  }
  return { observations: n, count: e, mean: c > 0 ? s / c : Number.NaN };
}

function effectOf(strata: PathStrata): RatioEffect {
  let w = 0;
  let wl = 0;
  let w2v = 0;
  let used = 0;
  for (const { a1, a3 } of strata.values()) {
    const x1 = relVariance(a1);
    const x3 = relVariance(a3);
    if (!Number.isFinite(x1.rv) || !Number.isFinite(x3.rv)) continue;
    const wh = 1 / (1 / a1.c + 1 / a3.c);
    w += wh;
    wl += wh * (Math.log(x3.r) - Math.log(x1.r));
    w2v += wh * wh * (x1.rv + x3.rv);
    used++;
  }
  return {
    logRatio: used > 0 ? wl / w : Number.NaN,
    variance: used > 0 ? w2v / (w * w) : Number.NaN,
    strata: used,
    strataSeen: strata.size,
    v1: totals(strata, 'a1'),
    v3: totals(strata, 'a3'),
  };
}

/**
 * The effect at each look in `looksMs` (ascending) on the observations with `tMs ≤ look` (cumulative).
 * @returns one effect per look, in order
 * @throws InvalidInputError for non-finite times or sums, counts ≤ 0, or looks not ascending.
 */
export function ratioEffectPath(
  v1: readonly RatioObservation[],
  v3: readonly RatioObservation[],
  looksMs: readonly number[],
): RatioEffect[] {
  validatePathInputs(v1, v3, looksMs);
  const s1 = sortedByTime(v1);
  const s3 = sortedByTime(v3);
  const strata: PathStrata = new Map();
  let at = { i1: 0, i3: 0 };
  const out: RatioEffect[] = [];
  for (const look of looksMs) {
    const step = advancePath(strata, s1, at.i1, s3, at.i3, look);
    out.push(step.effect);
    at = step;
  }
  return out;
}

/**
 * The effect on all observations (one look after the last one).
 * @throws InvalidInputError as {@link ratioEffectPath}.
 */
export function ratioEffect(v1: readonly RatioObservation[], v3: readonly RatioObservation[]): RatioEffect {
  return ratioEffectPath(v1, v3, [Infinity])[0]!;
}

/** Mean of one set of observations as a ratio estimator, with its relative variance and number of clusters. */
export interface RatioMean {
  /** Σ sum / Σ count; NaN without observations. */
  readonly mean: number;
  /** Delta-method Var(mean)/mean² (clusters as in {@link RatioObservation}); NaN with fewer than 2 clusters or mean ≤ 0. */
  readonly relVariance: number;
  /** Clusters (observations, or distinct cluster keys). */
  readonly observations: number;
}

/**
 * The ratio estimator Σ sum / Σ count of `obs` (one stratum, strata ignored) with its delta-method relative
 * variance, the same formula as each version of a stratum in {@link ratioEffectPath}; e.g. a node's baseline
 * before a stage.
 * @throws InvalidInputError as {@link ratioEffectPath}.
 */
export function ratioMean(obs: readonly RatioObservation[]): RatioMean {
  validateObservations(obs, 'observations');
  const a = acc();
  for (const o of obs) add(a, o);
  const { rv } = relVariance(a);
  return { mean: a.c > 0 ? a.s / a.c : Number.NaN, relVariance: rv, observations: a.n };
}
