/** Hrefs between the console's views: to a node's or a trace's logs, to a node's traces, to one trace. */
import { routeHref } from './route.ts';

/** A LogQL string literal. */
function quote(s: string): string {
  return JSON.stringify(s);
}

/** The LogQL selector of the logs of some nodes (`node_id`). */
export function nodesLogQuery(nodeIds: readonly string[]): string {
  if (nodeIds.length === 1) return `{node_id=${quote(nodeIds[0]!)}}`;
  return `{node_id=~${quote(nodeIds.map((n) => n.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'))}}`;
}

/** The logs view over a window, optionally for nodes, a trace or a span. */
export function logsHref(p: {
  readonly nodeIds?: readonly string[];
  readonly traceId?: string;
  readonly spanId?: string;
  readonly fromMs: number;
  readonly toMs: number;
}): string {
  return routeHref('logs', {
    query: p.nodeIds && p.nodeIds.length > 0 ? nodesLogQuery(p.nodeIds) : undefined,
    trace_id: p.traceId,
    span_id: p.spanId,
    from: String(Math.floor(p.fromMs)),
    to: String(Math.ceil(p.toMs)),
  });
}

/** The traces view: a node's traces in a window. */
export function nodeTracesHref(nodeId: string, fromMs: number, toMs: number): string {
  return routeHref('traces', { node: nodeId, from: String(Math.floor(fromMs)), to: String(Math.ceil(toMs)) });
}

/** The traces view showing one trace. */
export function traceHref(traceId: string): string {
  return routeHref('traces', { trace: traceId });
}
