/** Builds stored-series stand-ins (`SeriesPoints`) for the pure rollout and SLO input builders. */
import { seriesKey, type Labels } from '../../src/model/sample.ts';
import type { SeriesPoints } from '../../src/store/types.ts';

let nextId = 1;

/** One series `name{labels}` with the given [time ms, value] points. */
export function seriesPoints(
  name: string,
  labels: Labels,
  points: readonly (readonly [number, number])[],
): SeriesPoints {
  return {
    series: { id: nextId++, key: seriesKey(name, labels), name, labels },
    timestampsMs: points.map((p) => p[0]),
    values: points.map((p) => p[1]),
  };
}

/** A cumulative histogram's `_sum` and `_count` series from per-interval (Δsum, Δcount) at times `t0 + i·stepMs`. */
export function histogramSeries(
  name: string,
  labels: Labels,
  t0: number,
  stepMs: number,
  deltas: readonly (readonly [sum: number, count: number])[],
): { sum: SeriesPoints; count: SeriesPoints } {
  let s = 0;
  let c = 0;
  const sum: [number, number][] = [[t0, 0]];
  const count: [number, number][] = [[t0, 0]];
  deltas.forEach(([ds, dc], i) => {
    s += ds;
    c += dc;
    sum.push([t0 + (i + 1) * stepMs, s]);
    count.push([t0 + (i + 1) * stepMs, c]);
  });
  return {
    sum: seriesPoints(`${name}_sum`, labels, sum),
    count: seriesPoints(`${name}_count`, labels, count),
  };
}
