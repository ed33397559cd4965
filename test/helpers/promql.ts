/** PromQL evaluation over fixed series, for the unit tests of src/query/promql. */
import assert from 'node:assert/strict';
import type { Selector } from '../../src/query/promql/ast.ts';
import { evaluate, type PromDataReader, type PromSeriesData } from '../../src/query/promql/evaluate.ts';
import { toInstant } from '../../src/query/promql/format.ts';
import { parsePromQL } from '../../src/query/promql/parse.ts';

/**
 * A reader over fixed series (samples in [start, end] only, as the store reads them; a selector without a name
 * reads every series).
 */
export function readerOf(series: readonly PromSeriesData[]): PromDataReader {
  return {
    select: async (sel: Selector, startMs: number, endMs: number) =>
      series
        .filter((s) => sel.metric === undefined || s.labels['__name__'] === sel.metric)
        .map((s) => {
          const idx = s.timestampsMs
            .map((t, i) => [t, i] as const)
            .filter(([t]) => t >= startMs && t <= endMs);
          return {
            labels: s.labels,
            timestampsMs: idx.map(([t]) => t),
            values: idx.map(([, i]) => s.values[i]!),
          };
        }),
  };
}

export function counter(
  labels: Record<string, string>,
  points: readonly (readonly [number, number])[],
): PromSeriesData {
  return { labels, timestampsMs: points.map(([t]) => t * 1000), values: points.map(([, v]) => v) };
}

export async function at(query: string, series: readonly PromSeriesData[], tS: number, maxSeries = 100) {
  const t = tS * 1000;
  const r = await evaluate(parsePromQL(query), readerOf(series), {
    startMs: t,
    endMs: t,
    stepMs: 1,
    lookbackMs: 300_000,
    maxSeries,
  });
  return toInstant(r, t);
}

export function vec(r: Awaited<ReturnType<typeof at>>): [Record<string, string>, number][] {
  assert.equal(r.resultType, 'vector');
  return (r.result as { metric: Record<string, string>; value: [number, string] }[]).map((s) => [
    s.metric,
    Number(s.value[1]),
  ]);
}
