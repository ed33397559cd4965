/**
 * The chunk streams as the format describes them, spelled out bit by bit ('0'/'1' strings, 64-bit BigInts), and
 * the fast-check arbitraries of values and timestamps the codec tests draw (tsdb-codec-words.test.ts,
 * tsdb-chunk-appender.test.ts).
 */
import fc from 'fast-check';

export const f64 = new Float64Array(1);
export const u32 = new Uint32Array(f64.buffer);
export const bitsOf = (v: number): bigint => {
  f64[0] = v;
  return (BigInt(u32[1]!) << 32n) | BigInt(u32[0]!);
};
export const fromHalves = (hi: number, lo: number): number => {
  u32[0] = lo;
  u32[1] = hi;
  return f64[0]!;
};
export const NAN_WITH_PAYLOAD = fromHalves(0x7ff80000, 1);

/** `n` low bits of `x` as a '0'/'1' string. */
export const bin = (x: bigint, n: number): string =>
  n === 0 ? '' : x.toString(2).padStart(n, '0').slice(-n);

/** Packs a '0'/'1' string most significant bit first, the last byte zero-padded. */
export function pack(bits: string): Uint8Array {
  const out = new Uint8Array(Math.ceil(bits.length / 8));
  for (let i = 0; i < bits.length; i++) if (bits[i] === '1') out[i >> 3]! |= 0x80 >> (i & 7);
  return out;
}

export const zz = (v: number): bigint => (v >= 0 ? BigInt(v) * 2n : BigInt(-v) * 2n - 1n);

/** The delta-of-delta stream as the format describes it (timestamps.ts), spelled out bit by bit. */
export function referenceTimestamps(ts: readonly number[]): Uint8Array {
  let s = bin(zz(ts[0]!), 64);
  let prevDelta = 0;
  for (let i = 1; i < ts.length; i++) {
    const delta = ts[i]! - ts[i - 1]!;
    const dod = delta - prevDelta;
    prevDelta = delta;
    if (dod === 0) s += '0';
    else if (dod >= -63 && dod <= 64) s += '10' + bin(BigInt(dod + 63), 7);
    else if (dod >= -255 && dod <= 256) s += '110' + bin(BigInt(dod + 255), 9);
    else if (dod >= -2047 && dod <= 2048) s += '1110' + bin(BigInt(dod + 2047), 12);
    else s += '1111' + bin(zz(dod), 64);
  }
  return pack(s);
}

/** The XOR stream as the format describes it (xor.ts), spelled out bit by bit with 64-bit BigInts. */
export function referenceXor(values: readonly number[]): Uint8Array {
  let prev = bitsOf(values[0]!);
  let s = bin(prev, 64);
  let pl = -1;
  let pt = 0;
  for (let i = 1; i < values.length; i++) {
    const cur = bitsOf(values[i]!);
    const x = cur ^ prev;
    prev = cur;
    if (x === 0n) {
      s += '0';
      continue;
    }
    const l = Math.min(31, 64 - x.toString(2).length);
    let t = 0;
    while (((x >> BigInt(t)) & 1n) === 0n) t++;
    if (pl >= 0 && l >= pl && t >= pt) s += '10' + bin(x >> BigInt(pt), 64 - pl - pt);
    else {
      const sig = 64 - l - t;
      s += '11' + bin(BigInt(l), 5) + bin(BigInt(sig & 63), 6) + bin(x >> BigInt(t), sig);
      pl = l;
      pt = t;
    }
  }
  return pack(s);
}

/** Doubles of every kind: any bit pattern, NaNs, ±Inf, ±0, subnormals, integers, short decimals, repeats. */
export const value = fc.oneof(
  fc.double(),
  fc.tuple(fc.nat({ max: 0xffffffff }), fc.nat({ max: 0xffffffff })).map(([hi, lo]) => fromHalves(hi, lo)),
  fc.constantFrom(Number.NaN, NAN_WITH_PAYLOAD, Infinity, -Infinity, 0, -0, 5e-324, -Number.MAX_VALUE),
  fc.integer({ min: -1e6, max: 1e6 }),
  fc.integer({ min: -1e6, max: 1e6 }).map((k) => k / 100),
);
/** Series with runs of repeats (some longer than a 32-bit window) and of nearby values (the window-reuse case). */
export const series = fc
  .array(fc.tuple(value, fc.oneof(fc.nat({ max: 4 }), fc.nat({ max: 70 })), fc.boolean()), {
    minLength: 1,
    maxLength: 200,
  })
  .map((parts) => {
    const out: number[] = [];
    for (const [v, repeat, near] of parts)
      for (let k = 0; k <= repeat; k++) out.push(near && Number.isFinite(v) ? v + k : v);
    return out;
  });
/** Strictly increasing safe timestamps: regular steps, jitter, every dod bucket and huge gaps. */
export const timestampSeries = fc
  .tuple(
    fc.integer({ min: -(2 ** 45), max: 2 ** 45 }),
    fc.array(
      fc.oneof(
        fc.constant(1000),
        fc.integer({ min: 995, max: 1005 }),
        fc.integer({ min: 1, max: 3000 }),
        fc.integer({ min: 1, max: 2 ** 40 }),
      ),
      { maxLength: 300 },
    ),
  )
  .map(([t0, deltas]) => {
    const ts = [t0];
    for (const d of deltas) ts.push(ts[ts.length - 1]! + d);
    return ts;
  });
