/**
 * Doubles as integer steps: `v_i = v_{i−1} + q_i · 2^p_i` with `2^p_i` the spacing of doubles (ulp) at `v_{i−1}`
 * divided by `2^g` (g per chunk, 0-3: room for a value falling up to g binades below its predecessor), and a
 * few values kept whole (their 64 bits: the first value, counter resets, steps of more than 2^50 units).
 * Full-precision float counters and gauges (a counter such as 1770668.1417100322 adding a random amount per
 * scrape) have no short decimal form and cost XOR compression 50-56 bits per sample, since the random low-order
 * bits of each value differ; their steps in units of their own spacing of doubles are integers of about 40-45
 * significant bits whose median and spread a Rice-coded column (int-column.ts) stores in fewer bits.
 *
 * A value at or above its predecessor's binade (less g) is a multiple of the unit, so the exact difference is
 * too. The encoder checks every step with the decoder's own arithmetic (`prev + q · 2^p`, `2^p` built from its
 * bits, compared bit for bit with `Object.is`) and keeps a value whole when it does not come back identical (a
 * difference that is not a double, −0 after +0); NaN of any payload or ±Infinity anywhere, or more than an eighth
 * of the values whole, makes it give up (undefined) and the chunk keeps another value encoding.
 */

const F64 = new Float64Array(1);
const U32 = new Uint32Array(F64.buffer);
/** Index of the high word of a double in {@link U32} (the platform's byte order). */
const HI = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 1 : 0;
/** Smallest exponent of a power of two that is a double (2^−1074, the smallest subnormal). */
export const MIN_STEP_EXPONENT = -1074;
/** Largest exponent of a power of two that is a double. */
export const MAX_STEP_EXPONENT = 1023;

/**
 * `2^p` built from its bits (exact and the same on every platform, unlike `Math.pow`).
 * @param p integer in [{@link MIN_STEP_EXPONENT}, {@link MAX_STEP_EXPONENT}].
 */
export function pow2(p: number): number {
  U32[0] = 0;
  U32[1] = 0;
  if (p >= -1022) U32[HI] = (p + 1023) * 0x100000;
  else if (p >= -1042) U32[HI] = 2 ** (p + 1074 - 32);
  else U32[1 - HI] = 2 ** (p + 1074);
  return F64[0]!;
}

/** The exponent `p` of the spacing of doubles at `|v|` (2^p = ulp(v)), for finite `v`. */
export function ulpExponent(v: number): number {
  F64[0] = v;
  const biased = (U32[HI]! >>> 20) & 0x7ff;
  return biased === 0 ? MIN_STEP_EXPONENT : biased - 1075;
}

/** Largest number of binades a value may fall below its predecessor and still be a step (else it is kept whole). */
export const MAX_STEP_GUARD = 3;

/** Largest |step|: a step near 2^52 (a value twice its predecessor) saves nothing and may not fit the column. */
const MAX_STEP = 2 ** 50;

/** A chunk's values as integer steps. */
export interface FloatSteps {
  /** The unit of step i is the spacing of doubles at v_{i−1} divided by 2^guard. */
  readonly guard: number;
  /** Indexes (ascending, the first is 0) of the values kept whole: the first value, counter resets and the like. */
  readonly wholeAt: readonly number[];
  /** steps[i] = (v_i − v_{i−1}) / unit_i, safe integers (at a whole value: the step before it, unused). */
  readonly steps: Float64Array;
}

/** Unit of the step after `prev`: 2^(ulpExponent(prev) − guard), at least the smallest subnormal. */
function stepExponent(prev: number, guard: number): number {
  return Math.max(MIN_STEP_EXPONENT, ulpExponent(prev) - guard);
}

/**
 * `values` (at least one) as integer steps, or undefined when they are not all finite or more than an eighth of
 * them would be kept whole.
 */
export function toFloatSteps(values: ArrayLike<number>): FloatSteps | undefined {
  const n = values.length;
  if (n === 0) return undefined;
  let guard = 0;
  for (let i = 0; i < n; i++) {
    const v = values[i]!;
    if (!(Math.abs(v) < Infinity)) return undefined; // NaN (any payload), ±Infinity
    if (i > 0 && v !== 0) {
      const drop = ulpExponent(values[i - 1]!) - ulpExponent(v);
      if (drop > guard && drop <= MAX_STEP_GUARD) guard = drop;
    }
  }
  const steps = new Float64Array(n);
  const wholeAt = [0];
  const limit = n >> 3;
  let last = 0;
  for (let i = 1; i < n; i++) {
    const prev = values[i - 1]!;
    const v = values[i]!;
    const unit = pow2(stepExponent(prev, guard));
    const q = (v - prev) / unit;
    if (Math.abs(q) <= MAX_STEP && Number.isInteger(q) && Object.is(prev + q * unit, v)) {
      steps[i] = last = q;
      continue;
    }
    if (wholeAt.length > limit) return undefined;
    wholeAt.push(i);
    steps[i] = last;
  }
  if (n > 1) steps[0] = steps[1]!;
  return { guard, wholeAt, steps };
}

/**
 * The values of {@link FloatSteps}: whole values where given, else `out[i] = out[i−1] + steps[i] · unit_i`
 * (`out` may be `steps`).
 * @param whole the values at `wholeAt`, in the same order.
 */
export function fromFloatSteps(
  guard: number,
  wholeAt: readonly number[],
  whole: readonly number[],
  steps: Float64Array,
  out: Float64Array,
): void {
  let w = 0;
  let prev = 0;
  for (let i = 0; i < steps.length; i++) {
    if (w < wholeAt.length && wholeAt[w] === i) prev = whole[w++]!;
    else prev = prev + steps[i]! * pow2(stepExponent(prev, guard));
    out[i] = prev;
  }
}
