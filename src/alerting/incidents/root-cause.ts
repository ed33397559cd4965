/**
 * Ranks the member signals of an incident as root-cause candidates. A cause comes before its effects and sits
 * upstream of them in the DWCP component graph, so each signal scores (0..1):
 * - 0.45 × earliness: 1 for the earliest start, falling linearly to 0 at `spreadMs` (10 s) later;
 * - 0.35 × upstreamness: the share of the other members' components that depend on this signal's component
 *   (a target that stopped answering, `up == 0`, is upstream of everything on its node);
 * - 0.20 × severity: info 0, warning 0.5, critical 1.
 * Ties go to the earlier signal, then the key. Pure.
 * @see https://sre.google/sre-book/effective-troubleshooting/ (hypotheses ordered by what explains the most
 *   symptoms; the earliest, most upstream symptom first)
 */
import { alertSeverityRank, type IncidentSignal, type RootCauseCandidate } from '../../contract/alerting.ts';
import { dependsOn } from './dependencies.ts';

/** Candidates returned at most. */
export const MAX_CANDIDATES = 5;
const SPREAD_MS = 10_000;
const TARGET_DOWN_METRIC = 'up';

function componentsBelow(s: IncidentSignal, others: readonly IncidentSignal[]): string[] {
  if (s.name === TARGET_DOWN_METRIC && s.source === 'anomaly') return others.map((o) => o.component);
  return others
    .filter((o) => o.component !== s.component && dependsOn(o.component, s.component))
    .map((o) => o.component);
}

/**
 * The top {@link MAX_CANDIDATES} candidates, best first (see the module comment). One candidate per
 * (name, component, node): several series of one metric count once, at their earliest start.
 */
export function rankRootCauses(signals: readonly IncidentSignal[]): RootCauseCandidate[] {
  if (signals.length === 0) return [];
  const firsts = new Map<string, IncidentSignal>();
  for (const s of signals) {
    const k = `${s.name}\u0000${s.component}\u0000${s.node ?? ''}`;
    const prev = firsts.get(k);
    if (
      !prev ||
      s.startedAtMs < prev.startedAtMs ||
      (s.startedAtMs === prev.startedAtMs && alertSeverityRank(s.severity) > alertSeverityRank(prev.severity))
    )
      firsts.set(k, s);
  }
  const distinct = [...firsts.values()];
  const t0 = Math.min(...distinct.map((s) => s.startedAtMs));
  const scored = distinct.map((s) => {
    const others = distinct.filter((o) => o !== s);
    const lag = s.startedAtMs - t0;
    const earliness = Math.max(0, 1 - lag / SPREAD_MS);
    const below = componentsBelow(s, others);
    const upstreamness = others.length === 0 ? 1 : below.length / others.length;
    const severity = alertSeverityRank(s.severity) / 2;
    const score = 0.45 * earliness + 0.35 * upstreamness + 0.2 * severity;
    const reasons: string[] = [
      lag === 0 ? 'earliest signal' : `started ${(lag / 1000).toFixed(1)} s after the first signal`,
    ];
    if (below.length > 0) reasons.push(`upstream of ${[...new Set(below)].sort().join(', ')}`);
    reasons.push(`severity ${s.severity}`);
    return { s, score, reasons };
  });
  scored.sort(
    (a, b) => b.score - a.score || a.s.startedAtMs - b.s.startedAtMs || (a.s.key < b.s.key ? -1 : 1),
  );
  return scored.slice(0, MAX_CANDIDATES).map(({ s, score, reasons }) => ({
    signalKey: s.key,
    name: s.name,
    component: s.component,
    node: s.node,
    score: Math.round(score * 1000) / 1000,
    reasons,
  }));
}
