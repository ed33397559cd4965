/**
 * When the built-in delivery notifies which receiver about which incident: escalation by severity, group wait,
 * deduplication, repeats, silences and acknowledgements. Pure: incidents and time in, notification intents out;
 * the state it keeps per (incident, receiver) can be exported and imported so a restart does not notify again.
 *
 * For each open incident and receiver:
 * - the receiver's escalation gives the delay for the incident's severity, or never (`null`); the default
 *   escalation pages PagerDuty at once for critical, after 10 minutes for warning and never for info; Slack
 *   gets every severity at once; webhook and e-mail receivers get critical and warning at once and never info;
 * - nothing is sent before `groupWaitMs` after the incident reached its severity (members that arrive meanwhile
 *   ride along), nor before the escalation delay has passed since then;
 * - an acknowledged incident gets no further firing notification (no escalation, no repeat); undo resumes;
 * - an incident matched by an active silence is held back (sent when the silence ends while it still fires);
 * - a firing notification is sent once per severity; a higher severity sends again; when nodes or components
 *   join the incident after it was notified, an update is sent `groupIntervalMs` after the last notification
 *   (Alertmanager's group_interval: a second problem absorbed by an open incident is still paged);
 *   `repeatIntervalMs` after the last one it is repeated while the incident fires unacknowledged;
 * - deduplication: a firing notification whose labels (without the incident id) equal those of a notification
 *   sent to the same receiver within `dedupWindowMs` is not sent (a flapping problem pages once per window);
 * - when the incident resolves, receivers that got a firing notification get a resolved one; PagerDuty receivers
 *   get an acknowledge event when the incident is acknowledged.
 * @see seed 002 escalation policies (immediate, high after 10 minutes, low to chat only); seed 003 (5-minute
 *   deduplication); https://prometheus.io/docs/alerting/latest/configuration/#route (group_wait, repeat_interval)
 */
import { createHash } from 'node:crypto';
import { alertSeverityRank, type AlertSeverity, type Incident } from '../../contract/alerting.ts';
import {
  DEFAULT_INCIDENT_SETTINGS,
  type Escalation,
  type ReceiverType,
} from '../../model/alerting-settings.ts';
import { labelsFingerprint } from '../alertmanager-payload.ts';
import { silencedBy, type ActiveSilence } from './silences.ts';

/** One receiver as the policy sees it. */
export interface ReceiverPolicy {
  readonly name: string;
  readonly type: ReceiverType;
  readonly escalation: Escalation;
}

/** Timings of the policy, ms. */
export interface PolicyOptions {
  readonly groupWaitMs: number;
  /** Default 30 s. */
  readonly groupIntervalMs?: number;
  readonly dedupWindowMs: number;
  readonly repeatIntervalMs: number;
}

/** Defaults: group wait 3 s, dedup window 5 min, repeat 4 h (Alertmanager's repeat_interval default). */
export const DEFAULT_POLICY_OPTIONS: PolicyOptions = Object.freeze({
  groupWaitMs: DEFAULT_INCIDENT_SETTINGS.groupWait,
  dedupWindowMs: DEFAULT_INCIDENT_SETTINGS.dedupWindow,
  repeatIntervalMs: DEFAULT_INCIDENT_SETTINGS.repeatInterval,
});

/** A notification to hand to the outbox. */
export interface NotificationIntent {
  readonly receiver: string;
  readonly incidentId: string;
  readonly kind: 'firing' | 'resolved' | 'acknowledged';
  readonly severity: AlertSeverity;
  /** 1 for the first firing notification of a severity, +1 per repeat. */
  readonly sequence: number;
  /** Stable over retries and restarts: the same intent always has the same key. */
  readonly idempotencyKey: string;
}

/** What the policy remembers per (incident, receiver). */
export interface ReceiverState {
  readonly receiver: string;
  firingSeverity: AlertSeverity | null;
  firingAtMs: number;
  sequence: number;
  resolvedSent: boolean;
  ackSent: boolean;
  deduplicated: boolean;
  silenced: boolean;
  /** Nodes and components of the incident at the last firing notification (sorted, comma-separated). */
  scope?: string;
}

/** Counters of what the policy held back. */
export interface PolicyCounters {
  silenced: number;
  deduplicated: number;
}

/** The idempotency key of an intent: 32 hex digits of SHA-256 over its identity. */
export function idempotencyKey(
  incidentId: string,
  receiver: string,
  kind: string,
  severity: string,
  sequence: number,
): string {
  return createHash('sha256')
    .update(`${incidentId}|${receiver}|${kind}|${severity}|${sequence}`)
    .digest('hex')
    .slice(0, 32);
}

/** The nodes and components of an incident, sorted (`node:node-1,component:amst,...`). */
function scopeOf(i: Incident): string {
  const parts = new Set<string>();
  for (const s of i.signals) {
    if (s.node !== null) parts.add(`node:${s.node}`);
    parts.add(`component:${s.component}`);
  }
  return [...parts].sort().join(',');
}

function isSubset(scope: string, of: string): boolean {
  const have = new Set(of.split(','));
  return scope.split(',').every((p) => p === '' || have.has(p));
}

/** Remembered fingerprints at most (deduplication). */
const MAX_RECENT = 10_000;

/** Escalation, group wait, dedup, repeat, silences and acknowledgements (see the module comment). */
export class DeliveryPolicy {
  private readonly state = new Map<string, Map<string, ReceiverState>>();
  private readonly recent = new Map<string, number>();
  readonly counters: PolicyCounters = { silenced: 0, deduplicated: 0 };

