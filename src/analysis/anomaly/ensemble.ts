/**
 * Ensemble detector: several streaming detectors judge the same series; their scores are combined, members
 * that cross their own alarm threshold "vote", and after an alarm the ensemble is muted for a while.
 *
 * Why this shape: on NAB, earthgecko Skyline gains ~22 points over Etsy Skyline with the same statistics by
 * requiring a consensus of its tests and by not alarming again on a series for 12 h (EXPIRATION_TIME); KNN-CAD
 * and CAD OSE hard-code the same kind of refractory period (P/5 samples). See the research notes
 * (shared/datasets/nab/RESEARCH-NOTES.md §6.6) and Lavin & Ahmad, "Evaluating Real-time Anomaly Detection
 * Algorithms — the Numenta Anomaly Benchmark", arXiv:1510.03336 (2015), whose scoring charges every false
 * positive and rewards only the first detection in a window.
 *
 * Combination (options.combine):
 * - `mean`: weighted mean of member scores.
 * - `max`: the largest member score.
 * - `vote`: (weighted share of members voting) blended with the weighted mean score as a tie-breaker:
 *   `0.9 × votes / Σw + 0.1 × mean` — graded, so that a corpus threshold can still be chosen.
 * - `calibrated`: each member's score is mapped through its own vote threshold θᵢ onto a common scale,
 *   `cᵢ = sᵢ ≥ θᵢ ? 0.5 + 0.5 (sᵢ − θᵢ) / (1 − θᵢ) : 0.5 sᵢ / θᵢ`, and the largest cᵢ is the score. So 0.5 means
 *   "some member reached its own threshold" (an OR of calibrated members) while the score stays graded, which
 *   lets members whose raw scores live on different scales be combined. Needs every member's `voteThreshold`.
 * The ensemble alarms when the combined score ≥ `threshold` and at least `minVotes` members voted, unless muted.
 * After an alarm the next `muteSamples` samples report score 0 and no alarm (they still train the members).
 *
 * Paging rule (options.pageRule). Members have a role: `level` (a point band around an expected value: EWMA,
 * seasonal, robust), `trend` (a sustained shift of the mean: CUSUM, which votes only with the sample outside
 * its own mean band) or `shape` (a change of the distribution or pattern without a value band: relative
 * entropy, KNN-CAD, CAD OSE). With `band`, no member may page alone on a distribution change that stays
 * inside the band: an alarm needs a vote of a level or trend member, and the sample must lie outside the band
 * reported with the alarm (that of the voting level/trend member with the largest calibrated score). Shape
 * members then only add to the explanation and the confidence, and the combined score counts them only while a
 * level or trend member votes (so a threshold sweep cannot page on them alone either). Corroboration
 * (`corroborate` = r in (0, 1]): a shape vote also pages when a level member's sample lies beyond r of its band's
 * half-width on the side of its bad direction (the member's score is above 0: directional members score only
 * deviations along the metric's bad direction); the alarm then reports that member's band narrowed to r
 * (expected ± r·half-width), so the sample is outside the band shown. `any` (the rule before roles existed): any vote pages.
 *
 * Evidence: a member may state how many consecutive samples one of its votes rests on by construction
 * (`evidenceSamples`; a CUSUM signal needs ⌈h/(clip − k)⌉ samples at least), or per vote in its own verdict's
 * `evidenceSamples` (a Holt-Winters level vote that sets a new record of the series, record-evidence.ts). An anomalous verdict carries the largest
 * such run of its voting level/trend members, and the monitor's engine counts it towards its confirmation. A member
 * may also count one vote far beyond its threshold as a run (`strongVote`: a single sample as improbable in control as
 * the run it stands for, presets.ts `ewmaAloneRun`).
 *
 * Band shown: under either rule, that of the voting level/trend member with the largest calibrated score when
 * one votes (so a sample a member pages on is outside the band shown with it), else the first member's that has
 * one. Deviation: members draw their bands at thresholds on their own scales (3.5 σ for one, 15 robust σ for another),
 * so their z-scores are not comparable. The ensemble reports the deviation of the sample from the band it shows,
 * on one scale ({@link edgeDeviation}): {@link BAND_EDGE_SIGMA} σ-equivalents on the band's edge, proportional
 * to the distance from the expected value in half-widths. Band and deviation always come from the same member.
 * Pure: no clocks, no I/O.
 */
