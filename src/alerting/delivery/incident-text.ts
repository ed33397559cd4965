/**
 * The words every receiver shows for an incident: a one-line summary, a description with the root-cause
 * candidates and member signals, and the link to the incident in the web page. Pure.
 */
import type { Incident } from '../../contract/alerting.ts';

/** Member signals listed at most in a description. */
export const MAX_LISTED_SIGNALS = 10;

/** `[FIRING:critical] <title>` / `[RESOLVED] <title>` / `[ACKNOWLEDGED] <title>`. */
export function incidentSummary(i: Incident, kind: 'firing' | 'resolved' | 'acknowledged'): string {
  const head =
    kind === 'firing' ? `[FIRING:${i.severity}]` : kind === 'resolved' ? '[RESOLVED]' : '[ACKNOWLEDGED]';
  return `${head} ${i.title}`;
}

/** The incident's page: `<externalUrl>/?incident=<id>`. */
export function incidentUrl(i: Incident, externalUrl: string): string {
  return `${externalUrl.replace(/\/+$/, '')}/?incident=${encodeURIComponent(i.id)}`;
}

/** ` (resolved)`, ` (resolved: new level accepted)` with the reason, '' while active. */
function resolvedNote(s: Incident['signals'][number]): string {
  if (s.resolvedAtMs === null) return '';
  return s.resolution !== undefined ? ` (resolved: ${s.resolution})` : ' (resolved)';
}

/** Multi-line description: where, root-cause candidates, members (at most MAX_LISTED_SIGNALS), acknowledgement. */
export function incidentDescription(i: Incident): string {
  const lines: string[] = [];
  const where = [i.node ? `node ${i.node}` : null, i.region ? `region ${i.region}` : null]
    .filter(Boolean)
    .join(', ');
  lines.push(
    `Incident ${i.id}${where ? ` on ${where}` : ''}, started ${new Date(i.startedAtMs).toISOString()}; components ${i.components.join(', ')}.`,
  );
  if (i.rootCause.length > 0) {
    lines.push('Root-cause candidates:');
    i.rootCause.forEach((c, n) =>
      lines.push(`  ${n + 1}. ${c.name} (${c.component}) score ${c.score}: ${c.reasons.join('; ')}`),
    );
  }
  lines.push(`Signals (${i.signals.length + i.droppedSignals}):`);
  for (const s of i.signals.slice(0, MAX_LISTED_SIGNALS)) lines.push(`  - ${s.summary}${resolvedNote(s)}`);
  const more = i.signals.length + i.droppedSignals - Math.min(i.signals.length, MAX_LISTED_SIGNALS);
  if (more > 0) lines.push(`  ... and ${more} more`);
  if (i.acknowledgement)
    lines.push(
      `Acknowledged by ${i.acknowledgement.by} at ${new Date(i.acknowledgement.atMs).toISOString()}${i.acknowledgement.comment ? `: ${i.acknowledgement.comment}` : ''}.`,
    );
  return lines.join('\n');
}
