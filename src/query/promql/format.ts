/**
 * Evaluation results in the Prometheus HTTP API's JSON shapes (`matrix`, `vector`, `scalar`).
 * @see https://prometheus.io/docs/prometheus/latest/querying/api/#expression-query-result-formats
 */
import type { EvalResult } from './evaluate.ts';
import type { PromLabels } from './labels.ts';

/** A sample as Prometheus writes it: `[unix seconds, "value"]`. */
export type PromSample = [number, string];

/** A value as Prometheus formats it: `NaN`, `+Inf`, `-Inf`, else the shortest decimal text. */
export function formatPromValue(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  return String(v);
}

/** The `data` of a range query: a matrix (a scalar expression gives one series without labels). */
export function toMatrix(r: EvalResult, times: readonly number[]) {
  const series = r.kind === 'scalar' ? [{ labels: {} as PromLabels, values: r.values }] : r.series;
  return {
    resultType: 'matrix' as const,
    result: series.map((s) => {
      const values: PromSample[] = [];
      s.values.forEach((v, k) => {
        if (v !== undefined) values.push([times[k]! / 1000, formatPromValue(v)]);
      });
      return { metric: { ...s.labels }, values };
    }),
  };
}

/** The `data` of an instant query (one step at `timeMs`, Unix ms): a vector or a scalar. */
export function toInstant(r: EvalResult, timeMs: number) {
  const t = timeMs / 1000;
  if (r.kind === 'scalar')
    return { resultType: 'scalar' as const, result: [t, formatPromValue(r.values[0]!)] as PromSample };
  return {
    resultType: 'vector' as const,
    result: r.series
      .filter((s) => s.values[0] !== undefined)
      .map((s) => ({ metric: { ...s.labels }, value: [t, formatPromValue(s.values[0]!)] as PromSample })),
  };
}