import { InvalidInputError } from '../../errors.ts';
import type { Severity } from '../../model/dwcp.ts';
import { NOT_JUDGED } from './detector.ts';
import { isPredictor } from './detector.ts';
import type {
  DetectorSnapshot,
  Expectation,
  PersistentDetector,
  Predictor,
  StreamingDetector,
  Verdict,
} from './detector.ts';
import {
  checkEnsembleConfig,
  type CheckedMember,
  type EnsembleMember,
  type EnsembleOptions,
} from './ensemble-config.ts';

/** How one member judged one sample (the explanation of an ensemble verdict). */
export interface MemberVote {
  readonly detector: string;
  readonly score: number;
  readonly voted: boolean;
}

/** An ensemble verdict: a {@link Verdict} plus which members voted and whether the sample fell in a mute. */
export interface EnsembleVerdict extends Verdict {
  /** Every member's judgement when the verdict is anomalous; empty otherwise (keeps the hot path allocation-free). */
  readonly votes: readonly MemberVote[];
  readonly muted: boolean;
}

const NO_VOTES: readonly MemberVote[] = Object.freeze([]);
const NOT_JUDGED_ENSEMBLE: EnsembleVerdict = Object.freeze({ ...NOT_JUDGED, votes: NO_VOTES, muted: false });

const SNAPSHOT_VERSION = 1;

function severityOfScore(score: number, votes: number, members: number): Severity {
  const share = members === 0 ? 0 : votes / members;
  if (score >= 0.999 && share >= 0.75) return 'critical';
  if (score >= 0.99 && share >= 0.5) return 'high';
  if (score >= 0.95) return 'medium';
  return 'low';
}

/**
 * σ-equivalent of a band edge: a value exactly on the edge of the band shown deviates by this many
 * σ-equivalents, whatever the member's own threshold (members draw their bands at thresholds on their own
 * scales — 3.5 σ for one, 15 robust σ for another — so their raw z-scores are not comparable). 3 is the Gaussian
 * three-sigma rule, where the z-score bands of the DWCP v3 monitoring spec (3 / 4 / 5 σ) begin.
 */
export const BAND_EDGE_SIGMA = 3;

/**
 * Signed deviation of `value` from `band` on the ensemble's one scale: `BAND_EDGE_SIGMA × (value − expected) / h`,
 * with h the half-width of the band on the value's side (`upper − expected` above, `expected − lower` below). So
 * 0 at the expected value, ±{@link BAND_EDGE_SIGMA} on the band's edges, and proportional beyond: the deviation
 * reported is consistent with the band shown, and comparable between members. Falls back to the band member's
 * own z when that side of the band has no width.
 * @see Montgomery, Introduction to Statistical Quality Control, 7th ed. (2012), §6.2 (three-sigma limits)
 */
export function edgeDeviation(
  value: number,
  band: Pick<Verdict, 'expected' | 'lower' | 'upper' | 'deviation'>,
): number {
  const d = value - band.expected;
  if (d === 0) return 0;
  const half = d > 0 ? band.upper - band.expected : band.expected - band.lower;
  if (!(half > 0) || !Number.isFinite(half) || !Number.isFinite(d)) return band.deviation;
  return (BAND_EDGE_SIGMA * d) / half;
}

function isPersistent(d: StreamingDetector): d is PersistentDetector {
  return (
    typeof (d as Partial<PersistentDetector>).snapshot === 'function' &&
    typeof (d as Partial<PersistentDetector>).restore === 'function'
  );
}

/** The ensemble detector. Memory: the members' state plus O(members). */
export class EnsembleDetector implements PersistentDetector, Predictor {
  readonly name: string;
  private readonly members: readonly CheckedMember[];
  private readonly opts: EnsembleOptions;
  private readonly totalWeight: number;
  private readonly scoredWeight: number;
  private mute = 0;
  private readonly memberScores: Float64Array;
  private readonly memberVoted: Uint8Array;

  /**
   * @param members 1..{@link MAX_ENSEMBLE_MEMBERS} detectors for the same series (fresh instances).
   * @throws InvalidInputError for no or too many members, a bad weight/vote threshold, or bad options.
   */
  constructor(members: readonly EnsembleMember[], options: Partial<EnsembleOptions> = {}) {
    const checked = checkEnsembleConfig(members, options);
    this.members = checked.members;
    const o = checked.options;
    this.opts = o;
    this.name = o.name;
    this.totalWeight = this.members.reduce((s, m) => s + m.weight, 0);
    this.scoredWeight = this.members.reduce((s, m) => s + (m.scored ? m.weight : 0), 0);
    this.memberScores = new Float64Array(this.members.length);
    this.memberVoted = new Uint8Array(this.members.length);
  }

