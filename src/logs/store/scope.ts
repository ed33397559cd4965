/**
 * A tenant scope (src/model/tenant-scope.ts) as conditions on the log store's stream table (alias `s`): streams
 * whose `node_id` is one of the tenant's nodes or whose `region` is one of its regions. The scope resolves to
 * stream ids like any label matcher, so scans, label names and values, and the count-only range aggregations all
 * see the same entries. An empty scope matches nothing; streams naming neither a node nor a region (stored as '')
 * are outside every tenant scope.
 */
import { sql, type Expression, type SqlBool } from 'kysely';
import type { TenantScope } from '../../model/tenant-scope.ts';

/** `s.<column> in (values)`, false for no values. */
function inList(column: 'node_id' | 'region', values: readonly string[]): Expression<SqlBool> {
  return values.length === 0
    ? sql<SqlBool>`1 = 0`
    : sql<SqlBool>`${sql.ref(`s.${column}`)} in (${sql.join(values)})`;
}

/** The conditions of `scope` on the stream table `s` (none for the `all` scope or none given). */
export function scopeSql(scope: TenantScope | undefined): Expression<SqlBool>[] {
  if (scope === undefined || scope.kind === 'all') return [];
  const nodes = [...scope.nodes].sort();
  const regions = [...scope.regions].sort();
  if (regions.length === 0) return [inList('node_id', nodes)];
  if (nodes.length === 0) return [inList('region', regions)];
  return [sql<SqlBool>`(${inList('node_id', nodes)} or ${inList('region', regions)})`];
}
