/**
 * The CUSUM's whitening (cusum.ts): operational residuals are positively autocorrelated, and a CUSUM on correlated
 * increments false-alarms far more often than its ARL₀ says (the sum's variance grows by (1 + φ)/(1 − φ) for
 * AR(1)). The chart therefore runs on whitened residuals u = (z − φ̂·z₋₁)/√(1 − φ̂²), φ̂ ∈ [0, 0.95] the EW lag-1
 * autocorrelation of the clipped residuals — the residual chart of L. C. Alwan & H. V. Roberts, "Time-series
 * modeling for statistical process control", J. Business & Economic Statistics 6 (1988) 87–95 (Montgomery §10.4)
 * with an AR(1) model. A step of δ then moves u by δ·√((1 − φ)/(1 + φ)).
 *
 * Centred autocorrelation (`centred`): by default φ̂ = c₁/c₀ with the moments taken around 0, so a residual that
 * stays off 0 — a slow leak the baseline lags behind — reads as autocorrelation: φ̂ climbs towards 0.95 during the
 * ramp and the whitening shrinks the very excursion the chart should sum (measured on the labelled corpus: φ̂
 * 0.08 → 0.84 over a 9 σ leak on white noise, the leak never found). With `centred` the moments are taken around
 * the residual's own EW mean m̂ (same half-life), r₁ = Σ(z − m̂)(z₋₁ − m̂)/Σ(z − m̂)² — the sample autocorrelation
 * of G. E. P. Box, G. M. Jenkins & G. C. Reinsel, "Time Series Analysis", 4th ed. (2008) §2.1.4.
 *
 * Held (`learn(zr, true)`, the excursion anchor of cusum-anchor.ts): the moments do not learn the sample, only the
 * previous residual moves on, so an excursion cannot raise φ̂ (the AR model fitted on in-control data).
 */

/** The whitening's learned state: previous clipped residual, EW second moments and EW mean (σ units). */
export class CusumWhitening {
  prevZ = 0;
  c0 = 1;
  c1 = 0;
  /** EW mean of the clipped residuals (`centred`; 0 otherwise). */
  zMean = 0;

  /** @param centred moments around the EW mean (else around 0); @param halfLife of the moments (samples, ≥ 2). */
  constructor(
    private readonly centred: boolean,
    private readonly halfLife: number,
  ) {}

  /** φ̂ ∈ [0, 0.95]. */
  get phi(): number {
    return this.c1 > 0 ? Math.min(0.95, this.c1 / this.c0) : 0;
  }

  /** The whitened residual of the clipped residual `zr` (σ units), clipped at ±clip; before {@link learn}. */
  whiten(zr: number, clip: number): number {
    const phi = this.phi;
    const u = (zr - phi * this.prevZ) / Math.sqrt(1 - phi * phi);
    return u > clip ? clip : u < -clip ? -clip : u;
  }

  /** Learns the clipped residual `zr` (σ units) unless `held`; it becomes the previous residual either way. */
  learn(zr: number, held: boolean): void {
    if (!held) {
      const wa = 1 / this.halfLife;
      if (this.centred) {
        // Moments around the residual's own EW mean (Box, Jenkins & Reinsel §2.1.4): an offset is not correlation.
        this.zMean += wa * (zr - this.zMean);
        const d = zr - this.zMean;
        this.c0 += wa * (d * d - this.c0);
        this.c1 += wa * (d * (this.prevZ - this.zMean) - this.c1);
      } else {
        this.c0 += wa * (zr * zr - this.c0);
        this.c1 += wa * (zr * this.prevZ - this.c1);
      }
    }
    this.prevZ = zr;
  }
}
