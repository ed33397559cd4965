/**
 * Configuration of the ensemble detector (ensemble.ts): members, their roles, options and defaults, and the
 * validation that turns a member list and options into the checked form the detector runs on. Pure: no clocks,
 * no I/O.
 */
import { InvalidInputError } from '../../errors.ts';
import type { StreamingDetector } from './detector.ts';

/** One member of an ensemble. */
export interface EnsembleMember {
  readonly detector: StreamingDetector;
  /** Weight in the combination (> 0, finite). Default 1. */
  readonly weight?: number;
  /**
   * Member score at which it votes (in (0, 1]). Default: the member votes when its own verdict is anomalous.
   */
  readonly voteThreshold?: number;
  /** When false, the member only votes and explains but does not enter the combined score. Default true. */
  readonly scored?: boolean;
  /** What the member's vote means for the paging rule (see the module comment of ensemble.ts). Default `level`. */
  readonly role?: MemberRole;
  /**
   * Consecutive samples one vote of this member rests on by construction (integer ≥ 1; default 1): a trend
   * member's signal needs a run of samples (presets.ts `cusumEvidenceSamples`). An anomalous ensemble verdict
   * carries the largest of its voting level/trend members' as `evidenceSamples` (detector.ts `Verdict`).
   */
  readonly evidenceSamples?: number;
  /**
   * A vote whose member score reaches `score` (in (0, 1], at or above the vote threshold) counts as `samples`
   * consecutive samples (integer ≥ 1): one sample far beyond the member's threshold carries the evidence of a run
   * (presets.ts `aloneSigma`). Default none.
   */
  readonly strongVote?: { readonly score: number; readonly samples: number };
}

/** Role of a member under the `band` paging rule. */
export type MemberRole = 'level' | 'trend' | 'shape';

/** Paging rule: `band` (no page on a shape vote alone or inside the reported band) or `any`. */
export type PageRule = 'band' | 'any';

/** How member scores are combined. */
export type EnsembleCombine = 'mean' | 'max' | 'vote' | 'calibrated';

/** Ensemble options. */
export interface EnsembleOptions {
  readonly combine: EnsembleCombine;
  /** Combined score at which the ensemble alarms, in (0, 1]. */
  readonly threshold: number;
  /** Members that must vote for an alarm (integer ≥ 0, ≤ number of members). */
  readonly minVotes: number;
  /** Samples muted after an alarm (integer ≥ 0; 0 disables muting). */
  readonly muteSamples: number;
  /** Name reported by the detector (default `ensemble`). */
  readonly name: string;
  /** Paging rule (default `any`, the behaviour before roles existed; the live preset sets `band`). */
  readonly pageRule: PageRule;
  /** Band rule: share r of a level member's band half-width that corroborates a shape vote (0 = never). */
  readonly corroborate: number;
}

/**
 * Defaults: mean of scores, alarm at 0.9, one vote, mute 0 (the live monitor's engine has its own cooldown), paging
 * rule `any` (what the existing presets were measured with; the `live` preset sets `band`).
 */
export const DEFAULT_ENSEMBLE_OPTIONS: EnsembleOptions = Object.freeze({
  combine: 'mean',
  threshold: 0.9,
  minVotes: 1,
  muteSamples: 0,
  name: 'ensemble',
  pageRule: 'any',
  corroborate: 0,
});

/** Largest number of members (bounded work per sample). */
export const MAX_ENSEMBLE_MEMBERS = 16;

/** A member as the ensemble runs it: every option resolved (vote threshold NaN = the member's own verdict). */
export type CheckedMember = Required<Omit<EnsembleMember, 'strongVote' | 'detector'>> & {
  readonly detector: StreamingDetector;
  readonly strongScore: number;
  readonly strongSamples: number;
};

/**
 * Checks members and options and resolves their defaults.
 * @param members 1..{@link MAX_ENSEMBLE_MEMBERS} detectors for the same series.
 * @throws InvalidInputError for no or too many members, a bad weight/vote threshold, or bad options.
 */
