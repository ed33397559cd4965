/**
 * A clean weekly test series for the CUSUM's weekend tests (cusum-weekly-steps, cusum-first-week): minute samples of
 * N(0, 1) noise on a 3 σ daily sine around 100, Saturday and Sunday (UTC) `weekendDrop` σ lower, plus permanent
 * steps; and the days of a chart's votes on it.
 */
import { createCusumDetector, type CusumOptions } from '../../../../src/analysis/anomaly/cusum.ts';
import { CorpusRandom } from '../../../../src/eval/corpus/random.ts';

export const DAY_MS = 86_400_000;
export const MIN_MS = 60_000;

/** The live tuning's chart (live-tuning.ts) on a daily period, with the weekly step calendar. */
export const LIVE_WEEKLY_CHART: Partial<CusumOptions> = Object.freeze({
  k: 1,
  arl0: 1e7,
  periodMs: DAY_MS,
  restartInside: true,
  drift: true,
  weeklySteps: true,
});

/** The weekend and the extra steps of a series. */
export interface WeeklyShape {
  /** σ the weekend (Saturday and Sunday, UTC) is lower by. */
  readonly weekendDrop: number;
  /** Extra step(s): `size` σ from `atMs` on (permanent). */
  readonly steps?: readonly { readonly atMs: number; readonly size: number }[];
}

/** Whether `t` (Unix ms) falls on a Saturday or Sunday, UTC (1970-01-01 was a Thursday). */
export const isWeekend = (t: number): boolean => (Math.floor(t / DAY_MS) + 3) % 7 >= 5;

/**
 * Days (fractional, from `t0`, a midnight UTC) of the chart's votes on `days` days of minute samples of the series
 * drawn with `seed`.
 */
export function weeklyVotes(
  seed: number,
  options: Partial<CusumOptions>,
  shape: WeeklyShape,
  t0: number,
  days: number,
): number[] {
  const rng = new CorpusRandom(seed);
  const c = createCusumDetector({ kind: 'generic' }, options);
  const out: number[] = [];
  for (let i = 0; i < days * 1440; i++) {
    const t = t0 + i * MIN_MS;
    let x = 100 + 3 * Math.sin((2 * Math.PI * i) / 1440) + rng.normal();
    if (isWeekend(t)) x -= shape.weekendDrop;
    for (const s of shape.steps ?? []) if (t >= s.atMs) x += s.size;
    if (c.update(x, t).anomalous) out.push((t - t0) / DAY_MS);
  }
  return out;
}

/** Votes within `minutes` after day `day` (fractional days). */
export const near = (v: number[], day: number, minutes = 120): number[] =>
  v.filter((d) => d >= day && d < day + minutes / 1440);
