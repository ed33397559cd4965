/**
 * The e-mail of an incident notification: subject, plain-text body, and a Message-ID derived from the
 * notification's idempotency key, so a mail system that sees the same message twice can drop the copy.
 * Pure.
 * @see https://www.rfc-editor.org/rfc/rfc5322#section-3.6.4 (Message-ID)
 */
import type { Incident } from '../../contract/alerting.ts';
import { incidentDescription, incidentSummary, incidentUrl } from './incident-text.ts';

/** An e-mail without sender and recipients (they come from the receiver's configuration). */
export interface EmailMessage {
  readonly subject: string;
  readonly text: string;
}

/** The message for one notification of `i`. */
export function incidentEmail(
  i: Incident,
  kind: 'firing' | 'resolved' | 'acknowledged',
  externalUrl: string,
): EmailMessage {
  return {
    subject: incidentSummary(i, kind).slice(0, 250),
    text: `${incidentDescription(i)}\n\n${incidentUrl(i, externalUrl)}\n`,
  };
}

/** `<key@dwcp-monitor>`: the Message-ID of a notification. */
export function messageIdOf(idempotencyKey: string): string {
  return `<${idempotencyKey}@dwcp-monitor>`;
}
