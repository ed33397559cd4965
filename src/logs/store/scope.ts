/**
 * A tenant scope (src/model/tenant-scope.ts) as conditions of a log-store query: entries whose `node_id` is one
 * of the tenant's nodes or whose `region` is one of its regions. A scope of nodes only (or regions only) becomes
 * an ordinary label set, so the label's index can drive the scan; a scope of both becomes one disjunction; an
 * empty scope matches nothing. Entries naming neither a node nor a region (stored as '') are outside every
 * tenant scope.
 */
import { sql, type Expression, type SqlBool } from 'kysely';
import type { TenantScope } from '../../model/tenant-scope.ts';
import type { LabelSet } from './log-store.ts';

/** A scope split into label sets (ANDed with the query's) and, for nodes and regions both, one disjunction. */
export interface ScopeConditions {
  readonly labels: (LabelSet & { readonly in: readonly string[] })[];
  readonly either?: { readonly nodes: readonly string[]; readonly regions: readonly string[] };
}

/** The conditions of `scope` (none for the `all` scope or none given). */
export function scopeConditions(scope: TenantScope | undefined): ScopeConditions {
  if (scope === undefined || scope.kind === 'all') return { labels: [] };
  const nodes = [...scope.nodes].sort();
  const regions = [...scope.regions].sort();
  if (regions.length === 0) return { labels: [{ label: 'node_id', in: nodes }] };
  if (nodes.length === 0) return { labels: [{ label: 'region', in: regions }] };
  return { labels: [], either: { nodes, regions } };
}

/**
 * The disjunction `node_id in (…) or region in (…)`; `col` writes a column reference (e.g. `+col` on SQLite to
 * keep its index out of the plan).
 */
export function eitherCondition(either: NonNullable<ScopeConditions['either']>, col: (c: 'node_id' | 'region') => Expression<unknown>): Expression<SqlBool> {
  return sql<SqlBool>`(${col('node_id')} in (${sql.join(either.nodes)}) or ${col('region')} in (${sql.join(either.regions)}))`;
}

/** All conditions of `scope` as SQL (for queries that do not pick a driving index: label names and values). */
export function scopeSql(scope: TenantScope | undefined): Expression<SqlBool>[] {
  const c = scopeConditions(scope);
  const out: Expression<SqlBool>[] = c.labels.map((s) => (s.in.length === 0 ? sql<SqlBool>`1 = 0` : sql<SqlBool>`${sql.ref(s.label)} in (${sql.join(s.in)})`));
  if (c.either !== undefined) out.push(eitherCondition(c.either, (x) => sql.ref(x)));
  return out;
}
