/**
 * Capacity plans computed on request from the stored utilisation series: reads the `SampleStore` (findSeries +
 * readPoints of `dwcp_v3_resource_utilization_percent{resource_type}`, bounded by `maxSeries` and
 * `maxPointsPerSeries`) and runs the pure `planCapacity` (src/analysis/forecast/capacity.ts) once per series.
 * Served by GET /api/capacity.
 */
import { planCapacity, type CapacityOptions } from '../analysis/forecast/capacity.ts';
import { getMetric } from '../catalog/index.ts';
import type { CapacityOverview, CapacityResource, NodeCapacity } from '../contract/capacity.ts';
import { InvalidInputError } from '../errors.ts';
import type { SampleStore } from '../store/types.ts';
import { nodeOf, regionOf } from './component-status.ts';

/** Capacity plans in the API's shape (src/contract/capacity.ts): each call reads the store over `[nowMs − windowMs, nowMs]`. */
export interface CapacityProvider {
  capacity(windowMs: number, resources: readonly CapacityResource[], nowMs: number): Promise<CapacityOverview>;
}

/** Bounds of one read and the planner's options. */
export interface CapacityProviderOptions {
  /** Series read per resource (more → warning). Default 200. */
  readonly maxSeries?: number;
  /** Latest points read per series (more → warning). Default 20 000. */
  readonly maxPointsPerSeries?: number;
  /** Passed to planCapacity (defaults: 80/90 %, ≥ 100 points, 95 % intervals, model auto). */
  readonly plan?: CapacityOptions;
}

/**
 * Creates the provider over `store`.
 * @throws StoreError from the store (per-series InvalidInputError of the planner becomes an `invalid-data` entry)
 */
export function createCapacityProvider(store: SampleStore, options: CapacityProviderOptions = {}): CapacityProvider {
  const maxSeries = options.maxSeries ?? 200;
  const maxPoints = options.maxPointsPerSeries ?? 20_000;
  const planOptions = options.plan ?? {};
  const metric = getMetric('dwcp_v3_resource_utilization_percent').name;

  return {
    async capacity(windowMs, resources, nowMs) {
      const window = { startMs: nowMs - windowMs, endMs: nowMs };
      const warnings: string[] = [];
      const nodes: NodeCapacity[] = [];
      for (const resource of resources) {
        const refs = await store.findSeries(metric, { resource_type: resource }, maxSeries);
        if (refs.length >= maxSeries) warnings.push(`${metric}{resource_type="${resource}"}: read the first ${maxSeries} series only`);
        if (refs.length === 0) continue;
        const series = await store.readPoints(refs, window.startMs, window.endMs, maxPoints);
        if (series.some((p) => p.timestampsMs.length >= maxPoints)) {
          warnings.push(`${metric}{resource_type="${resource}"}: read the latest ${maxPoints} points per series only`);
        }
        for (const s of series) {
          const ts: number[] = [];
          const vs: number[] = [];
          for (let i = 0; i < s.values.length; i++) {
            if (Number.isFinite(s.values[i]!)) {
              ts.push(s.timestampsMs[i]!);
              vs.push(s.values[i]!);
            }
          }
          let plan: NodeCapacity['plan'];
          try {
            plan = planCapacity({ timestampsMs: ts, values: vs }, planOptions, nowMs);
          } catch (err) {
            if (!(err instanceof InvalidInputError)) throw err;
            plan = { status: 'invalid-data', reason: err.message };
          }
          const labels = s.series.labels;
          nodes.push({ node: nodeOf(labels), region: regionOf(labels), resource, labels, points: vs.length, plan });
        }
      }
      nodes.sort((a, b) => a.region.localeCompare(b.region) || a.node.localeCompare(b.node) || a.resource.localeCompare(b.resource));
      return { window, resources, nodes, warnings };
    },
  };
}
