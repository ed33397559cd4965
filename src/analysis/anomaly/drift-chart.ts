/**
 * The CUSUM detector's drift chart (cusum.ts, module comment "Drift chart"): a second pair of one-sided sums on
 * residuals whitened with the centred lag-1 autocorrelation φ̂, whose signal votes only while the block trend
 * (drift-trend.ts) is significant in the same direction — with `walkDiffusion` also beyond the slope the level's
 * random walk explains (walk-variogram.ts, learned while both sums are below h). It owns its sums, centred moments, the votes of the current
 * run, the latched direction (already reported) and the block trend; the CUSUM supplies the options and the decision
 * interval of each side. Pure, no I/O.
 * @see E. S. Page, "Continuous inspection schemes", Biometrika 41 (1954) 100–115 (the tabular sums)
 * @see G. E. P. Box, G. M. Jenkins, "Time Series Analysis" (prewhitening with an AR(1) coefficient)
 */
import type { ResolvedCusumOptions } from './cusum-options.ts';
import type { DriftChartState } from './cusum-snapshot.ts';
import { BlockTrend } from './drift-trend.ts';
import { SHIFT_MIN_SIDE, shiftSplits, shiftThreshold } from './block-shift.ts';

/**
 * Half-life in blocks of the random-walk model (`walkDiffusion`, walk-variogram.ts): four of the baseline's
 * half-lives, so that a leak's ramp (at most a few block windows) weighs little in what the model learns.
 */
export function walkHalfLifeBlocks(o: ResolvedCusumOptions): number {
  return Math.max(2, Math.round((4 * o.baselineHalfLife) / o.driftBlockSamples));
}

/** The drift chart of one series (see the file header). */
export class DriftChart {
  /** Upper and lower sums (σ units, ≥ 0). */
  up = 0;
  down = 0;
  /** Direction already reported (1 up, −1 down, 0 none): no new vote that way until its trend has ended. */
  latched = 0;
  private mean = 0;
  private c0 = 1;
  private c1 = 0;
  private votes = 0;
  private voteDir = 0;
  /**
   * With `shiftTest`: direction × blocks left during which a shift that way is reported (by the main chart, or a
   * run of the shift test's votes) and not voted on again — until it has left the block window.
   */
  shiftLatch = 0;
  /** Whether the last vote was the shift test's (its Z and threshold then stand for the score). */
  shiftVoted = false;
  /** The shift test's two-sided threshold z* from ARL₀ (block-shift.ts); Infinity without `shiftTest`. */
  readonly shiftThreshold: number;
  private readonly trend: BlockTrend;

  constructor(private readonly o: ResolvedCusumOptions) {
    this.trend = new BlockTrend(
      o.driftBlockSamples,
      o.driftBlocks,
      o.walkDiffusion ? walkHalfLifeBlocks(o) : 0,
      o.shiftTest ? SHIFT_MIN_SIDE : 0,
    );
    this.shiftThreshold = o.shiftTest
      ? shiftThreshold(o.arl0, o.driftBlockSamples, shiftSplits(o.driftBlocks, SHIFT_MIN_SIDE))
      : Number.POSITIVE_INFINITY;
  }

  /** The shift test's current signed Z (0 without `shiftTest` or before the window is full). */
  get shiftZ(): number {
    return this.trend.current.shiftZ;
  }

  /** Marks a shift in direction `dir` as reported for the next window of blocks (the main chart's vote). */
  reportShift(dir: number): void {
    if (this.o.shiftTest) this.shiftLatch = dir * this.o.driftBlocks;
  }

  /**
   * The lag-1 autocorrelation of the residuals around their own EW mean (Box, Jenkins & Reinsel §2.1.4), in [0, 0.95]:
   * a persistent offset (a level error, a leak's excursion) does not raise it.
   */
  get phi(): number {
    return this.c1 > 0 ? Math.min(0.95, this.c1 / this.c0) : 0;
  }

