/**
 * The one-line summary of an anomaly, shared by the API (`summary` of an anomaly), the live feed and the
 * Alertmanager notification (`summary` annotation). A target-down anomaly names its target. No I/O.
 */
import type { Anomaly } from './anomaly.ts';

/** Detector name of target-down anomalies (`up == 0`). */
export const TARGET_HEALTH_DETECTOR = 'target_health';

/** Labels that say where an anomaly is, in the order they are listed. */
const WHERE_LABELS = ['target', 'node_id', 'node', 'instance', 'job', 'region'] as const;

/** `k=v` of the where-labels present, leaving out `skip` and labels whose value is `name`. */
function where(labels: Readonly<Record<string, string>>, skip: ReadonlySet<string>, name: string): string {
  return WHERE_LABELS.filter((k) => labels[k] !== undefined && !skip.has(k) && labels[k] !== name)
    .map((k) => `${k}=${labels[k]}`)
    .join(', ');
}

/**
 * `critical latency anomaly on amst dwcp_amst_stream_latency_seconds (node_id=node-1, region=eu-west)`, or for a
 * target that answers no scrape `critical: target node-3 is down (instance=127.0.0.1:9102, job=dwcp,
 * region=ap-south): its scrapes fail (up = 0)` — the target is its `target` label, else `instance`, else `job`.
 */
export function anomalySummary(
  a: Pick<Anomaly, 'severity' | 'kind' | 'component' | 'metric' | 'labels' | 'detector'>,
): string {
  if (a.detector === TARGET_HEALTH_DETECTOR) {
    const key =
      a.labels['target'] !== undefined ? 'target' : a.labels['instance'] !== undefined ? 'instance' : 'job';
    const name = a.labels[key] ?? 'unknown';
    const rest = where(a.labels, new Set([key, 'node_id']), name);
    return `${a.severity}: target ${name} is down${rest ? ` (${rest})` : ''}: its scrapes fail (up = 0)`;
  }
  const w = ['node_id', 'node', 'instance', 'region']
    .filter((k) => a.labels[k] !== undefined)
    .map((k) => `${k}=${a.labels[k]}`)
    .join(', ');
  return `${a.severity} ${a.kind} anomaly on ${a.component} ${a.metric}${w ? ` (${w})` : ''}`;
}
