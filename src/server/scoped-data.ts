/**
 * Restricting trace answers to a tenant scope (src/server/tenancy.ts): the spans of a trace whose node is the
 * tenant's. The trace store finds the traces with a span of the tenant's nodes; their spans are then filtered
 * span by span (a trace can cross tenants' nodes: each tenant sees its part).
 */
import type { JaegerSpan, JaegerTag, JaegerTrace, TracesResponse } from '../contract/traces.ts';
import { allowsNode, type TenantScope } from '../model/tenant-scope.ts';
import { ATTR_CLOUD_REGION, ATTR_DWCP_NODE_ID, ATTR_DWCP_REGION } from '../model/trace-attributes.ts';

/** `service.instance.id`, then `host.name`: the resource attributes naming the node when the span has no `dwcp.node.id` (as the trace store indexes it). */
const ATTR_SERVICE_INSTANCE = 'service.instance.id';
const ATTR_HOST_NAME = 'host.name';

function tagValue(tags: readonly JaegerTag[], key: string): string | undefined {
  const t = tags.find((x) => x.key === key);
  return t === undefined ? undefined : String(t.value);
}

/** The node and region of a span: its own `dwcp.node.id`/`dwcp.region`, else its process's (resource). */
export function spanNode(
  trace: JaegerTrace,
  span: JaegerSpan,
): { node: string | undefined; region: string | undefined } {
  const p = trace.processes[span.processID]?.tags ?? [];
  return {
    node:
      tagValue(span.tags, ATTR_DWCP_NODE_ID) ??
      tagValue(p, ATTR_DWCP_NODE_ID) ??
      tagValue(p, ATTR_SERVICE_INSTANCE) ??
      tagValue(p, ATTR_HOST_NAME),
    region:
      tagValue(span.tags, ATTR_DWCP_REGION) ??
      tagValue(p, ATTR_DWCP_REGION) ??
      tagValue(p, ATTR_CLOUD_REGION),
  };
}

/**
 * The part of a trace inside `scope` (its spans and the processes they name; trace-level warnings dropped, as
 * they may name other tenants' spans), or null when no span is.
 */
export function scopeTrace(trace: JaegerTrace, scope: TenantScope): JaegerTrace | null {
  if (scope.kind === 'all') return trace;
  const spans = trace.spans.filter((s) => {
    const { node, region } = spanNode(trace, s);
    return allowsNode(scope, node, region);
  });
  if (spans.length === 0) return null;
  const used = new Set(spans.map((s) => s.processID));
  const processes = Object.fromEntries(Object.entries(trace.processes).filter(([id]) => used.has(id)));
  return { ...trace, spans, processes, warnings: null };
}

/** A trace response keeping the traces (parts) inside `scope`, at most `limit`. */
export function scopeTraces(res: TracesResponse, scope: TenantScope, limit: number): TracesResponse {
  if (scope.kind === 'all') return res;
  const data = res.data.flatMap((t) => scopeTrace(t, scope) ?? []).slice(0, limit);
  return { ...res, data, total: data.length, errors: null };
}
