/**
 * The Slack incoming-webhook message of an incident: `text` (the notification fallback) and Block Kit blocks
 * (header, summary section with fields, root cause, link). Lengths are cut to Slack's limits (header 150
 * characters, section text 3000, field 2000, at most 10 fields). Pure.
 * @see https://api.slack.com/messaging/webhooks
 * @see https://api.slack.com/reference/block-kit/blocks
 */
import type { Incident } from '../../contract/alerting.ts';
import { incidentSummary, incidentUrl } from './incident-text.ts';

/** A Slack incoming-webhook body. */
export interface SlackMessage {
  readonly text: string;
  readonly blocks: readonly Record<string, unknown>[];
}

function cut(s: string, n: number): string {
  return s.length <= n ? s : `${s.slice(0, n - 1)}…`;
}

/** Escapes Slack's control characters in mrkdwn text (&, <, >). */
export function slackEscape(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** The message for one notification of `i`. */
export function incidentSlackMessage(
  i: Incident,
  kind: 'firing' | 'resolved' | 'acknowledged',
  externalUrl: string,
): SlackMessage {
  const summary = incidentSummary(i, kind);
  const url = incidentUrl(i, externalUrl);
  const top = i.rootCause[0];
  const fields = [
    `*Severity*\n${i.severity}`,
    `*Status*\n${kind}`,
    `*Node*\n${i.node ?? '–'}`,
    `*Region*\n${i.region ?? '–'}`,
    `*Components*\n${i.components.join(', ') || '–'}`,
    `*Signals*\n${i.signals.length + i.droppedSignals}`,
  ].map((t) => ({ type: 'mrkdwn', text: cut(slackEscape(t), 2000) }));
  const signals = i.signals
    .slice(0, 8)
    .map((s) => `• ${slackEscape(s.summary)}`)
    .join('\n');
  const blocks: Record<string, unknown>[] = [
    { type: 'header', text: { type: 'plain_text', text: cut(summary, 150), emoji: false } },
    {
      type: 'section',
      text: {
        type: 'mrkdwn',
        text: cut(`*Incident ${slackEscape(i.id)}* started ${new Date(i.startedAtMs).toISOString()}`, 3000),
      },
      fields,
    },
  ];
  if (top) {
    blocks.push({
      type: 'section',
      text: {
        type: 'mrkdwn',
        text: cut(
          `*Root cause (top candidate):* ${slackEscape(top.name)} (${top.component}), score ${top.score}: ${slackEscape(top.reasons.join('; '))}`,
          3000,
        ),
      },
    });
  }
  if (signals) blocks.push({ type: 'section', text: { type: 'mrkdwn', text: cut(signals, 3000) } });
  if (i.acknowledgement)
    blocks.push({
      type: 'context',
      elements: [{ type: 'mrkdwn', text: cut(`Acknowledged by ${slackEscape(i.acknowledgement.by)}`, 3000) }],
    });
  blocks.push({
    type: 'section',
    text: { type: 'mrkdwn', text: cut(`<${url}|Open the incident in DWCP Monitor>`, 3000) },
  });
  return { text: cut(summary, 3000), blocks };
}
