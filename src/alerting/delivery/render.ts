/** Renders a notification intent into the message its receiver type takes (stored in the outbox). Pure. */
import type { Incident } from '../../contract/alerting.ts';
import { incidentEmail } from './email-message.ts';
import { incidentPagerDutyEvent } from './pagerduty-message.ts';
import type { ReceiverType } from '../../model/alerting-settings.ts';
import type { NotificationIntent } from './policy.ts';
import { incidentSlackMessage } from './slack-message.ts';
import type { OutboxMessage } from './transport.ts';
import { incidentWebhookPayload } from './webhook-message.ts';

/** The message of `intent` about `incident` for a receiver of type `type`. */
export function renderNotification(
  incident: Incident,
  intent: NotificationIntent,
  type: ReceiverType,
  externalUrl: string,
): OutboxMessage {
  switch (type) {
    case 'webhook':
      return { type, body: incidentWebhookPayload(incident, intent.kind, intent.receiver, externalUrl) };
    case 'slack':
      return { type, body: incidentSlackMessage(incident, intent.kind, externalUrl) };
    case 'pagerduty':
      return { type, body: { ...incidentPagerDutyEvent(incident, intent.kind, externalUrl) } };
    case 'email':
      return { type, email: incidentEmail(incident, intent.kind, externalUrl) };
  }
}