export function checkEnsembleConfig(
  members: readonly EnsembleMember[],
  options: Partial<EnsembleOptions>,
): { readonly members: readonly CheckedMember[]; readonly options: EnsembleOptions } {
  const o: EnsembleOptions = { ...DEFAULT_ENSEMBLE_OPTIONS, ...options };
  if (members.length < 1 || members.length > MAX_ENSEMBLE_MEMBERS) {
    throw new InvalidInputError(`ensemble needs 1..${MAX_ENSEMBLE_MEMBERS} members, got ${members.length}`);
  }
  const checked: CheckedMember[] = members.map((m) => {
    const weight = m.weight ?? 1;
    if (!(Number.isFinite(weight) && weight > 0))
      throw new InvalidInputError(
        `ensemble member ${m.detector.name}: weight must be finite and > 0, got ${weight}`,
      );
    const vt = m.voteThreshold ?? Number.NaN;
    if (m.voteThreshold !== undefined && !(vt > 0 && vt <= 1)) {
      throw new InvalidInputError(
        `ensemble member ${m.detector.name}: voteThreshold must be in (0, 1], got ${vt}`,
      );
    }
    const role = m.role ?? 'level';
    if (role !== 'level' && role !== 'trend' && role !== 'shape')
      throw new InvalidInputError(
        `ensemble member ${m.detector.name}: role must be level, trend or shape, got ${String(role)}`,
      );
    const evidenceSamples = m.evidenceSamples ?? 1;
    if (!(Number.isInteger(evidenceSamples) && evidenceSamples >= 1 && evidenceSamples <= 1_000_000)) {
      throw new InvalidInputError(
        `ensemble member ${m.detector.name}: evidenceSamples must be an integer in [1, 1e6], got ${evidenceSamples}`,
      );
    }
    const sv = m.strongVote;
    if (
      sv !== undefined &&
      !(
        sv.score > 0 &&
        sv.score <= 1 &&
        Number.isInteger(sv.samples) &&
        sv.samples >= 1 &&
        sv.samples <= 1_000_000
      )
    ) {
      throw new InvalidInputError(
        `ensemble member ${m.detector.name}: strongVote needs a score in (0, 1] and samples an integer in [1, 1e6]`,
      );
    }
    const strongScore = sv?.score ?? Number.POSITIVE_INFINITY;
    const strongSamples = sv?.samples ?? 1;
    return {
      detector: m.detector,
      weight,
      voteThreshold: vt,
      scored: m.scored ?? true,
      role,
      evidenceSamples,
      strongScore,
      strongSamples,
    };
  });
  if (!['mean', 'max', 'vote', 'calibrated'].includes(o.combine)) {
    throw new InvalidInputError(
      `ensemble combine must be mean, max, vote or calibrated, got ${String(o.combine)}`,
    );
  }
  if (o.combine === 'calibrated' && checked.some((m) => Number.isNaN(m.voteThreshold))) {
    throw new InvalidInputError('ensemble combine calibrated needs a voteThreshold on every member');
  }
  if (!(o.threshold > 0 && o.threshold <= 1))
    throw new InvalidInputError(`ensemble threshold must be in (0, 1], got ${o.threshold}`);
  if (!(Number.isInteger(o.minVotes) && o.minVotes >= 0 && o.minVotes <= members.length)) {
    throw new InvalidInputError(
      `ensemble minVotes must be an integer in [0, ${members.length}], got ${o.minVotes}`,
    );
  }
  if (!(Number.isInteger(o.muteSamples) && o.muteSamples >= 0 && o.muteSamples <= 1_000_000)) {
    throw new InvalidInputError(`ensemble muteSamples must be an integer in [0, 1e6], got ${o.muteSamples}`);
  }
  if (checked.every((m) => !m.scored))
    throw new InvalidInputError('ensemble needs at least one scored member');
  if (!(o.corroborate >= 0 && o.corroborate <= 1))
    throw new InvalidInputError(`ensemble corroborate must be in [0, 1], got ${o.corroborate}`);
  if (o.pageRule !== 'band' && o.pageRule !== 'any')
    throw new InvalidInputError(`ensemble pageRule must be band or any, got ${String(o.pageRule)}`);
  if (o.pageRule === 'band' && checked.every((m) => m.role === 'shape')) {
    throw new InvalidInputError('ensemble pageRule band needs at least one level or trend member');
  }
  return { members: checked, options: Object.freeze(o) };
}
