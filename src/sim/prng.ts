/** Seeded pseudo-random numbers for the simulator (deterministic for a given seed). */

/**
 * mulberry32 (Tommy Ettinger's 32-bit generator, public domain): fast, 2^32 period, good enough for
 * simulated telemetry (not for cryptography).
 */
export class Prng {
  private state: number;
  private spare: number | undefined;

  /** @param seed any finite number; its low 32 bits seed the generator. */
  constructor(seed: number) {
    this.state = (Number.isFinite(seed) ? Math.trunc(seed) : 0) >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
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

  /** Normal(mean, sd) via the Box-Muller transform (the second value is cached for the next call). */
  gaussian(mean = 0, sd = 1): number {
    if (this.spare !== undefined) {
      const z = this.spare;
      this.spare = undefined;
      return mean + sd * z;
    }
    let u = 0;
    while (u <= Number.EPSILON) u = this.next();
    const v = this.next();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spare = r * Math.sin(2 * Math.PI * v);
    return mean + sd * r * Math.cos(2 * Math.PI * v);
  }

  /**
   * Poisson(lambda) sample by Knuth's multiplication method: multiplies uniforms until the product drops to
   * e^-lambda (at least one draw, even for lambda 0). `lambda` is clamped to [0, 50] and the loop to 200 draws,
   * which bounds the work per sample.
   * @see D. E. Knuth, The Art of Computer Programming vol. 2, 3.4.1 (Poisson deviates)
   */
  poisson(lambda: number): number {
    const l = Math.exp(-Math.min(50, Math.max(0, lambda)));
    let k = 0;
    let p = 1;
    do {
      k++;
      p *= this.next();
    } while (p > l && k < 200);
    return k - 1;
  }

  /** A new generator seeded from this one (for independent per-node streams). */
  fork(): Prng {
    return new Prng(Math.floor(this.next() * 4294967296));
  }
}
