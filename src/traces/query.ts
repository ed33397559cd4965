/**
 * Trace search: the query (Jaeger's search parameters plus span status), and how tags split into the store's
 * indexed DWCP columns, span status, and tags matched on candidate spans. Pure.
 * @see https://www.jaegertracing.io/docs/latest/apis/ (query service HTTP API: /api/traces)
 */
import type { TraceSearchRequest } from '../contract/traces.ts';
import {
  ATTR_DWCP_MODE,
  ATTR_DWCP_NODE_ID,
  ATTR_DWCP_REGION,
  ATTR_DWCP_VERSION,
  ATTR_DWCP_VM_ID,
} from '../model/trace-attributes.ts';
import type { TenantScope } from '../model/tenant-scope.ts';
import type { SpanRecord, SpanStatusName } from './span.ts';

/**
 * A trace search (the API's request; times Unix µs; a trace matches when one of its spans matches every filter),
 * optionally restricted to a tenant scope: the matching span must be on one of its nodes or regions.
 */
export type TraceQuery = TraceSearchRequest & { readonly scope?: TenantScope };

/** Indexed columns of the span table a query can filter on. */
export interface ColumnFilters {
  nodeId?: string;
  region?: string;
  vmId?: string;
  mode?: string;
  version?: string;
}

/** A query's tags, split by how the store evaluates them. */
export interface SplitTags {
  readonly columns: ColumnFilters;
  /** Status implied by Jaeger's `error=true` / `otel.status_code=ERROR|OK` tags (combined with `status`). */
  readonly status: SpanStatusName | undefined;
  /** The remaining tags, matched on each candidate span. */
  readonly other: Readonly<Record<string, string>>;
  /** True when the tags contradict each other (e.g. `error=true` with `otel.status_code=OK`): nothing matches. */
  readonly impossible: boolean;
}

const COLUMN_OF: Readonly<Record<string, keyof ColumnFilters>> = {
  [ATTR_DWCP_NODE_ID]: 'nodeId',
  [ATTR_DWCP_REGION]: 'region',
  [ATTR_DWCP_VM_ID]: 'vmId',
  [ATTR_DWCP_MODE]: 'mode',
  [ATTR_DWCP_VERSION]: 'version',
};

/**
 * Splits tags into indexed columns (`dwcp.node.id`, `dwcp.region`, `dwcp.vm.id`, `dwcp.mode`, `dwcp.version`),
 * span status (`error=true|false`, `otel.status_code=ERROR|OK|UNSET`, as Jaeger's OTLP translation writes
 * them) and the rest.
 */
export function splitTags(
  tags: Readonly<Record<string, string>>,
  status: SpanStatusName | undefined,
): SplitTags {
  const columns: ColumnFilters = {};
  const other: Record<string, string> = {};
  let st = status;
  let impossible = false;
  const want = (s: SpanStatusName): void => {
    if (st !== undefined && st !== s) impossible = true;
    st = s;
  };
  for (const [k, v] of Object.entries(tags)) {
    const col = COLUMN_OF[k];
    if (col !== undefined) columns[col] = v;
    else if (k === 'error') {
      if (v === 'true') want('error');
      else other[k] = v;
    } else if (k === 'otel.status_code') {
      const s = v.toLowerCase();
      if (s === 'error' || s === 'ok' || s === 'unset') want(s);
      else impossible = true;
    } else other[k] = v;
  }
  return { columns, status: st, other, impossible };
}

/** Whether every tag of `other` equals (as text) the span's attribute, or else its resource attribute. */
export function matchesTags(
  span: Pick<SpanRecord, 'attributes' | 'process'>,
  other: Readonly<Record<string, string>>,
): boolean {
  for (const k in other) {
    const v = span.attributes[k] ?? span.process.attributes[k];
    if (v === undefined || String(v) !== other[k]) return false;
  }
  return true;
}
