/**
 * Widget data sources restricted to a tenant scope (src/model/tenant-scope.ts): series lookups and log searches
 * carry one `node_id` (or `region`) matcher per owned node, the anomaly history filters by scope in the store,
 * incidents keep those on owned nodes or regions, and the cluster-wide network topology is refused (its widgets
 * show the reason as their error). The dashboard service evaluates a tenant-scoped dashboard through these.
 */
import { allowsLabels, allowsNode, findInScope, NODE_LABEL, REGION_LABEL, type TenantScope } from '../model/tenant-scope.ts';
import type { LogLine } from '../contract/dashboards.ts';
import { ForbiddenError } from '../errors.ts';
import type { DashboardDataSources, LogSearch } from './sources.ts';

/** Incidents one scoped incident widget reads at most before keeping the tenant's. */
const MAX_INCIDENTS = 1000;

/** `sources` as a caller of `scope` may read them (the sources themselves for every node). */
export function scopedSources(sources: DashboardDataSources, scope: TenantScope | undefined): DashboardDataSources {
  if (scope === undefined || scope.kind === 'all') return sources;
  const { samples, anomalies, incidents, logs } = sources;
  return {
    samples: {
      findSeries: (name, match, limit) => findInScope(scope, match, limit, (m, n) => samples.findSeries(name, m, n)),
      readPoints: (series, startMs, endMs, max) => samples.readPoints(series, startMs, endMs, max),
      ...(samples.readForStep ? { readForStep: samples.readForStep.bind(samples) } : {}),
    },
    ...(anomalies ? { anomalies: { list: (f) => anomalies.list({ ...f, scope }) } } : {}),
    ...(incidents
      ? { incidents: { listIncidents: async (limit, status) => (await incidents.listIncidents(MAX_INCIDENTS, status)).filter((i) => allowsNode(scope, i.node, i.region)).slice(0, limit) } }
      : {}),
    ...(logs ? { logs: { search: (q) => searchLines(q, scope, (x) => logs.search(x)) } } : {}),
    ...(sources.network
      ? {
          network: {
            network: () => {
              throw new ForbiddenError(`the network topology is cluster-wide; tenant ${scope.tenant} reads only its own nodes`);
            },
          },
        }
      : {}),
  };
}

/** A log-widget search, one search per owned node and region, merged newest first, at most `q.limit`. */
async function searchLines(q: LogSearch, scope: TenantScope & { kind: 'nodes' }, search: (q: LogSearch) => Promise<LogLine[]>): Promise<LogLine[]> {
  const lookups: [string, string][] = [...[...scope.nodes].sort().map((n): [string, string] => [NODE_LABEL, n]), ...[...scope.regions].sort().map((r): [string, string] => [REGION_LABEL, r])];
  const out: LogLine[] = [];
  const seen = new Set<string>();
  for (const [label, value] of lookups) {
    if (q.match[label] !== undefined && q.match[label] !== value) continue;
    for (const line of await search({ ...q, match: { ...q.match, [label]: value } })) {
      if (!allowsLabels(scope, line.labels)) continue;
      const key = JSON.stringify([line.timeMs, line.message, line.labels]);
      if (seen.has(key)) continue;
      seen.add(key);
      out.push(line);
    }
  }
  return out.sort((a, b) => b.timeMs - a.timeMs).slice(0, q.limit);
}
