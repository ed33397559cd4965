/**
 * When an open anomaly of a catalog series resolves (detection-engine.ts). The live detectors adapt: during a
 * lasting fault they learn the new level within seconds and call the series normal again while the fault goes
 * on, so "the detector calls it normal" is not "the series is back". An anomaly therefore freezes the band its
 * opening verdict judged the series against (expected value and band, clamped to the physical range) and
 * resolves when `resolveAfterSamples` scrapes in a row lie inside that frozen band again: the pre-fault normal,
 * as a Prometheus alert resolves when its expression stops holding against a fixed threshold. The count is in
 * scrapes, not derived samples: a histogram mean carried over several scrapes until enough observations
 * accumulated (`DetectionInput.spans`) counts for all of them, so a sparse histogram-derived series (one point
 * every 3 s on a node migrating about once a second) resolves as soon after the fault as a gauge does, not after
 * three of its points (9 s).
 *
 * The bound: a deliberate, lasting change (a new release, more load) would hold such an anomaly open forever, so
 * once the detector has judged every sample normal for `acceptNewLevelAfterMs` of sample time the anomaly
 * resolves with the reason {@link NEW_LEVEL_ACCEPTED} (carried to the incident and its notification text).
 * Anomalies whose verdict has no finite band resolve as before: when the detector calls the series normal.
 *
 * After the return: an excursion displaces an adaptive detector's baseline (its level learns the excursion, a
 * CUSUM re-anchors on it), and for a while after the series is back the detector judges the pre-fault normal
 * itself anomalous — often on the other side (a burst up, then "too low" when the series sits where it sat
 * before). Values inside the band the resolved anomaly was judged against are that normal, so for the same
 * horizon the engine gives a detector to learn a new level (`acceptNewLevelAfterMs` and
 * `acceptNewLevelAfterSamples`) they open nothing; a value outside it is judged as usual (see
 * {@link returnedInside}).
 *
 * Every ending carries its reason: {@link backInsideBand} with the scrapes in a row inside the band, or
 * {@link NEW_LEVEL_ACCEPTED}.
 *
 * State per series: the frozen band (two numbers), the start of the detector's current run of normal verdicts
 * (one number) and after a return the kept band and its age (four numbers); bounded by the engine's series limit. Pure: no clock, no I/O.
 */
import { backInsideBand, type AnomalyResolution } from '../model/anomaly.ts';

/** The reason an anomaly resolves while its series is still outside the band it opened against. */
export const NEW_LEVEL_ACCEPTED = 'new level accepted' satisfies AnomalyResolution;

/** Default of `acceptNewLevelAfterMs`: 30 minutes of sample time. */
export const DEFAULT_ACCEPT_NEW_LEVEL_AFTER_MS = 30 * 60_000;

/** The part of the engine's per-series state the hold reads and updates. */
export interface HoldSeriesState {
  /** Consecutive scrapes inside the frozen band (while held), else consecutive normal verdicts. */
  calm: number;
  /** The band the open anomaly was judged against; null when none is open or its verdict had no band. */
  hold: { readonly lower: number; readonly upper: number } | null;
  /** Sample time (ms) of the first of the detector's current run of normal verdicts; NaN while none. */
  normalSinceTs: number;
  /** Scrapes in the detector's current run of normal verdicts (0 while none). */
  normalRun?: number;
  /**
   * The frozen band of an anomaly that resolved because its series came back inside it, kept for the recovery
   * horizon (see {@link returnedInside}); absent or null otherwise.
   */
  recovered?: { readonly lower: number; readonly upper: number } | null;
  /** Sample time (ms) at which the anomaly of `recovered` resolved. */
  recoveredAtTs?: number;
  /** Scrapes seen since the anomaly of `recovered` resolved. */
  recoveredScrapes?: number;
}

/** How long a resolved anomaly's band is kept (detection-hold.ts header): both must have passed. */
export interface RecoveryHorizon {
  /** Sample time, ms (the engine's `acceptNewLevelAfterMs`). */
  readonly ms: number;
  /** Scrapes (the engine's `acceptNewLevelAfterSamples`). */
  readonly samples: number;
}

