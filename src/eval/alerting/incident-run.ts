/**
 * Runs one labelled DWCP scenario with one seed in virtual time through the monitor's pipeline (runDwcpScenario)
 * and the alerting flow (`src/alerting/flow.ts`, the code `serve` runs): every anomaly that opens after the
 * warm-up becomes a signal, every second the flow resolves quiet incidents and decides the notifications due for
 * one webhook receiver (default escalation), and the incidents are scored against the fault labels
 * (incident-score.ts).
 */
import type { Incident } from '../../contract/alerting.ts';
import { IncidentFlow } from '../../alerting/flow.ts';
import type { PolicyOptions } from '../../alerting/delivery/policy.ts';
import { DEFAULT_ESCALATION } from '../../model/alerting-settings.ts';
import type { CorrelatorOptions } from '../../alerting/incidents/correlator.ts';
import type { Anomaly } from '../../model/anomaly.ts';
import type { DwcpRunOptions } from '../dwcp/options.ts';
import { runDwcpScenario, type DwcpRunResult } from '../dwcp/runner.ts';
import { SCENARIO_START_MS, type DwcpScenario } from '../dwcp/scenario.ts';
import { scoreIncidents, type IncidentScore, type NotificationRecord } from './incident-score.ts';

/** Options of {@link runIncidentScenario}. */
export interface IncidentRunOptions {
  readonly run?: DwcpRunOptions;
  readonly correlation?: Omit<CorrelatorOptions, 'newId'>;
  readonly policy?: PolicyOptions;
}

/** Result of one run. */
export interface IncidentRunResult {
  readonly scenario: string;
  readonly seed: number;
  readonly run: DwcpRunResult;
  readonly incidents: readonly Incident[];
  readonly notifications: readonly NotificationRecord[];
  readonly score: IncidentScore;
}

/** The receiver of evaluation runs: one webhook with the default escalation. */
export const EVAL_RECEIVER = 'pager';

/**
 * Runs scenario `s` with `seed` and scores its incidents.
 * @throws whatever runDwcpScenario throws for bad scenarios or options
 */
export async function runIncidentScenario(
  s: DwcpScenario,
  seed: number,
  opts: IncidentRunOptions = {},
): Promise<IncidentRunResult> {
  let next = 0;
  const flow = new IncidentFlow({
    correlation: { ...opts.correlation, newId: () => `inc-${++next}`, maxResolved: 10_000 },
    receivers: [{ name: EVAL_RECEIVER, type: 'webhook', escalation: DEFAULT_ESCALATION.webhook }],
    ...(opts.policy ? { policy: opts.policy } : {}),
  });
  const evalStartMs = SCENARIO_START_MS + s.warmupSeconds * 1000;
  const open = new Map<string, Anomaly>();
  const notifications: NotificationRecord[] = [];
  let ids = 0;
  const record = (nowMs: number) => {
    for (const n of flow.step(nowMs, []).intents)
      notifications.push({ incidentId: n.incidentId, receiver: n.receiver, kind: n.kind, atMs: nowMs });
  };
  const run = await runDwcpScenario(s, seed, opts.run, {
    onOutcome(outcome, nowMs) {
      const opened: Anomaly[] = [];
      const resolved: Anomaly[] = [];
      for (const o of outcome.opened) {
        if (o.anomaly.startedAtMs < evalStartMs) continue;
        const a: Anomaly = { ...o.anomaly, id: ++ids };
        open.set(o.key, a);
        opened.push(a);
      }
      for (const r of outcome.resolved) {
        const a = open.get(r.key);
        if (!a) continue;
        open.delete(r.key);
        resolved.push({ ...a, resolvedAtMs: r.resolvedAtMs });
      }
      if (opened.length + resolved.length > 0) flow.anomalies(opened, resolved, nowMs);
    },
    onTick: record,
  });
  // Let open incidents resolve as they would after the run (anomalies still open resolve at the end).
  const end = run.endMs;
  flow.anomalies(
    [],
    [...open.values()].map((a) => ({ ...a, resolvedAtMs: end })),
    end,
  );
  for (let t = end; t <= end + 60_000; t += 1000) record(t);
  const incidents = flow.correlator.list(100_000);
  return {
    scenario: s.name,
    seed,
    run,
    incidents,
    notifications,
    score: scoreIncidents(run.labels, incidents, notifications),
  };
}
