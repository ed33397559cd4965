/**
 * The integer-column plan spelled out the slow way, for tests: every order (0..2) of differences around its median
 * (a full sort), the Rice parameter its mean suggests, every code's bits summed, the smallest order (the first on a
 * tie), then k − 1 and k + 1 of that order each taken when strictly smaller. The planner in
 * `src/store/tsdb/codec/int-column-plan.ts` skips work and must give the same plan.
 */
import type { IntColumnPlan } from '../../../src/store/tsdb/codec/int-column.ts';

const MAX_ABS = 2 ** 51;

const zig = (v: number): number => (v >= 0 ? v * 2 : -v * 2 - 1);

/** Bit length counted one bit at a time (1 for 0, at most 54). */
function bits1(z: number): number {
  let l = 1;
  while (l < 54 && z >= 2 ** l) l++;
  return l;
}

const field = (z: number): number => 6 + (z === 0 ? 0 : bits1(z));
const rice = (z: number, k: number): number => {
  const q = Math.floor(z / 2 ** k);
  return q < 16 ? q + 1 + k : 16 + 6 + bits1(z);
};

/** The plan of `xs` as the format defines it, or undefined when it cannot be a column. */
export function referencePlan(xs: readonly number[]): IntColumnPlan | undefined {
  const n = xs.length;
  if (n === 0 || xs.some((x) => !(Math.abs(x) <= MAX_ABS))) return undefined;
  let best: (IntColumnPlan & { head: number; zs: number[] }) | undefined;
  let level = [...xs];
  for (let order = 0; order <= 2 && order < n; order++) {
    if (order > 0) level = level.map((x, i) => (i === 0 ? x : x - level[i - 1]!));
    const ds = level.slice(order);
    const centre = [...ds].sort((a, b) => a - b)[ds.length >> 1]!;
    if (ds.some((x) => !(Math.abs(x - centre) <= MAX_ABS))) break;
    const zs = ds.map((x) => zig(x - centre));
    const mean = zs.reduce((a, b) => a + b, 0) / zs.length;
    const k = mean < 1 ? 0 : Math.min(52, Math.floor(Math.log2(mean)));
    let head = 8 + field(zig(centre));
    for (let i = 0; i < order; i++) head += field(zig(xs[i]!));
    const bits = head + zs.reduce((a, z) => a + rice(z, k), 0);
    if (best === undefined || bits < best.bits) best = { order, centre, k, bits, head, zs };
  }
  if (best === undefined) return undefined;
  let { k, bits } = best;
  for (const kk of [best.k - 1, best.k + 1]) {
    if (kk < 0 || kk > 52) continue;
    const b = best.head + best.zs.reduce((a, z) => a + rice(z, kk), 0);
    if (b < bits) {
      bits = b;
      k = kk;
    }
  }
  return { order: best.order, centre: best.centre, k, bits };
}
