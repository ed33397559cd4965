/**
 * Record evidence: whether a deviation is at least {@link RECORD_MARGIN} times every deviation a series has shown
 * since it was first judged — a record of its own history, by a margin. A level member may let such a vote page
 * without waiting for a second sample (the engine's confirmation), once the history holds `minSamples` judged
 * samples, so that its maximum stands for the series' tail rather than its warm-up.
 *
 * Why it is evidence, whatever the noise:
 * - For exchangeable samples of any continuous distribution the n-th sample beats the n − 1 before it with
 *   probability 1/n, and among K threshold exceedances the k-th is a new maximum with probability 1/k: a series that
 *   keeps crossing its threshold with isolated samples sets about ln K + 0.58 records over its whole life (the
 *   harmonic number H_K), heavy tails or not — a margin only lowers that.
 * - With the margin: for noise with an exponential or lighter tail (Gaussian, Laplace, gamma; Gumbel domain) the
 *   maximum of n samples is ≈ β·ln n, so a sample beyond twice it has probability ≈ n⁻²; after
 *   {@link RECORD_MIN_SAMPLES} = 1,000 samples that is ≤ 10⁻⁶ per sample, the false-alarm budget per sample the
 *   engine's two-sample confirmation is held to. For a power-law tail of index α it is ≈ 2^−α/n (not within the
 *   budget: there the harmonic bound above is what holds).
 * - Before `minSamples` (option `scaled`): the same budget holds at every shorter history n ≥
 *   {@link RECORD_SCALED_FROM} with a margin that
 *   grows as the history shrinks — n^−m = minSamples⁻² gives m(n) = {@link RECORD_MARGIN}·ln(minSamples)/ln(n)
 *   ({@link recordMargin}: 3 at n = 100, 2.4 at n = 300 for minSamples 1,000). A series sampled hourly then needs no
 *   six weeks of history before a deviation far beyond everything it has shown pages on one sample. The harmonic
 *   bound on the number of records holds as before (a larger margin only lowers it).
 * - In-control history only (option `inControl`): a vote that counted as a record is an anomaly the member reported,
 *   not the series' in-control tail, so it does not raise the maximum later samples are judged against (as the CUSUM's
 *   tail histogram learns nothing during an excursion, cusum-tail.ts). Otherwise one large fault — often the first
 *   of several on the same series — hides every later one that is smaller than twice it. The budgets above are
 *   unchanged: under an exponential tail a record has probability ≈ n⁻², so the maximum of the samples that were no
 *   record is the maximum of all but a vanishing few; under a power-law tail of index α the samples beyond the
 *   maximum M either raise it (M < x < 2M, probability 1 − 2^−α of them) or count as a record (2^−α), so the records
 *   stay about 2^−α/(1 − 2^−α) per raise of the maximum — still logarithmic in the series' life (1 per raise at
 *   α = 1; the whole-history rule's ≈ 2^−α per record of any size).
 * Pure, O(1) state.
 * @see F. G. Foster & A. Stuart, "Distribution-free tests in time-series based on the breaking of records",
 *   J. Royal Statistical Society B 16 (1954) 1–22; B. C. Arnold, N. Balakrishnan & H. N. Nagaraja, "Records"
 *   (Wiley 1998), §2.2; S. Coles, "An Introduction to Statistical Modeling of Extreme Values" (Springer 2001), §3.1.
 */
import { InvalidInputError } from '../../errors.ts';

/** Largest `minSamples` {@link RecordEvidence} accepts. */
export const MAX_RECORD_MIN_SAMPLES = 1_000_000_000;

/** A record must reach this multiple of the largest earlier deviation (module comment). */
export const RECORD_MARGIN = 2;

/**
 * The shortest history a `scaled` record counts in (module comment): the maximum of fewer samples is too noisy to
 * stand for the tail (for Gaussian noise the largest of 2–3 samples is under 0.5 σ one time in ten, and the
 * ln n law of maxima holds only asymptotically); at 100 samples the margin is 3 for minSamples 1,000.
 */
export const RECORD_SCALED_FROM = 100;

/**
 * The margin a record needs after `judged` samples of history (module comment): {@link RECORD_MARGIN} from
 * `minSamples` on; below it, with `scaled`, the margin of the same per-sample budget minSamples⁻² under an
 * exponential tail, RECORD_MARGIN·ln(minSamples)/ln(judged) (+∞ under {@link RECORD_SCALED_FROM} samples); without `scaled`, +∞ (no record).
 * Pure.
 */
