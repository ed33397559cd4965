/**
 * Widget data sources restricted to a tenant scope (src/model/tenant-scope.ts): series lookups carry one
 * `node_id` (or `region`) matcher per owned node; the anomaly history, incidents and log searches pass the scope
 * to their store, which filters before its limit; the cluster-wide network topology is refused (its widgets show
 * the reason as their error). The dashboard service evaluates a tenant-scoped dashboard through these.
 */
import { findInScope, type TenantScope } from '../model/tenant-scope.ts';
import { ForbiddenError } from '../errors.ts';
import type { DashboardDataSources } from './sources.ts';

/** `sources` as a caller of `scope` may read them (the sources themselves for every node). */
export function scopedSources(
  sources: DashboardDataSources,
  scope: TenantScope | undefined,
): DashboardDataSources {
  if (scope === undefined || scope.kind === 'all') return sources;
  const { samples, anomalies, incidents, logs } = sources;
  return {
    samples: {
      findSeries: (name, match, limit) =>
        findInScope(scope, match, limit, (m, n) => samples.findSeries(name, m, n)),
      readPoints: (series, startMs, endMs, max) => samples.readPoints(series, startMs, endMs, max),
      ...(samples.readForStep ? { readForStep: samples.readForStep.bind(samples) } : {}),
      ...(samples.queryRange ? { queryRange: samples.queryRange.bind(samples) } : {}),
    },
    ...(anomalies ? { anomalies: { list: (f) => anomalies.list({ ...f, scope }) } } : {}),
    ...(incidents
      ? { incidents: { listIncidents: (limit, status) => incidents.listIncidents(limit, status, scope) } }
      : {}),
    ...(logs ? { logs: { search: (q) => logs.search({ ...q, scope }) } } : {}),
    ...(sources.network
      ? {
          network: {
            network: () => {
              throw new ForbiddenError(
                `the network topology is cluster-wide; tenant ${scope.tenant} reads only its own nodes`,
              );
            },
          },
        }
      : {}),
  };
}
