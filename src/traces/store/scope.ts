/**
 * A tenant scope (src/model/tenant-scope.ts) as a condition on the span table's indexed `node_id` and `region`
 * columns (./schema.ts): spans of the tenant's nodes or regions. Spans naming neither are outside every tenant
 * scope.
 */
import type { Expression, ExpressionBuilder, SqlBool } from 'kysely';
import type { TenantScope } from '../../model/tenant-scope.ts';
import type { TraceDatabase } from './schema.ts';

/** What a scope asks of a span query: nothing (`all`), no span at all (`none`), or a condition. */
export type SpanScope =
  | { readonly kind: 'all' }
  | { readonly kind: 'none' }
  | {
      readonly kind: 'where';
      readonly where: (eb: ExpressionBuilder<TraceDatabase, 'trace_spans'>) => Expression<SqlBool>;
    };

/** The span condition of `scope` (undefined: every span). */
export function spanScope(scope: TenantScope | undefined): SpanScope {
  if (scope === undefined || scope.kind === 'all') return { kind: 'all' };
  const nodes = [...scope.nodes].sort();
  const regions = [...scope.regions].sort();
  if (nodes.length === 0 && regions.length === 0) return { kind: 'none' };
  return {
    kind: 'where',
    where: (eb) =>
      eb.or([
        ...(nodes.length > 0 ? [eb('node_id', 'in', nodes)] : []),
        ...(regions.length > 0 ? [eb('region', 'in', regions)] : []),
      ]),
  };
}
