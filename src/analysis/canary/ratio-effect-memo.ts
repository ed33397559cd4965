/**
 * The path of the v3-vs-v1 effect over the looks (./ratio-effect.ts `ratioEffectPath`) computed incrementally
 * between calls: the monitor asks for the stage's path every 15 s, each time over the stage's observations so far
 * and looks every 15 s since the stage start, so all but the last few looks were already computed by the previous
 * call. Pure apart from the state it keeps (no clocks, no I/O).
 *
 * A look's effect depends only on the observations with `tMs ≤ look`, taken in time order (ties in input order;
 * `ratioEffectPath` sorts stably). So after a call the memo keeps, for the latest look at least `settleLagMs`
 * before the call's last look (the settled look L): the looks up to L and their effects, the running sums after L,
 * and the observations with `tMs ≤ L` of each version in input order. The next call reuses them when its looks
 * start with the same looks and its observations with `tMs ≤ L` are the same, field for field and in the same
 * order; it then sorts and adds only the later observations. Anything else (another evidence start or look grid, a
 * late or changed observation at or before L, another stratum or baseline of an earlier observation, fewer looks)
 * recomputes the whole path from the start, as `ratioEffectPath` does. Either way the effects are the reference
 * function's, bit for bit (the same additions in the same order; property test
 * test/unit/analysis/canary/ratio-effect-memo.test.ts).
 *
 * Bounded: one settled state (the settled observations, at most those of the call, and one set of running sums per
 * stratum) per instance.
 */
import {
  advancePath,
  cloneStrata,
  validatePathInputs,
  type PathStrata,
  type RatioEffect,
  type RatioObservation,
} from './ratio-effect.ts';
import { sortedByTime } from './time-order.ts';

/** Default lag of the settled look behind the call's last look: 30 s (two looks), for samples stored late. */
export const DEFAULT_SETTLE_LAG_MS = 30_000;

/** What a call leaves for the next one. */
interface Settled {
  /** The looks up to the settled look, and their effects. */
  readonly looks: readonly number[];
  readonly effects: readonly RatioEffect[];
  /** Observations of each version with `tMs ≤` the settled look, in input order. */
  readonly v1: readonly RatioObservation[];
  readonly v3: readonly RatioObservation[];
  /** Running sums after the settled look (never changed: each call continues from a copy). */
  readonly strata: PathStrata;
}

const sameBaseline = (a: RatioObservation['baseline'], b: RatioObservation['baseline']): boolean =>
  a === b ||
  (a !== undefined &&
    b !== undefined &&
    a.key === b.key &&
    Object.is(a.mean, b.mean) &&
    Object.is(a.relVariance, b.relVariance));

/** Whether two observations enter the path identically (every field the path reads, compared exactly). */
function sameObservation(a: RatioObservation, b: RatioObservation): boolean {
  return (
    a === b ||
    (Object.is(a.tMs, b.tMs) &&
      a.stratum === b.stratum &&
      Object.is(a.sum, b.sum) &&
      Object.is(a.count, b.count) &&
      Object.is(a.events, b.events) &&
      a.cluster === b.cluster &&
      sameBaseline(a.baseline, b.baseline))
  );
}

/**
 * Whether the observations of `obs` with `tMs ≤ untilMs` are `kept`, in order; their complement, stably sorted by
 * time, when they are (null otherwise).
 */
function laterIfSettled(
  obs: readonly RatioObservation[],
  kept: readonly RatioObservation[],
  untilMs: number,
): RatioObservation[] | null {
  const later: RatioObservation[] = [];
  let j = 0;
  for (const o of obs) {
    if (o.tMs > untilMs) later.push(o);
    else if (j < kept.length && sameObservation(o, kept[j]!)) j++;
    else return null;
  }
  return j === kept.length ? sortedByTime(later) : null;
}

/** Settings of {@link RatioEffectPathMemo}. */
export interface RatioEffectPathMemoOptions {
  /** Looks at least this long before a call's last look are kept for the next call, ms ≥ 0; default 30 s. */
  readonly settleLagMs?: number;
}

/**
 * `ratioEffectPath` with the settled part of the previous call's path reused (see the module comment). One instance
 * serves one series of calls (one judged metric of one provider).
 */
export class RatioEffectPathMemo {
  private settled: Settled | null = null;
  private readonly lagMs: number;
  /** Calls that reused a settled prefix and calls that computed the whole path, since creation. */
  readonly calls = { reused: 0, full: 0 };

  /** @throws RangeError for a negative or non-finite lag. */
  constructor(options: RatioEffectPathMemoOptions = {}) {
    this.lagMs = options.settleLagMs ?? DEFAULT_SETTLE_LAG_MS;
    if (!(Number.isFinite(this.lagMs) && this.lagMs >= 0))
      throw new RangeError(`settleLagMs must be a finite number >= 0, got ${this.lagMs}`);
  }

  /**
   * The effect at each look, identical to `ratioEffectPath(v1, v3, looksMs)`.
   * @throws InvalidInputError as `ratioEffectPath` (the state kept is then left as it was).
   */
  path(
    v1: readonly RatioObservation[],
    v3: readonly RatioObservation[],
    looksMs: readonly number[],
  ): RatioEffect[] {
    validatePathInputs(v1, v3, looksMs);
    const reuse = this.reusable(v1, v3, looksMs);
    if (reuse === null) this.calls.full++;
    else this.calls.reused++;
    const from = reuse?.from ?? { looks: [], effects: [], v1: [], v3: [], strata: new Map() };
    const s1 = reuse?.s1 ?? sortedByTime(v1);
    const s3 = reuse?.s3 ?? sortedByTime(v3);
    const out = from.effects.slice();
    const strata = cloneStrata(from.strata);
    const settleUntil = looksMs.length === 0 ? -Infinity : looksMs[looksMs.length - 1]! - this.lagMs;
    let next: Settled | null = reuse === null ? null : from;
    let at = { i1: 0, i3: 0 };
    for (let k = from.looks.length; k < looksMs.length; k++) {
      const look = looksMs[k]!;
      const step = advancePath(strata, s1, at.i1, s3, at.i3, look);
      out.push(step.effect);
      at = step;
      if (look <= settleUntil && (k + 1 === looksMs.length || looksMs[k + 1]! > settleUntil)) {
        next = {
          looks: looksMs.slice(0, k + 1),
          effects: out.slice(),
          v1: v1.filter((o) => o.tMs <= look),
          v3: v3.filter((o) => o.tMs <= look),
          strata: cloneStrata(strata),
        };
      }
    }
    this.settled = next;
    return out;
  }

  /** The settled state and the later observations, sorted, when the previous call's settled prefix still holds. */
  private reusable(
    v1: readonly RatioObservation[],
    v3: readonly RatioObservation[],
    looksMs: readonly number[],
  ): { from: Settled; s1: RatioObservation[]; s3: RatioObservation[] } | null {
    const st = this.settled;
    if (st === null || st.looks.length === 0 || st.looks.length > looksMs.length) return null;
    for (let k = 0; k < st.looks.length; k++) if (!Object.is(st.looks[k], looksMs[k])) return null;
    const until = st.looks[st.looks.length - 1]!;
    const s1 = laterIfSettled(v1, st.v1, until);
    const s3 = s1 && laterIfSettled(v3, st.v3, until);
    return s1 && s3 ? { from: st, s1, s3 } : null;
  }
}
