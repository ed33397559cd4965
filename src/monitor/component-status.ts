/**
 * Component status per region: the latest component-health gauges of every node (v1
 * `dwcp_system_component_health` and production `dwcp_v3_component_health`, both 0 down / 1 degraded /
 * 2 healthy) combined with the open anomalies. `HealthBoard` keeps the latest values (bounded);
 * `componentStatus` is the pure summary.
 */
import { getMetric } from '../catalog/index.ts';
import type { Anomaly } from '../model/anomaly.ts';
import { COMPONENTS, HEALTH, isComponent, type Component } from '../model/dwcp.ts';
import type { Labels, Sample } from '../model/sample.ts';
import type { ComponentStatus } from '../model/status.ts';

const HEALTH_METRICS = new Set<string>([
  getMetric('dwcp_system_component_health').name,
  getMetric('dwcp_v3_component_health').name,
]);

/** Region of a series: the target's `region` label, else the v1 `cluster` label, else `unknown`. */
export function regionOf(labels: Labels): string {
  return labels.region ?? labels.cluster ?? 'unknown';
}

/** Node of a series: `node`, else `node_id`, else `instance`, else `unknown`. */
export function nodeOf(labels: Labels): string {
  return labels.node ?? labels.node_id ?? labels.instance ?? 'unknown';
}

interface HealthEntry {
  readonly region: string;
  readonly node: string;
  readonly component: Component;
  value: number;
  ts: number;
}

/** Latest component health per (region, node, component); bounded to `maxEntries`. */
export class HealthBoard {
  private readonly entries = new Map<string, HealthEntry>();
  constructor(private readonly maxEntries = 10_000) {}

  get size(): number {
    return this.entries.size;
  }

  /** Records the health samples of a batch; other samples are ignored. Extra entries beyond the bound are dropped. */
  observe(samples: readonly Sample[]): void {
    for (const s of samples) {
      if (!HEALTH_METRICS.has(s.name) || !Number.isFinite(s.value)) continue;
      const component = s.labels.component;
      if (!component || !isComponent(component)) continue;
      const region = regionOf(s.labels);
      const node = nodeOf(s.labels);
      const k = `${region}\u0000${node}\u0000${component}`;
      const e = this.entries.get(k);
      if (e) {
        // Both health metrics report the same component: keep the worst of the latest scrape.
        if (s.timestampMs > e.ts) {
          e.value = s.value;
          e.ts = s.timestampMs;
        } else e.value = Math.min(e.value, s.value);
      } else if (this.entries.size < this.maxEntries) {
        this.entries.set(k, { region, node, component, value: s.value, ts: s.timestampMs });
      }
    }
  }

  /** Marks every component of the nodes of a target as down (the target stopped answering). */
  markNodeDown(region: string, node: string, ts: number): void {
    for (const e of this.entries.values()) {
      if (e.region === region && e.node === node) {
        e.value = HEALTH.down;
        e.ts = ts;
      }
    }
  }

  /** Snapshot of all entries. */
  snapshot(): readonly { region: string; node: string; component: Component; value: number }[] {
    return [...this.entries.values()].map((e) => ({
      region: e.region,
      node: e.node,
      component: e.component,
      value: e.value,
    }));
  }
}

/**
 * Summarises health entries and open anomalies into one status per (component, region); the state is the
 * worst node's (down < degraded < healthy), `unknown` where no node reported. Regions are sorted; components
 * follow the DWCP order.
 */
export function componentStatus(
  entries: readonly { region: string; node: string; component: Component; value: number }[],
  openAnomalies: readonly Pick<Anomaly, 'component' | 'labels'>[],
  knownRegions: readonly string[] = [],
): ComponentStatus[] {
  const regions = [...new Set([...knownRegions, ...entries.map((e) => e.region)])].sort();
  const out: ComponentStatus[] = [];
  for (const component of COMPONENTS) {
    for (const region of regions) {
      const mine = entries.filter((e) => e.component === component && e.region === region);
      const down = mine.filter((e) => e.value <= HEALTH.down).length;
      const degraded = mine.filter((e) => e.value > HEALTH.down && e.value < HEALTH.healthy).length;
      const healthy = mine.length - down - degraded;
      const state = mine.length === 0 ? 'unknown' : down > 0 ? 'down' : degraded > 0 ? 'degraded' : 'healthy';
      const activeAnomalies = openAnomalies.filter(
        (a) => a.component === component && regionOf(a.labels) === region,
      ).length;
      out.push({
        component,
        region,
        state,
        nodesHealthy: healthy,
        nodesDegraded: degraded,
        nodesDown: down,
        activeAnomalies,
      });
    }
  }
  return out;
}