  /** Member detector names, in order. */
  memberNames(): string[] {
    return this.members.map((m) => m.detector.name);
  }

  update(value: number, timestampMs: number): EnsembleVerdict {
    if (!Number.isFinite(value) || !Number.isFinite(timestampMs)) return NOT_JUDGED_ENSEMBLE;
    let sum = 0;
    let max = 0;
    let calibrated = 0;
    let voteWeight = 0;
    let voteCount = 0;
    let warming = true;
    let band: Verdict | null = null;
    let deviation = 0;
    // Band rule: the best-calibrated voting level/trend member, its calibrated score, and the best of those.
    const bandRule = this.opts.pageRule === 'band';
    let pager: Verdict | null = null;
    let pagerCal = -1;
    let bandCalibrated = 0;
    let shapeVoted = false;
    // The run of samples the votes of level/trend members rest on (members' `evidenceSamples`).
    let evidence = 1;
    let support: Verdict | null = null;
    let supportRatio = 0;
    const members = this.members;
    for (let k = 0; k < members.length; k++) {
      const m = members[k]!;
      const v = m.detector.update(value, timestampMs);
      const s = Number.isFinite(v.score) ? Math.min(1, Math.max(0, v.score)) : 0;
      const voted = !v.warmingUp && (Number.isNaN(m.voteThreshold) ? v.anomalous : s >= m.voteThreshold);
      this.memberScores[k] = s;
      this.memberVoted[k] = voted ? 1 : 0;
      if (!v.warmingUp) warming = false;
      if (m.scored) {
        sum += m.weight * s;
        if (s > max) max = s;
        if (!v.warmingUp) {
          const t = m.voteThreshold;
          const cal = s >= t ? (t >= 1 ? 1 : 0.5 + (0.5 * (s - t)) / (1 - t)) : (0.5 * s) / t;
          if (cal > calibrated) calibrated = cal;
          if (bandRule && m.role === 'shape' && voted) shapeVoted = true;
          // Only a level member whose sample deviates in its bad direction (score > 0: directional members
          // score 0 on the good side) corroborates: a shift the metric's owner welcomes is no evidence of harm.
          if (bandRule && m.role === 'level' && this.opts.corroborate > 0 && s > 0) {
            const half = v.upper - v.expected;
            const ratio = half > 0 ? Math.abs(value - v.expected) / half : 0;
            if (ratio > supportRatio) {
              supportRatio = ratio;
              support = v;
            }
          }
          if (m.role !== 'shape') {
            if (cal > bandCalibrated) bandCalibrated = cal;
            if (
              voted &&
              cal > pagerCal &&
              Number.isFinite(v.expected) &&
              Number.isFinite(v.lower) &&
              Number.isFinite(v.upper)
            ) {
              pager = v;
              pagerCal = cal;
            }
          }
        }
      }
      if (voted) {
        voteWeight += m.weight;
        voteCount++;
        if (m.role !== 'shape') {
          if (m.evidenceSamples > evidence) evidence = m.evidenceSamples;
          const own = v.evidenceSamples ?? 1;
          if (own > evidence) evidence = own;
          if (s >= m.strongScore && m.strongSamples > evidence) evidence = m.strongSamples;
        }
      }
      // Without a voting level/trend member, expected value and band come from the first member that has them;
      // the deviation is measured against whichever band is finally shown (below). Without any band, the largest member |z| is all there is.
      if (
        band === null &&
        Number.isFinite(v.expected) &&
        Number.isFinite(v.lower) &&
        Number.isFinite(v.upper)
      )
        band = v;
      if (Math.abs(v.deviation) > Math.abs(deviation)) deviation = v.deviation;
    }
    const mean = sum / this.scoredWeight;
    const c = this.opts.combine;
    let combined =
      c === 'max'
        ? max
        : c === 'vote'
          ? 0.9 * (voteWeight / this.totalWeight) + 0.1 * mean
          : c === 'calibrated'
            ? calibrated
            : mean;
    // Band rule: without a level/trend vote whose band the sample leaves, shape members do not count and no page.
    let pageable = true;
    if (bandRule) {
      const p = pager as Verdict | null;
      pageable = p !== null && (value > p.upper || value < p.lower);
      if (pageable) band = p;
      else if (shapeVoted && support !== null && supportRatio >= this.opts.corroborate) {
        const sv = support as Verdict;
        const w = this.opts.corroborate * (sv.upper - sv.expected);
        band = { ...sv, lower: sv.expected - w, upper: sv.expected + w };
        pageable = true;
      } else if (c === 'calibrated') combined = Math.min(bandCalibrated, 0.4999);
    } else if (pager !== null) band = pager as Verdict;
    if (band !== null) deviation = edgeDeviation(value, band);
    let muted = false;
    let anomalous = false;
    let score = combined;
    if (this.mute > 0) {
      this.mute--;
      muted = true;
      score = 0;
    } else if (!warming && pageable && combined >= this.opts.threshold && voteCount >= this.opts.minVotes) {
      anomalous = true;
      this.mute = this.opts.muteSamples;
    }
    return {
      anomalous,
      score,
      expected: band?.expected ?? Number.NaN,
      lower: band?.lower ?? Number.NaN,
      upper: band?.upper ?? Number.NaN,
      deviation,
      // One vote reaches the seed's 0.8 confidence floor; agreement of more members raises it towards 1.
      confidence: anomalous ? Math.min(1, 0.8 + 0.2 * (voteWeight / this.totalWeight)) : 0,
      severity: severityOfScore(combined, voteCount, this.members.length),
      warmingUp: warming,
      resolved: false,
      votes: anomalous
        ? this.members.map((m, k) => ({
            detector: m.detector.name,
            score: this.memberScores[k]!,
            voted: this.memberVoted[k] === 1,
          }))
        : NO_VOTES,
      muted,
      ...(anomalous && evidence > 1 ? { evidenceSamples: evidence } : {}),
    };
  }

