/**
 * Doubles as decimal mantissas with one exponent per chunk: `v = m / 10^e`, exactly (bit for bit). Values read
 * from the text exposition format with few decimal digits (integer counters, histogram buckets, gauges such as
 * `0.25`) become small integers whose steps a Rice-coded column (int-column.ts) stores in a few bits, where XOR
 * compression spends 10-20 bits on every change of such a value.
 *
 * Exactness: a double parsed from a decimal string is the correctly rounded value of that decimal; `m / 10^e`
 * with `m` and `10^e` exact doubles (|m| ≤ 2^50, e ≤ 15) is the correctly rounded quotient of the same rational,
 * so it is the same double. The encoder checks every value anyway and gives up (undefined) when one does not
 * come back identical, or is NaN, ±Infinity or −0; the chunk then keeps XOR values.
 *
 * @see A. Valialkin, VictoriaMetrics `lib/decimal` (floats as decimal mantissa and exponent before compression).
 */

/** Largest decimal exponent tried. */
export const MAX_DECIMAL_EXPONENT = 15;
/** Largest |mantissa|. */
const MAX_MANTISSA = 2 ** 50;
const POW10: readonly number[] = Array.from({ length: MAX_DECIMAL_EXPONENT + 1 }, (_, i) => 10 ** i);

/** Mantissas and the exponent of a chunk's values. */
export interface DecimalColumn {
  readonly exponent: number;
  readonly mantissas: Float64Array;
}

/**
 * `values` as integer mantissas over one power of ten, or undefined when one of them has no exact decimal form
 * within {@link MAX_DECIMAL_EXPONENT} digits and |mantissa| ≤ 2^50 (or is NaN, ±Infinity, −0).
 */
export function toDecimal(values: ArrayLike<number>): DecimalColumn | undefined {
  const n = values.length;
  let e = 0;
  for (let i = 0; i < n; i++) {
    const v = values[i]!;
    if (!Number.isFinite(v) || (v === 0 && 1 / v < 0)) return undefined;
    if (Number.isInteger(v) && e === 0) {
      if (Math.abs(v) > MAX_MANTISSA) return undefined;
      continue;
    }
    while (Math.round(v * POW10[e]!) / POW10[e]! !== v) {
      if (++e > MAX_DECIMAL_EXPONENT) return undefined;
    }
  }
  const p = POW10[e]!;
  const mantissas = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const v = values[i]!;
    const m = Math.round(v * p);
    if (Math.abs(m) > MAX_MANTISSA || m / p !== v) return undefined;
    mantissas[i] = m;
  }
  return { exponent: e, mantissas };
}

/** The values of a {@link DecimalColumn}: `out[i] = mantissas[i] / 10^exponent` (in place allowed). */
export function fromDecimal(mantissas: Float64Array, exponent: number, out: Float64Array): void {
  const p = POW10[exponent]!;
  for (let i = 0; i < mantissas.length; i++) out[i] = mantissas[i]! / p;
}
