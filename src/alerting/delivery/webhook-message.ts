/**
 * The webhook message of an incident: Alertmanager's webhook payload (version 4) with one alert, the incident,
 * so any receiver written for Alertmanager works unchanged. Pure.
 * @see https://prometheus.io/docs/alerting/latest/configuration/#webhook_config
 */
import type { Incident } from '../../contract/alerting.ts';
import { labelsFingerprint, ZERO_TIME, type AlertmanagerWebhookPayload } from '../alertmanager-payload.ts';
import { incidentDescription, incidentSummary, incidentUrl } from './incident-text.ts';

/** Annotations of an incident's alert (also sent to Alertmanager). */
export function incidentAnnotations(i: Incident, externalUrl: string): Record<string, string> {
  const top = i.rootCause[0];
  return {
    description: incidentDescription(i),
    ...(top
      ? { root_cause: `${top.name} (${top.component}${top.node ? `, ${top.node}` : ''}), score ${top.score}` }
      : {}),
    signals: String(i.signals.length + i.droppedSignals),
    summary: incidentSummary(i, 'firing').replace(/^\[[^\]]*\] /, ''),
    ...(i.acknowledgement ? { acknowledged_by: i.acknowledgement.by } : {}),
    incident_url: incidentUrl(i, externalUrl),
  };
}

/** The payload for `receiver` (status firing or resolved; an acknowledgement is sent as firing). */
export function incidentWebhookPayload(
  i: Incident,
  kind: 'firing' | 'resolved' | 'acknowledged',
  receiver: string,
  externalUrl: string,
): AlertmanagerWebhookPayload {
  const status = kind === 'resolved' ? 'resolved' : 'firing';
  const labels = Object.fromEntries(Object.entries(i.labels).sort(([a], [b]) => (a < b ? -1 : 1)));
  const annotations = incidentAnnotations(i, externalUrl);
  const base = externalUrl.replace(/\/+$/, '');
  return {
    version: '4',
    groupKey: `{}:{incident=${JSON.stringify(i.id)}}`,
    truncatedAlerts: 0,
    status,
    receiver,
    groupLabels: { incident: i.id },
    commonLabels: labels,
    commonAnnotations: annotations,
    externalURL: base,
    alerts: [
      {
        status,
        labels,
        annotations,
        startsAt: new Date(i.startedAtMs).toISOString(),
        endsAt:
          status === 'resolved' && i.resolvedAtMs !== null
            ? new Date(i.resolvedAtMs).toISOString()
            : ZERO_TIME,
        generatorURL: incidentUrl(i, base),
        fingerprint: labelsFingerprint(labels),
      },
    ],
  };
}
