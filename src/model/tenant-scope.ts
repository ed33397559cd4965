/**
 * Tenant isolation of node data: which nodes' metrics, anomalies, incidents, spans and log lines a tenant may
 * read or write. The operator tenant reads every node; any other tenant reads only the nodes mapped to it (by
 * `node_id` or by `region`), and a tenant without a mapping reads nothing (secure by default). No I/O.
 *
 * @see https://cheatsheetseries.owasp.org/cheatsheets/Multi_Tenant_Security_Cheat_Sheet.html (deny by default)
 */

/** Label of the node a series, anomaly or log line belongs to. */
export const NODE_LABEL = 'node_id';
/** Label of the node's region. */
export const REGION_LABEL = 'region';

/** What one tenant owns: nodes by id and whole regions. */
export interface TenantNodes {
  readonly nodes: readonly string[];
  readonly regions: readonly string[];
}

/** The configured mapping: the operator tenant (reads everything) and the nodes of every other tenant. */
export interface TenantNodeMapping {
  readonly operatorTenant: string;
  readonly tenants: ReadonlyMap<string, TenantNodes>;
}

/**
 * The node data a request may touch: `all` (operator tenant, or authentication disabled) or the `nodes`/`regions`
 * of one tenant (both empty for a tenant without a mapping: nothing).
 */
export type TenantScope =
  | { readonly kind: 'all' }
  | {
      readonly kind: 'nodes';
      readonly tenant: string;
      readonly nodes: ReadonlySet<string>;
      readonly regions: ReadonlySet<string>;
    };

/** The scope that reads every node. */
export const ALL_NODES: TenantScope = { kind: 'all' };

/** The scope of `tenant` under `mapping`: every node for the operator tenant, else its mapped nodes (none when unmapped). */
export function scopeForTenant(mapping: TenantNodeMapping, tenant: string): TenantScope {
  if (tenant === mapping.operatorTenant) return ALL_NODES;
  const own = mapping.tenants.get(tenant);
  return { kind: 'nodes', tenant, nodes: new Set(own?.nodes ?? []), regions: new Set(own?.regions ?? []) };
}

/**
 * Whether data of a node (`node`, its `region`; null when the data names none) is inside `scope`. Data naming
 * neither a node nor a region (cluster-wide) is inside the `all` scope only.
 */
export function allowsNode(
  scope: TenantScope,
  node: string | null | undefined,
  region?: string | null,
): boolean {
  if (scope.kind === 'all') return true;
  return (node != null && scope.nodes.has(node)) || (region != null && scope.regions.has(region));
}

/** Whether a label set (series, anomaly, log stream) is inside `scope`, by its `node_id` and `region` labels. */
export function allowsLabels(scope: TenantScope, labels: Readonly<Record<string, string>>): boolean {
  return allowsNode(scope, labels[NODE_LABEL], labels[REGION_LABEL]);
}

/**
 * Series lookup restricted to `scope`, pushed into the store: `find` is called with `match` plus one `node_id`
 * (then one `region`) matcher per owned node (region) in sorted order, until `limit` series were found; series
 * found twice (a node inside an owned region) are kept once. The `all` scope is one plain call.
 * @param find the store's lookup (e.g. `SampleStore.findSeries` bound to a metric name)
 */
export async function findInScope<T extends { readonly key: string }>(
  scope: TenantScope,
  match: Readonly<Record<string, string>>,
  limit: number,
  find: (match: Readonly<Record<string, string>>, limit: number) => Promise<T[]>,
): Promise<T[]> {
  if (scope.kind === 'all') return find(match, limit);
  const out: T[] = [];
  const seen = new Set<string>();
  const lookups: [string, string][] = [
    ...[...scope.nodes].sort().map((n): [string, string] => [NODE_LABEL, n]),
    ...[...scope.regions].sort().map((r): [string, string] => [REGION_LABEL, r]),
  ];
  for (const [label, value] of lookups) {
    if (out.length >= limit) break;
    if (match[label] !== undefined && match[label] !== value) continue;
    for (const s of await find({ ...match, [label]: value }, limit - out.length)) {
      if (seen.has(s.key)) continue;
      seen.add(s.key);
      out.push(s);
    }
  }
  return out;
}

/** Items of a push split by a scope: those of its nodes or regions, and how many were not. */
export interface ScopedItems<T> {
  readonly own: T[];
  readonly foreign: number;
}

/**
 * Splits pushed items (samples, spans, log entries) into the scope's own and a count of the others
 * (`foreign_node` refusals): an item is own when {@link allowsNode} allows the node and region `where` reads
 * from it. The `all` scope keeps everything.
 */
export function partitionByScope<T>(
  scope: TenantScope | undefined,
  items: readonly T[],
  where: (item: T) => {
    readonly node: string | null | undefined;
    readonly region: string | null | undefined;
  },
): ScopedItems<T> {
  if (scope === undefined || scope.kind === 'all') return { own: [...items], foreign: 0 };
  const own = items.filter((x) => {
    const w = where(x);
    return allowsNode(scope, w.node, w.region);
  });
  return { own, foreign: items.length - own.length };
}

/** Refusal message of a push with nothing of the scope's (a tenant scope with `foreign` items, none its own). */
export function foreignOnlyMessage(
  scope: TenantScope & { kind: 'nodes' },
  foreign: number,
  what: string,
): string {
  return `none of the ${foreign} ${what} is of a node or region of tenant ${scope.tenant}`;
}
