/**
 * The PagerDuty Events API v2 event of an incident: `trigger` (firing), `acknowledge`, `resolve`, with the
 * incident id as `dedup_key` so PagerDuty correlates them into one PagerDuty incident. The `routing_key` is
 * added when the event is sent (it is a secret of the receiver's configuration, never stored in the outbox).
 * Pure.
 * @see https://developer.pagerduty.com/docs/events-api-v2/trigger-events/
 * @see https://developer.pagerduty.com/docs/events-api-v2/acknowledge-events/
 * @see https://developer.pagerduty.com/docs/events-api-v2/resolve-events/
 */
import type { AlertSeverity, Incident } from '../../contract/alerting.ts';
import { incidentDescription, incidentSummary, incidentUrl } from './incident-text.ts';

/** A PagerDuty event without its routing key. */
export interface PagerDutyEvent {
  readonly event_action: 'trigger' | 'acknowledge' | 'resolve';
  readonly dedup_key: string;
  readonly payload?: {
    readonly summary: string;
    readonly source: string;
    readonly severity: 'critical' | 'error' | 'warning' | 'info';
    readonly timestamp: string;
    readonly component: string;
    readonly group: string;
    readonly class: string;
    readonly custom_details: Record<string, unknown>;
  };
  readonly client: string;
  readonly client_url: string;
  readonly links?: readonly { readonly href: string; readonly text: string }[];
}

const PD_SEVERITY: Readonly<Record<AlertSeverity, 'critical' | 'warning' | 'info'>> = {
  critical: 'critical',
  warning: 'warning',
  info: 'info',
};

/** PagerDuty's `dedup_key` of an incident (at most 255 characters). */
export function pagerDutyDedupKey(i: Incident): string {
  return `dwcp-incident-${i.id}`.slice(0, 255);
}

/** The event for one notification of `i` (summary cut to 1024 characters). */
export function incidentPagerDutyEvent(
  i: Incident,
  kind: 'firing' | 'resolved' | 'acknowledged',
  externalUrl: string,
): PagerDutyEvent {
  const url = incidentUrl(i, externalUrl);
  const common = { dedup_key: pagerDutyDedupKey(i), client: 'DWCP Monitor', client_url: url };
  if (kind === 'resolved') return { event_action: 'resolve', ...common };
  if (kind === 'acknowledged') return { event_action: 'acknowledge', ...common };
  const top = i.rootCause[0];
  return {
    event_action: 'trigger',
    ...common,
    payload: {
      summary: incidentSummary(i, 'firing').slice(0, 1024),
      source: i.node ?? i.region ?? 'dwcp',
      severity: PD_SEVERITY[i.severity],
      timestamp: new Date(i.startedAtMs).toISOString(),
      component: top?.component ?? i.components[0] ?? 'system',
      group: i.region ?? 'dwcp',
      class: top?.name ?? 'incident',
      custom_details: {
        incident: i.id,
        labels: i.labels,
        description: incidentDescription(i),
        root_cause: i.rootCause.map((c) => ({
          name: c.name,
          component: c.component,
          node: c.node,
          score: c.score,
        })),
        signals: i.signals.length + i.droppedSignals,
      },
    },
    links: [{ href: url, text: 'Incident in DWCP Monitor' }],
  };
}
