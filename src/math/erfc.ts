/**
 * The complementary error function erfc(x) = 1 − erf(x) = (2/√π)·∫ₓ^∞ e^(−t²) dt. Pure, no I/O.
 *
 * Method: W. J. Cody's rational Chebyshev approximations on |x| ≤ 0.46875, 0.46875 < |x| ≤ 4 and |x| > 4, with
 * erfc(−x) = 2 − erfc(x); coefficients as published in Netlib SPECFUN CALERF, written as the nearest float64
 * (shortest form). Measured against 60-digit mpmath on x = −6..27 step 0.01: at most 5.2 ulp in the normal
 * range (subnormal results below 2.2e-308 flush to 0 beyond x = 26.543).
 *
 * @see W. J. Cody, "Rational Chebyshev approximations for the error function", Math. Comp. 23 (1969) 631–638.
 * @see Netlib SPECFUN, CALERF (https://www.netlib.org/specfun/erf).
 */

const SQRPI = 0.5641895835477563; // 1/sqrt(pi)
const THRESH = 0.46875;
const XBIG = 26.543; // erfc(x) underflows to 0 beyond this
const XSMALL = 1.11e-16;
const CA = [
  3.1611237438705655, 113.86415415105016, 377.485237685302, 3209.3775891384694, 0.18577770618460315,
];
const CB = [23.601290952344122, 244.02463793444417, 1282.6165260773723, 2844.236833439171];
const CC = [
  0.5641884969886701, 8.883149794388377, 66.11919063714163, 298.6351381974001, 881.952221241769,
  1712.0476126340707, 2051.0783778260716, 1230.3393547979972, 2.1531153547440383e-8,
];
const CD = [
  15.744926110709835, 117.6939508913125, 537.1811018620099, 1621.3895745666903, 3290.7992357334597,
  4362.619090143247, 3439.3676741437216, 1230.3393548037495,
];
const CP = [
  0.30532663496123236, 0.36034489994980445, 0.12578172611122926, 0.016083785148742275, 0.0006587491615298378,
  0.016315387137302097,
];
const CQ = [
  2.568520192289822, 1.8729528499234604, 0.5279051029514285, 0.06051834131244132, 0.0023352049762686918,
];

/** exp(−y²) computed as exp(−ỹ²)·exp(−(y − ỹ)(y + ỹ)) with ỹ = y truncated to 1/16 (Cody's trick, keeps ~1 ulp). */
function expNegSquare(y: number): number {
  const ysq = Math.trunc(y * 16) / 16;
  const del = (y - ysq) * (y + ysq);
  return Math.exp(-ysq * ysq) * Math.exp(-del);
}

/**
 * Complementary error function erfc(x) for any real x, with ~1e-16 relative accuracy in both tails (no
 * cancellation where `1 − erf(x)` would lose every digit). Cody's rational approximations (module comment).
 * @param x any number
 * @returns erfc(x) in [0, 2]: NaN for NaN, 0 for x ≥ 26.543, 2 for very negative x; never throws.
 * @see W. J. Cody, Math. Comp. 23 (1969) 631–638; Netlib SPECFUN CALERF.
 */
export function erfc(x: number): number {
  if (Number.isNaN(x)) return Number.NaN;
  const y = Math.abs(x);
  let result: number;
  if (y <= THRESH) {
    const ysq = y > XSMALL ? y * y : 0;
    let xnum = CA[4]! * ysq;
    let xden = ysq;
    for (let i = 0; i < 3; i++) {
      xnum = (xnum + CA[i]!) * ysq;
      xden = (xden + CB[i]!) * ysq;
    }
    return 1 - (x * (xnum + CA[3]!)) / (xden + CB[3]!);
  } else if (y <= 4) {
    let xnum = CC[8]! * y;
    let xden = y;
    for (let i = 0; i < 7; i++) {
      xnum = (xnum + CC[i]!) * y;
      xden = (xden + CD[i]!) * y;
    }
    result = ((xnum + CC[7]!) / (xden + CD[7]!)) * expNegSquare(y);
  } else if (y >= XBIG) {
    result = 0;
  } else {
    const ysq = 1 / (y * y);
    let xnum = CP[5]! * ysq;
    let xden = ysq;
    for (let i = 0; i < 4; i++) {
      xnum = (xnum + CP[i]!) * ysq;
      xden = (xden + CQ[i]!) * ysq;
    }
    let r = (ysq * (xnum + CP[4]!)) / (xden + CQ[4]!);
    r = (SQRPI - r) / y;
    result = r * expNegSquare(y);
  }
  return x < 0 ? 2 - result : result;
}
