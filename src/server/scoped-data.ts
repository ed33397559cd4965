/**
 * Restricting trace and log answers to a tenant scope (src/server/tenancy.ts): the spans of a trace and the log
 * entries whose node is the tenant's. Log searches are pushed into the store one owned node (region) at a time;
 * traces are filtered span by span after the read (a trace can cross tenants' nodes: each tenant sees its part).
 */
import type { JaegerSpan, JaegerTag, JaegerTrace, TracesResponse } from '../contract/traces.ts';
import type { LogEntry, LogsResponse } from '../contract/logs.ts';
import { allowsNode, type TenantScope } from '../model/tenant-scope.ts';
import { ATTR_CLOUD_REGION, ATTR_DWCP_NODE_ID, ATTR_DWCP_REGION } from '../model/trace-attributes.ts';
import type { LogSearchRequest } from './deps.ts';

/** `service.instance.id`: the resource attribute naming the node when the span has no `dwcp.node.id`. */
const ATTR_SERVICE_INSTANCE = 'service.instance.id';

function tagValue(tags: readonly JaegerTag[], key: string): string | undefined {
  const t = tags.find((x) => x.key === key);
  return t === undefined ? undefined : String(t.value);
}

/** The node and region of a span: its own `dwcp.node.id`/`dwcp.region`, else its process's (resource). */
export function spanNode(trace: JaegerTrace, span: JaegerSpan): { node: string | undefined; region: string | undefined } {
  const p = trace.processes[span.processID]?.tags ?? [];
  return {
    node: tagValue(span.tags, ATTR_DWCP_NODE_ID) ?? tagValue(p, ATTR_DWCP_NODE_ID) ?? tagValue(p, ATTR_SERVICE_INSTANCE),
    region: tagValue(span.tags, ATTR_DWCP_REGION) ?? tagValue(p, ATTR_DWCP_REGION) ?? tagValue(p, ATTR_CLOUD_REGION),
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

/**
 * A log search restricted to `scope`: one store search per owned node (`node_id`) and region, merged newest first
 * (an entry found twice kept once), at most `q.limit`. A search naming another node or region finds nothing.
 */
export async function searchLogsInScope(q: LogSearchRequest, scope: TenantScope, search: (q: LogSearchRequest) => Promise<LogsResponse>): Promise<LogsResponse> {
  if (scope.kind === 'all') return search(q);
  const lookups: LogSearchRequest['labels'][] = [
    ...[...scope.nodes].sort().filter((n) => q.labels.node_id === undefined || q.labels.node_id === n).map((n) => ({ ...q.labels, node_id: n })),
    ...[...scope.regions].sort().filter((r) => q.labels.region === undefined || q.labels.region === r).map((r) => ({ ...q.labels, region: r })),
  ];
  const seen = new Set<string>();
  const entries: LogEntry[] = [];
  let scannedLines = 0;
  let truncated = false;
  for (const labels of lookups) {
    const res = await search({ ...q, labels });
    scannedLines += res.scannedLines;
    truncated ||= res.truncated;
    for (const e of res.entries) {
      if (!allowsNode(scope, e.nodeId, e.region)) continue;
      const key = JSON.stringify([e.timeUs, e.nodeId, e.service, e.spanId, e.body]);
      if (seen.has(key)) continue;
      seen.add(key);
      entries.push(e);
    }
  }
  entries.sort((a, b) => b.timeUs - a.timeUs);
  return { entries: entries.slice(0, q.limit), scannedLines, truncated };
}
