/**
 * "Const" metrics for a prom-client registry: catalog families whose series are replaced wholesale from values
 * read elsewhere (kernel counters, /proc gauges), the way node_exporter's collectors emit const metrics at each
 * collection. prom-client's Counter cannot be set to an absolute value, and its label-less metrics always print
 * a value (0 when unset), which would invent readings for a collector that failed; a const family prints
 * exactly the series it was last given, with the catalog's name, help and type.
 * @see https://pkg.go.dev/github.com/prometheus/client_golang/prometheus#MustNewConstMetric
 */
import type { Metric, Registry } from 'prom-client';
import type { MetricName } from '../catalog/index.ts';
import type { MetricDef } from '../catalog/types.ts';
import { InvalidInputError } from '../errors.ts';

/** One series of a const family. */
export interface ConstSample {
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

/** The families registered by {@link createConstMetrics}. */
export interface ConstMetrics {
  /**
   * Replaces the series of every family: families named in `families` get exactly those series, all others
   * become empty.
   * @throws InvalidInputError for a family outside this set or a sample whose label names differ from the
   *   catalog's (nothing is replaced then).
   */
  replaceAll(
    families: readonly { readonly name: MetricName; readonly samples: readonly ConstSample[] }[],
  ): void;
  /** Series currently held (all families). */
  readonly size: number;
}

/**
 * Registers one const family per definition (counters and gauges only).
 * @throws InvalidInputError for a histogram definition or a name listed twice; prom-client's Error when the
 *   registry already holds a metric of that name.
 */
export function createConstMetrics(registry: Registry, defs: readonly MetricDef[]): ConstMetrics {
  const current = new Map<string, readonly ConstSample[]>();
  const labelsOf = new Map<string, readonly string[]>();
  for (const def of defs) {
    if (def.type === 'histogram')
      throw new InvalidInputError(`${def.name}: const metrics are counters or gauges`);
    if (labelsOf.has(def.name)) throw new InvalidInputError(`metric ${def.name} is listed twice`);
    labelsOf.set(def.name, [...def.labels].sort());
    const family = {
      name: def.name,
      help: def.help,
      type: def.type,
      aggregator: 'sum' as const,
      get: async () => ({
        name: def.name,
        help: def.help,
        type: def.type,
        aggregator: 'sum' as const,
        values: (current.get(def.name) ?? []).map((s) => ({ labels: { ...s.labels }, value: s.value })),
      }),
      reset: () => current.delete(def.name),
    };
    registry.registerMetric(family as unknown as Metric);
  }
  let size = 0;
  return {
    replaceAll(families) {
      for (const f of families) {
        const want = labelsOf.get(f.name);
        if (!want) throw new InvalidInputError(`metric ${f.name} is not in this const metric set`);
        for (const s of f.samples) {
          const got = Object.keys(s.labels).sort();
          if (got.length !== want.length || got.some((k, i) => k !== want[i])) {
            throw new InvalidInputError(
              `${f.name}: labels {${got.join(',')}} differ from the catalog's {${want.join(',')}}`,
            );
          }
        }
      }
      current.clear();
      size = 0;
      for (const f of families) {
        current.set(f.name, f.samples);
        size += f.samples.length;
      }
    },
    get size() {
      return size;
    },
  };
}
