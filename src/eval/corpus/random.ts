/**
 * Seeded random numbers for the labelled detection corpus: a generator of its own (not the simulator's), so
 * the corpus is independent of everything it is used to check. Not for cryptography.
 *
 * Sources: uniform bits from SFC32 (Chris Doty-Humphrey's "small fast counting" generator of PractRand, public
 * domain; passes PractRand and BigCrush), seeded through SplitMix32 (the 32-bit variant of Steele, Lea & Flood,
 * "Fast splittable pseudorandom number generators", OOPSLA 2014); normal deviates by Marsaglia's polar method
 * (G. Marsaglia & T. A. Bray, SIAM Review 6 (1964) 260–264); gamma deviates by G. Marsaglia & W. W. Tsang,
 * "A simple method for generating gamma variables", ACM TOMS 26 (2000) 363–372; Student-t as Z/√(V/ν) with
 * V ~ χ²_ν = Gamma(ν/2, 2); Laplace by inversion of its CDF. Written here (≈ 60 lines) rather than taken from a
 * package so the corpus adds no dependency to the lock file.
 */
import { InvalidInputError } from '../../errors.ts';

/** A seeded stream of random numbers. */
export class CorpusRandom {
  private a: number;
  private b: number;
  private c: number;
  private d: number;
  private spare: number | null = null;

  /** @throws InvalidInputError when `seed` is not a safe integer. */
  constructor(seed: number) {
    if (!Number.isSafeInteger(seed))
      throw new InvalidInputError(`corpus random: seed must be a safe integer, got ${seed}`);
    let s = (seed ^ Math.floor(seed / 4294967296)) >>> 0;
    const split = (): number => {
      s = (s + 0x9e3779b9) >>> 0;
      let z = s;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.a = split();
    this.b = split();
    this.c = split();
    this.d = split();
    for (let i = 0; i < 12; i++) this.next();
  }

  /** Uniform in [0, 1) (32 bits). */
  next(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return (t >>> 0) / 4294967296;
  }

  /** Uniform in [lo, hi). */
  uniform(lo: number, hi: number): number {
    return lo + (hi - lo) * this.next();
  }

  /** Integer uniform in [lo, hi] (inclusive). */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }

  /** True with probability p. */
  chance(p: number): boolean {
    return this.next() < p;
  }

  /** One of `items`, uniformly. */
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)]!;
  }

  /** Standard normal (Marsaglia's polar method; the second deviate is kept for the next call). */
  normal(): number {
    if (this.spare !== null) {
      const z = this.spare;
      this.spare = null;
      return z;
    }
    let u: number;
    let v: number;
    let s: number;
    do {
      u = 2 * this.next() - 1;
      v = 2 * this.next() - 1;
      s = u * u + v * v;
    } while (s >= 1 || s === 0);
    const f = Math.sqrt((-2 * Math.log(s)) / s);
    this.spare = v * f;
    return u * f;
  }

  /** Gamma(shape, 1) (Marsaglia & Tsang; shape < 1 by the boost Gamma(a) = Gamma(a + 1)·U^(1/a)). */
  gamma(shape: number): number {
    if (!(shape > 0 && Number.isFinite(shape)))
      throw new InvalidInputError(`corpus random: gamma shape must be > 0, got ${shape}`);
    if (shape < 1) return this.gamma(shape + 1) * Math.pow(this.next() || Number.MIN_VALUE, 1 / shape);
    const d = shape - 1 / 3;
    const c = 1 / Math.sqrt(9 * d);
    for (;;) {
      let x: number;
      let v: number;
      do {
        x = this.normal();
        v = 1 + c * x;
      } while (v <= 0);
      v = v * v * v;
      const u = this.next();
      if (u < 1 - 0.0331 * x * x * x * x) return d * v;
      if (Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v;
    }
  }

  /** Student-t with `nu` degrees of freedom (> 0): Z/√(V/ν), V ~ χ²_ν. */
  studentT(nu: number): number {
    return this.normal() / Math.sqrt((2 * this.gamma(nu / 2)) / nu);
  }

  /** Laplace(0, b): −b·sgn(u)·ln(1 − 2|u|), u uniform in (−½, ½). */
  laplace(b: number): number {
    let u = this.next() - 0.5;
    while (u === -0.5) u = this.next() - 0.5;
    return -b * Math.sign(u) * Math.log(1 - 2 * Math.abs(u));
  }
}