export function recordMargin(judged: number, minSamples: number, scaled: boolean): number {
  if (judged >= minSamples) return RECORD_MARGIN;
  if (!scaled || judged < Math.min(RECORD_SCALED_FROM, minSamples)) return Number.POSITIVE_INFINITY;
  return (RECORD_MARGIN * Math.log(minSamples)) / Math.log(judged);
}

/**
 * Judged samples before a record counts in the live tuning: n⁻² ≤ 10⁻⁶ (module comment). 17 min at 1 s samples,
 * 4 h at 15 s, 3.5 days at 5 min.
 */
export const RECORD_MIN_SAMPLES = 1000;

/** Learned state (snapshots). */
export interface RecordEvidenceState {
  /** Largest deviation seen so far (finite, ≥ 0; 0 before the first judged sample). */
  readonly max: number;
  /** Judged samples seen, capped at `minSamples`. */
  readonly judged: number;
}

/** The running maximum of a series' deviations and its record test. Memory: two numbers. */
export class RecordEvidence {
  private max = 0;
  private judged = 0;

  /**
   * @param minSamples judged samples before a record counts at {@link RECORD_MARGIN} (integer in [1,
   *   {@link MAX_RECORD_MIN_SAMPLES}]).
   * @param scaled whether a record counts before `minSamples` too, at the larger margin of the same budget
   *   ({@link recordMargin}); default false.
   * @param inControl whether a record counts only on a voted sample and then stays out of the history (module
   *   comment); default false (every sample joins the history).
   * @throws InvalidInputError for a `minSamples` out of range.
   */
  constructor(
    readonly minSamples: number,
    readonly scaled = false,
    readonly inControl = false,
  ) {
    if (!(Number.isInteger(minSamples) && minSamples >= 1 && minSamples <= MAX_RECORD_MIN_SAMPLES))
      throw new InvalidInputError(
        `record evidence: minSamples must be an integer in [1, ${MAX_RECORD_MIN_SAMPLES}], got ${minSamples}`,
      );
  }

  /**
   * Takes the deviation `dz` (≥ 0, in the member's σ along its bad direction; a negative or non-finite value is
   * learned as 0 and is no record) of one judged sample and says whether it is a record: at least
   * {@link RECORD_MARGIN} times every earlier one, with at least `minSamples` judged samples before it (or, with
   * `scaled`, at least {@link recordMargin} times every earlier one after at least {@link RECORD_SCALED_FROM}). The sample
   * then joins the history — with `inControl`, a record only when `voted` (the member's own vote on the sample) and
   * then not the history.
   */
  observe(dz: number, voted = true): boolean {
    const d = Number.isFinite(dz) && dz > 0 ? dz : 0;
    // Before minSamples a history of zeros is no tail to beat (and ∞ · 0 is no margin).
    const early = this.judged < this.minSamples;
    const beyond =
      d > 0 &&
      (!early || this.max > 0) &&
      d >= recordMargin(this.judged, this.minSamples, this.scaled) * this.max;
    const record = beyond && (voted || !this.inControl);
    if (d > this.max && !(record && this.inControl)) this.max = d;
    if (this.judged < this.minSamples) this.judged++;
    return record;
  }

  /** The state to snapshot. */
  state(): RecordEvidenceState {
    return { max: this.max, judged: this.judged };
  }

  /**
   * Restores a state from {@link state}; `undefined` (a snapshot written before records were tracked) starts the
   * history afresh, so that no record counts before `minSamples` further samples.
   * @throws InvalidInputError for a malformed state (the message is prefixed with `what`).
   */
  setState(s: unknown, what: string): void {
    if (s === undefined) {
      this.max = 0;
      this.judged = 0;
      return;
    }
    const t = s as Partial<Record<keyof RecordEvidenceState, unknown>> | null;
    if (typeof t !== 'object' || t === null)
      throw new InvalidInputError(`${what}: record state is not an object`);
    const { max, judged } = t;
    if (!(typeof max === 'number' && Number.isFinite(max) && max >= 0))
      throw new InvalidInputError(`${what}: record max must be a finite number >= 0`);
    if (!(typeof judged === 'number' && Number.isInteger(judged) && judged >= 0 && judged <= this.minSamples))
      throw new InvalidInputError(
        `${what}: record judged count must be an integer in [0, ${this.minSamples}]`,
      );
    this.max = max;
    this.judged = judged;
  }
}