  /**
   * One sample: updates the sums and the block trend and returns the direction the chart votes for (1, −1) or 0.
   * @param zr the standardised residual (σ), unclipped; `zPrev` the previous one; `z` the clipped one
   * @param deseasonalised the sample less the baseline's seasonal part (the block trend's input, sample units)
   * @param hOf the decision interval of a side (1 up, −1 down; σ units)
   * @param sigma the noise's σ in sample units (the shift test's scale)
   */
  vote(
    zr: number,
    zPrev: number,
    z: number,
    deseasonalised: number,
    hOf: (side: number) => number,
    sigma = 0,
  ): number {
    const o = this.o;
    const trend = this.trend;
    const phi = this.phi;
    let u = (zr - phi * zPrev) / Math.sqrt(1 - phi * phi);
    u = u > o.clip ? o.clip : u < -o.clip ? -o.clip : u;
    const wa = 1 / o.baselineHalfLife;
    this.mean += wa * (zr - this.mean);
    const dz = zr - this.mean;
    this.c0 += wa * (dz * dz - this.c0);
    this.c1 += wa * (dz * (zPrev - this.mean) - this.c1);
    const up = this.up + u - o.k;
    this.up = up > 0 ? Math.min(up, o.maxSumFactor * hOf(1)) : 0;
    const down = this.down - u - o.k;
    this.down = down > 0 ? Math.min(down, o.maxSumFactor * hOf(-1)) : 0;
    // The random-walk model learns only while both sums are below h (a leak's ramp does not teach it its slope).
    const inControl = this.up < hOf(1) && this.down < hOf(-1);
    if (trend.add(deseasonalised, phi, inControl, sigma)) {
      const t = trend.current;
      // A reported shift stays reported while it can still lie in the window.
      if (this.shiftLatch !== 0) this.shiftLatch -= Math.sign(this.shiftLatch);
      // A trend that has ended (or turned) re-arms the direction it had reported.
      if (this.latched !== 0 && !(this.latched * t.z >= o.driftZ && this.latched * t.recentZ > 0))
        this.latched = 0;
    }
    const t = trend.current;
    const dir = this.up >= this.down ? 1 : -1;
    const sum = dir > 0 ? this.up : this.down;
    const vote =
      dir !== this.latched &&
      sum >= hOf(dir) &&
      dir * z >= o.bandSigma &&
      dir * t.z >= o.driftZ &&
      dir * t.recentZ >= o.driftRecentZ &&
      // With `walkDiffusion`: the slope must exceed what the level's random walk explains (NaN while it learns).
      !(dir * t.walkZ < o.driftZ);
    this.shiftVoted = false;
    if (vote) {
      this.votes = this.voteDir === dir ? this.votes + 1 : 1;
      this.voteDir = dir;
      return dir;
    }
    const shiftDir = this.shiftVote(z);
    if (shiftDir !== 0) {
      this.shiftVoted = true;
      this.votes = this.voteDir === shiftDir ? this.votes + 1 : 1;
      this.voteDir = shiftDir;
      return shiftDir;
    }
    // A run of votes (what the monitor confirms) has ended: that drift (or shift) was reported.
    if (this.votes >= 2) {
      this.latched = this.voteDir;
      this.reportShift(this.voteDir);
    }
    this.votes = 0;
    return 0;
  }

  /** The shift test's direction (1, −1) when its Z passes z* that way, the sample is outside the band that way and that way is not reported; else 0. */
  private shiftVote(z: number): number {
    const sz = this.trend.current.shiftZ;
    const dir = sz >= this.shiftThreshold ? 1 : sz <= -this.shiftThreshold ? -1 : 0;
    if (dir === 0 || dir * this.shiftLatch > 0 || dir * z < this.o.bandSigma) return 0;
    return dir;
  }

  /** Approximate bytes of state (the scalars and the block trend). */
  bytes(): number {
    return 64 + (this.o.shiftTest ? 8 : 0) + this.trend.bytes();
  }

  /** The learned state (plain data, for the CUSUM's snapshot). */
  state(): DriftChartState {
    return {
      up: this.up,
      down: this.down,
      mean: this.mean,
      c0: this.c0,
      c1: this.c1,
      votes: this.votes * (this.voteDir < 0 ? -1 : 1),
      latched: this.latched,
      ...(this.o.shiftTest ? { shiftLatch: this.shiftLatch } : {}),
      trend: this.trend.state(),
    };
  }

  /**
   * Restores a state checked by `checkCusumState` (cusum-snapshot.ts). Only the block trend can throw (its own
   * checks: InvalidInputError), before any field changes.
   */
  setState(d: DriftChartState): void {
    this.trend.setState(d.trend, Math.max(0, d.c1 / d.c0));
    this.up = d.up;
    this.down = d.down;
    this.mean = d.mean;
    this.c0 = d.c0;
    this.c1 = d.c1;
    this.votes = Math.abs(d.votes);
    this.voteDir = d.votes < 0 ? -1 : d.votes > 0 ? 1 : 0;
    this.latched = d.latched;
    // An older snapshot (no shift latch) restores with nothing reported.
    this.shiftLatch = this.o.shiftTest ? (d.shiftLatch ?? 0) : 0;
  }
}
