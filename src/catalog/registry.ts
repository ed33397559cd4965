/**
 * Creates prom-client 15 metric objects from catalog definitions. This is the only place in src where
 * catalog metrics become prom-client objects; callers always pass their own `Registry` (never the global
 * one) so that many simulated nodes can live in one process.
 */
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { MetricName } from './index.ts';
import type { MetricDef, MetricType } from './types.ts';
import { InvalidInputError } from '../errors.ts';

/** Typed access to the prom-client objects created for a set of catalog definitions. */
export interface CatalogMetrics {
  /** The registry every metric of this set is registered in. */
  readonly registry: Registry;
  /** Definitions this set was created from, in the given order. */
  readonly defs: readonly MetricDef[];
  /**
   * The counter named `name`.
   * @throws InvalidInputError when the name is not in this set or is not a counter.
   */
  counter(name: MetricName): Counter<string>;
  /**
   * The gauge named `name`.
   * @throws InvalidInputError when the name is not in this set or is not a gauge.
   */
  gauge(name: MetricName): Gauge<string>;
  /**
   * The histogram named `name`.
   * @throws InvalidInputError when the name is not in this set or is not a histogram.
   */
  histogram(name: MetricName): Histogram<string>;
  /** Whether `name` is in this set. */
  has(name: string): boolean;
}

type Created =
  | { readonly type: 'counter'; readonly metric: Counter<string> }
  | { readonly type: 'gauge'; readonly metric: Gauge<string> }
  | { readonly type: 'histogram'; readonly metric: Histogram<string> };

/**
 * Registers one prom-client metric per definition in `registry`, with the catalog's name, help, label names
 * (in catalog order) and, for histograms, the catalog's buckets. Histograms marked `exemplars` are created with
 * prom-client's `enableExemplars`: they take the object form `observe({ labels, value, exemplarLabels })`.
 *
 * @param registry a dedicated `Registry` (not prom-client's global `register`)
 * @param defs catalog definitions, usually `metricsOf('v1')` etc. from `src/catalog`
 * @returns accessors that check both name and type
 * @throws InvalidInputError when `defs` names a metric twice or a histogram has no buckets; prom-client's own
 *   Error when the registry already holds a metric of the same name.
 */
export function createCatalogMetrics(registry: Registry, defs: readonly MetricDef[]): CatalogMetrics {
  const byName = new Map<string, Created>();
  for (const def of defs) {
    if (byName.has(def.name)) throw new InvalidInputError(`metric ${def.name} is listed twice`);
    const common = { name: def.name, help: def.help, labelNames: [...def.labels], registers: [registry] };
    switch (def.type) {
      case 'counter':
        byName.set(def.name, { type: 'counter', metric: new Counter(common) });
        break;
      case 'gauge':
        byName.set(def.name, { type: 'gauge', metric: new Gauge(common) });
        break;
      case 'histogram': {
        if (!def.buckets || def.buckets.length === 0) {
          throw new InvalidInputError(`histogram ${def.name} has no buckets in the catalog`);
        }
        // prom-client refuses exemplars on a text-format registry at construction, although its text rendering
        // simply leaves them out: such a histogram is registered after construction, so the registry serves both
        // formats (OpenMetrics through src/sdk/openmetrics.ts).
        const exemplars = def.exemplars === true;
        const metric = new Histogram({
          ...common,
          buckets: [...def.buckets],
          enableExemplars: exemplars,
          registers: exemplars ? [] : [registry],
        });
        if (exemplars) registry.registerMetric(metric);
        byName.set(def.name, { type: 'histogram', metric });
        break;
      }
    }
  }

  function lookup(name: string, want: MetricType): Created {
    const c = byName.get(name);
    if (!c) throw new InvalidInputError(`metric ${name} is not in this metric set`);
    if (c.type !== want) throw new InvalidInputError(`metric ${name} is a ${c.type}, not a ${want}`);
    return c;
  }

  return {
    registry,
    defs,
    counter(name) {
      const c = lookup(name, 'counter');
      if (c.type !== 'counter') throw new InvalidInputError(`metric ${name} is not a counter`);
      return c.metric;
    },
    gauge(name) {
      const c = lookup(name, 'gauge');
      if (c.type !== 'gauge') throw new InvalidInputError(`metric ${name} is not a gauge`);
      return c.metric;
    },
    histogram(name) {
      const c = lookup(name, 'histogram');
      if (c.type !== 'histogram') throw new InvalidInputError(`metric ${name} is not a histogram`);
      return c.metric;
    },
    has(name) {
      return byName.has(name);
    },
  };
}
