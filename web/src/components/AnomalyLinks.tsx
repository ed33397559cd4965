import { logsHref, nodeTracesHref } from '../links.ts';
import type { Anomaly } from '../api.ts';

/** Time before an anomaly's start included in its window, ms (the lead-up is where causes show). */
export const LEAD_MS = 5 * 60_000;
/** Time after its end (or now, while active), ms. */
export const TRAIL_MS = 60_000;

/** The node an anomaly is about: its `node_id` label, else `node`; undefined for cluster-wide series. */
export function anomalyNode(a: Anomaly): string | undefined {
  return a.labels['node_id'] ?? a.labels['node'];
}

/** Links from an anomaly to its node's logs and traces in the anomaly's window; nothing without a node. */
export function AnomalyLinks({ anomaly, nowMs }: { anomaly: Anomaly; nowMs: number }) {
  const node = anomalyNode(anomaly);
  if (node === undefined) return null;
  const fromMs = anomaly.startedAtMs - LEAD_MS;
  const toMs = (anomaly.resolvedAtMs ?? nowMs) + TRAIL_MS;
  return (
    <span className="anomaly-links">
      <a href={logsHref({ nodeIds: [node], fromMs, toMs })} title={`logs of ${node} around this anomaly`}>
        logs
      </a>{' '}
      <a href={nodeTracesHref(node, fromMs, toMs)} title={`traces of ${node} around this anomaly`}>
        traces
      </a>
    </span>
  );
}
