/**
 * The receivers of the `alerting` settings as the delivery uses them: the full receiver list (the short-form
 * `webhooks` become `type: webhook` receivers) and each receiver's escalation (its type's default overridden by
 * the `escalation` table).
 * @see https://prometheus.io/docs/alerting/latest/configuration/ (receiver vocabulary)
 */
import {
  ALERT_SEVERITIES,
  DEFAULT_ESCALATION,
  type AlertingSettings,
  type Escalation,
  type ReceiverSettings,
} from '../model/alerting-settings.ts';
import type { ReceiverPolicy } from './delivery/policy.ts';

/** Every receiver of the section: `receivers` plus the short-form `webhooks`. */
export function allReceivers(c: AlertingSettings): ReceiverSettings[] {
  return [
    ...c.receivers,
    ...c.webhooks.map((w): ReceiverSettings => ({ ...w, type: 'webhook', headers: {} })),
  ];
}

/** The delivery policy's view of the receivers: type defaults overridden by the escalation table. */
export function receiverPolicies(c: AlertingSettings): ReceiverPolicy[] {
  return allReceivers(c).map((r) => {
    const base: Record<string, number | null> = { ...DEFAULT_ESCALATION[r.type] };
    const over = c.escalation.find((e) => e.receiver === r.name);
    for (const s of ALERT_SEVERITIES) {
      const d = over?.[s];
      if (d !== undefined) base[s] = d === 'never' ? null : d;
    }
    return { name: r.name, type: r.type, escalation: base as Escalation };
  });
}
