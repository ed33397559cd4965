/**
 * Episodes of the detection engine (detection-engine.ts) for series judged by them (series outside the catalog,
 * `episodic`). Their detectors are untuned and re-anchor to a lasting
 * shift within a few samples, so the detector's verdict alone is not the fault's condition. The condition
 * holds from an episode's first anomalous sample while each sample is judged anomalous on the side the series
 * left its band or lies beyond the (clamped) band it left then, on that side; the episode ends after
 * `resolveAfterSamples` samples in a row without the condition (the hysteresis that resolves an anomaly); until
 * the detector judges a sample inside the band the last episode left normal again, an anomalous verdict on a
 * value inside that band is the series' return, not a new episode (a 2-minute burst on a both-ways series: the
 * re-anchored detector judged the return anomalous, and the return opened an anomaly). The
 * anomaly opens once the episode has lasted `inferredMinDurationMs` of sample time (Prometheus' `for:`; a run a
 * verdict rests on by construction counts back from its sample at the series' interval) on a sample with the
 * condition, after confirmation, cooldown and warm-up, and reports the episode's strongest verdict; it stays
 * open while the episode lasts — a lasting fault is one anomaly, as a Prometheus alert keeps firing while its
 * expression holds. Pure: no clock, no I/O.
 */
import type { Verdict } from '../analysis/anomaly/detector.ts';
import { conditionCleared } from '../model/anomaly.ts';
import type { PhysicalRange } from '../catalog/types.ts';
import { clampBand } from './anomaly-impact.ts';
import { anomalyOf } from './anomaly-record.ts';
import type { DetectionEngineOptions, OpenedAnomaly, ResolvedAnomaly } from './detection-types.ts';
import type { DetectionInput } from './series-tracker.ts';

/** The engine options an episode step reads. */
export type EpisodeOptions = Pick<
  DetectionEngineOptions,
  | 'detectorName'
  | 'confirmSamples'
  | 'cooldownMs'
  | 'cooldownSamples'
  | 'resolveAfterSamples'
  | 'inferredMinDurationMs'
>;

/** The per-series state of the engine that an episode step reads and updates. */
export interface EpisodeSeriesState {
  /** Physical range of the series' values: predicted bands are clamped to it. */
  readonly range: PhysicalRange;
  streak: number;
  streakStartTs: number;
  calm: number;
  open: boolean;
  lastOpenedTs: number;
  /** Samples (in scrapes) since the last anomaly of the series opened; +∞ before the first. */
  sinceOpened: number;
  /** No anomaly opens before this sample time (the warm-up of series outside the catalog). */
  readonly quietUntilTs: number;
  /**
   * Series outside the catalog only (else null): the episode's condition — the clamped band the series left at
   * the first anomalous sample of the current streak and the side it left it on, and the strongest anomalous
   * verdict of the streak (the one its anomaly reports); null between episodes.
   */
  episode: Episode | null;
  /**
   * The band the last episode left, kept after it ended until the detector judges a sample inside it normal
   * again: an anomalous verdict on a value inside it is the series' return to where it was (judged by a detector
   * that re-anchored to the excursion), not a new episode. Series judged by episodes only.
   */
  baseline: { readonly lower: number; readonly upper: number } | null;
}

/** The condition of an episode of a series outside the catalog (see {@link DetectionEngine.process}). */
interface Episode {
  readonly lower: number;
  readonly upper: number;
  /** The side of the band the first anomalous sample lay on; null when it lay inside (a trend member's verdict). */
  readonly side: 'above' | 'below' | null;
  strongest: { readonly input: DetectionInput; readonly verdict: Verdict };
}

/** Whether `value` lies beyond the episode's band on the side the series left it. */
function beyond(e: Episode | null, value: number): boolean {
  if (e === null || e.side === null) return false;
  return e.side === 'above' ? value > e.upper : value < e.lower;
}

/**
 * One sample of a series judged by episodes (the file comment): the condition, the minimum duration, held
 * open while the condition holds, resolved after `resolveAfterSamples` samples without it. Updates `st` and
 * appends to `opened` / `resolved`.
 */
export function episodeStep(
  input: DetectionInput,
  st: EpisodeSeriesState,
  v: Verdict,
  bad: boolean,
  prevTs: number,
  nowMs: number,
  opts: EpisodeOptions,
  opened: OpenedAnomaly[],
  resolved: ResolvedAnomaly[],
): void {
  const ts = input.timestampMs;
  // An anomalous verdict continues an episode on the side the series left its band (a detector that re-anchored
  // to the fault judges the return anomalous the other way: that is the episode's end, not its continuation).
  const ep = st.episode;
  const sameSide =
    ep === null || ep.side === null || (ep.side === 'above' ? input.value > v.upper : input.value < v.lower);
  const back =
    ep === null &&
    st.baseline !== null &&
    input.value >= st.baseline.lower &&
    input.value <= st.baseline.upper;
  if (back && !bad && !v.warmingUp) st.baseline = null;
  const held = (bad && sameSide && !back) || beyond(ep, input.value);
  if (!held) {
    if (v.warmingUp) return;
    st.streak = 0;
    st.calm++;
    if (st.calm >= opts.resolveAfterSamples) {
      if (st.open) resolved.push({ key: input.key, resolvedAtMs: ts, reason: conditionCleared(st.calm) });
      st.open = false;
      st.episode = null;
    }
    return;
  }
  st.calm = 0;
  if (st.episode === null) {
    // Held without an episode means anomalous: the first anomalous sample of an episode.
    const band = clampBand(v, st.range);
    const side = input.value > band.upper ? 'above' : input.value < band.lower ? 'below' : null;
    st.episode = { lower: band.lower, upper: band.upper, side, strongest: { input, verdict: v } };
    st.baseline = { lower: band.lower, upper: band.upper };
    st.streakStartTs = ts;
  } else if (
    bad &&
    sameSide &&
    !(Math.abs(st.episode.strongest.verdict.deviation) >= Math.abs(v.deviation))
  ) {
    st.episode.strongest = { input, verdict: v };
  }
  st.streak++;
  if (st.open) return;
  const evidence = bad && sameSide ? (v.evidenceSamples ?? 1) : 1;
  const run = Math.max(st.streak, evidence);
  const stepMs = ts > prevTs ? ts - prevTs : 0;
  const since = Math.min(st.streakStartTs, ts - (evidence - 1) * stepMs);
  const cooled = ts - st.lastOpenedTs >= opts.cooldownMs && st.sinceOpened >= (opts.cooldownSamples ?? 0);
  if (
    run >= opts.confirmSamples &&
    cooled &&
    ts >= st.quietUntilTs &&
    ts - since >= (opts.inferredMinDurationMs ?? 0)
  ) {
    st.open = true;
    st.lastOpenedTs = ts;
    st.sinceOpened = 0;
    const { input: at, verdict } = st.episode.strongest;
    opened.push({
      key: input.key,
      anomaly: anomalyOf(at, verdict, st.streakStartTs, nowMs, opts.detectorName),
    });
  }
}