/** The frozen band of an anomaly that opens with band [lower, upper], or null when the band is not finite. */
export function frozenBand(a: {
  readonly lower: number;
  readonly upper: number;
}): { readonly lower: number; readonly upper: number } | null {
  return Number.isFinite(a.lower) && Number.isFinite(a.upper) && a.lower <= a.upper
    ? { lower: a.lower, upper: a.upper }
    : null;
}

/**
 * Whether an anomalous verdict is only the detector catching up with a return to normal: after an anomaly
 * resolved because its series came back inside the band it opened against, an adaptive detector whose baseline the
 * excursion displaced judges the pre-fault normal anomalous for a while (on either side). A value inside that
 * pre-fault band is not a new anomaly, so such verdicts open nothing until `horizon` has passed since the
 * resolution (both its sample time and its scrapes); a value outside the band is judged as usual. Updates
 * `st.recovered` (dropped once the horizon has passed) and `st.recoveredScrapes`.
 * @param anomalous the detector's (reportable) verdict on `value`; `ts` the sample's time, ms; `spans` the scrapes
 * it stands for (`DetectionInput.spans`, >= 1)
 * @returns true when the verdict is to be taken as normal
 */
export function returnedInside(
  st: HoldSeriesState,
  value: number,
  anomalous: boolean,
  ts: number,
  horizon: RecoveryHorizon,
  spans = 1,
): boolean {
  const band = st.recovered;
  if (band === undefined || band === null) return false;
  const scrapes = (st.recoveredScrapes ?? 0) + Math.max(1, spans);
  st.recoveredScrapes = scrapes;
  if (ts - (st.recoveredAtTs ?? ts) >= horizon.ms && scrapes >= horizon.samples) {
    st.recovered = null;
    return false;
  }
  return anomalous && value >= band.lower && value <= band.upper;
}

/**
 * Ends the hold of an anomaly that resolves with `outcome` at sample time `ts` (ms): keeps its band as
 * `st.recovered` when the series came back inside it (`back`), for {@link returnedInside}. Updates `st.hold`,
 * `st.recovered`, `st.recoveredAtTs` and `st.recoveredScrapes`.
 */
export function endHold(st: HoldSeriesState, outcome: { readonly back: boolean }, ts: number): void {
  st.recovered = outcome.back ? st.hold : null;
  st.recoveredAtTs = ts;
  st.recoveredScrapes = 0;
  st.hold = null;
}

/**
 * The outcome of one held sample: stay open (null), or resolve — back inside the band (`back`, with the scrapes
 * in a row inside it) or with the new level accepted.
 */
export type HoldOutcome = null | { readonly back: boolean; readonly reason: AnomalyResolution };

/**
 * One sample (not warming up) of a series whose open anomaly holds a frozen band (`st.hold` set): counts the
 * samples inside the frozen band in a row and the time the detector has called the series normal, and says
 * whether the anomaly resolves. Updates `st.calm`, `st.normalSinceTs` and `st.normalRun`.
 * @param value the sample's value; `normal` whether the detector judged it normal; `ts` its time, ms; `spans` the
 * scrapes the sample stands for (`DetectionInput.spans`, >= 1); `acceptNewLevelAfterSamples` the scrapes of normal
 * verdicts the new level also needs (besides the time)
 */
export function holdStep(
  st: HoldSeriesState,
  value: number,
  ts: number,
  normal: boolean,
  resolveAfterSamples: number,
  acceptNewLevelAfterMs: number,
  spans = 1,
  acceptNewLevelAfterSamples = 0,
): HoldOutcome {
  const band = st.hold;
  if (band === null) return null;
  if (!normal) {
    st.normalSinceTs = Number.NaN;
    st.normalRun = 0;
  } else {
    if (Number.isNaN(st.normalSinceTs)) st.normalSinceTs = ts;
    st.normalRun = (st.normalRun ?? 0) + Math.max(1, spans);
  }
  st.calm = value >= band.lower && value <= band.upper ? st.calm + Math.max(1, spans) : 0;
  if (st.calm >= resolveAfterSamples) return { back: true, reason: backInsideBand(st.calm) };
  if (
    normal &&
    ts - st.normalSinceTs >= acceptNewLevelAfterMs &&
    (st.normalRun ?? 0) >= acceptNewLevelAfterSamples
  )
    return { back: false, reason: NEW_LEVEL_ACCEPTED };
  return null;
}