  /** The first member's expectation that has one (members in order), or null. */
  predict(timestampMs: number): Expectation | null {
    for (const m of this.members) {
      if (!isPredictor(m.detector)) continue;
      const e = m.detector.predict(timestampMs);
      if (e !== null) return e;
    }
    return null;
  }

  stateBytes(): number {
    return 64 + this.members.reduce((s, m) => s + m.detector.stateBytes() + 48, 0);
  }

  /** @throws InvalidInputError when a member is not persistent. */
  snapshot(): DetectorSnapshot {
    const members = this.members.map((m) => {
      if (!isPersistent(m.detector))
        throw new InvalidInputError(`ensemble member ${m.detector.name} cannot be snapshotted`);
      return m.detector.snapshot();
    });
    return { detector: this.name, version: SNAPSHOT_VERSION, state: { mute: this.mute, members } };
  }

  /**
   * Restores every member (all or nothing: members are snapshotted first and rolled back on failure).
   * @throws InvalidInputError for another detector/version, a member list that does not match, or a member
   *   that rejects its state.
   */
  restore(s: DetectorSnapshot): void {
    if (s === null || typeof s !== 'object' || s.detector !== this.name || s.version !== SNAPSHOT_VERSION) {
      throw new InvalidInputError(`snapshot is not a ${this.name} v${SNAPSHOT_VERSION} snapshot`);
    }
    const st = s.state as { mute?: unknown; members?: unknown } | null;
    if (
      st === null ||
      typeof st !== 'object' ||
      !Array.isArray(st.members) ||
      st.members.length !== this.members.length
    ) {
      throw new InvalidInputError(
        `${this.name} snapshot: member list does not match (${this.members.length} members)`,
      );
    }
    const mute = st.mute;
    if (typeof mute !== 'number' || !Number.isInteger(mute) || mute < 0 || mute > this.opts.muteSamples) {
      throw new InvalidInputError(`${this.name} snapshot: bad mute counter`);
    }
    const persistent = this.members.map((m) => {
      if (!isPersistent(m.detector))
        throw new InvalidInputError(`ensemble member ${m.detector.name} cannot be restored`);
      return m.detector;
    });
    const before = persistent.map((d) => d.snapshot());
    let i = 0;
    try {
      for (; i < persistent.length; i++) persistent[i]!.restore(st.members[i] as DetectorSnapshot);
    } catch (e) {
      for (let j = 0; j < i; j++) persistent[j]!.restore(before[j]!);
      throw e;
    }
    this.mute = mute;
  }
}