  constructor(
    private receivers: readonly ReceiverPolicy[],
    private readonly opts: PolicyOptions = DEFAULT_POLICY_OPTIONS,
  ) {}

  /** Replaces the receivers (state of receivers that stay is kept). */
  setReceivers(receivers: readonly ReceiverPolicy[]): void {
    this.receivers = receivers;
  }

  private stateOf(incidentId: string, receiver: string): ReceiverState {
    let m = this.state.get(incidentId);
    if (!m) {
      m = new Map();
      this.state.set(incidentId, m);
    }
    let s = m.get(receiver);
    if (!s) {
      s = {
        receiver,
        firingSeverity: null,
        firingAtMs: 0,
        sequence: 0,
        resolvedSent: false,
        ackSent: false,
        deduplicated: false,
        silenced: false,
      };
      m.set(receiver, s);
    }
    return s;
  }

  private intent(
    i: Incident,
    r: ReceiverPolicy,
    kind: NotificationIntent['kind'],
    sequence: number,
  ): NotificationIntent {
    return {
      receiver: r.name,
      incidentId: i.id,
      kind,
      severity: i.severity,
      sequence,
      idempotencyKey: idempotencyKey(i.id, r.name, kind, i.severity, sequence),
    };
  }

  private dedupKey(i: Incident, r: ReceiverPolicy): string {
    const rest = Object.fromEntries(Object.entries(i.labels).filter(([k]) => k !== 'incident'));
    return `${r.name}\u0000${labelsFingerprint(rest)}`;
  }

  /**
   * The notifications due at `nowMs` for `incidents` (open ones, and resolved ones not yet notified as such).
   * @param severitySinceMs when each incident reached its current severity
   */
  decide(
    incidents: readonly Incident[],
    silences: readonly ActiveSilence[],
    nowMs: number,
    severitySinceMs: (id: string) => number,
  ): NotificationIntent[] {
    for (const [k, t] of this.recent) {
      if (nowMs - t < this.opts.dedupWindowMs) break;
      this.recent.delete(k);
    }
    const out: NotificationIntent[] = [];
    for (const i of incidents) {
      for (const r of this.receivers) {
        const st = this.stateOf(i.id, r.name);
        if (i.status === 'resolved') {
          if (st.firingSeverity !== null && !st.resolvedSent && !st.deduplicated) {
            st.resolvedSent = true;
            out.push(this.intent(i, r, 'resolved', st.sequence));
          }
          continue;
        }
        if (i.acknowledgement !== null) {
          if (r.type === 'pagerduty' && st.firingSeverity !== null && !st.ackSent && !st.deduplicated) {
            st.ackSent = true;
            out.push(this.intent(i, r, 'acknowledged', st.sequence));
          }
          continue;
        }
        const delay = r.escalation[i.severity];
        if (delay === null) continue;
        const already =
          st.firingSeverity !== null && alertSeverityRank(st.firingSeverity) >= alertSeverityRank(i.severity);
        const scope = scopeOf(i);
        if (already) {
          const grown =
            st.scope !== undefined &&
            !isSubset(scope, st.scope) &&
            nowMs - st.firingAtMs >= (this.opts.groupIntervalMs ?? 30_000);
          if (st.deduplicated || (!grown && nowMs - st.firingAtMs < this.opts.repeatIntervalMs)) continue;
        } else if (nowMs < severitySinceMs(i.id) + Math.max(this.opts.groupWaitMs, delay)) continue;
        if (silencedBy(i.labels, silences, nowMs).length > 0) {
          if (!st.silenced) this.counters.silenced++;
          st.silenced = true;
          continue;
        }
        st.silenced = false;
        const dk = this.dedupKey(i, r);
        const last = this.recent.get(dk);
        if (
          !already &&
          st.firingSeverity === null &&
          last !== undefined &&
          nowMs - last < this.opts.dedupWindowMs
        ) {
          st.deduplicated = true;
          st.firingSeverity = i.severity;
          st.firingAtMs = nowMs;
          this.counters.deduplicated++;
          continue;
        }
        st.sequence = already ? st.sequence + 1 : st.firingSeverity === null ? 1 : st.sequence + 1;
        st.firingSeverity = i.severity;
        st.firingAtMs = nowMs;
        st.scope = scope;
        st.ackSent = false;
        this.recent.delete(dk);
        this.recent.set(dk, nowMs);
        while (this.recent.size > MAX_RECENT) this.recent.delete(this.recent.keys().next().value!);
        out.push(this.intent(i, r, 'firing', st.sequence));
      }
    }
    return out;
  }

  /** Forgets an incident (after its resolved notifications were handed over). */
  forget(incidentId: string): void {
    this.state.delete(incidentId);
  }

  /** Incidents with state (bounded by the open incidents plus those resolving). */
  get size(): number {
    return this.state.size;
  }

  /** The state of one incident, for saving with it. */
  exportState(incidentId: string): ReceiverState[] {
    return [...(this.state.get(incidentId)?.values() ?? [])].map((s) => ({ ...s }));
  }

  /** Takes back saved state of an incident. */
  importState(incidentId: string, states: readonly ReceiverState[]): void {
    const m = new Map<string, ReceiverState>();
    for (const s of states) m.set(s.receiver, { ...s });
    this.state.set(incidentId, m);
  }
}
