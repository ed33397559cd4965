/**
 * Correlates signals (anomalies and rule alerts) into incidents, online, in time order. A new signal joins:
 * 1. the latest open incident on its node that is still active (a member has not resolved), when the signal's
 *    component is a member's or related to one in the DWCP dependency graph (one upstream of the other), or the
 *    signal starts within `cascadeWindowMs` of the incident's first signal (evidence of one cascade: a fault
 *    moves the series it touches at once); any other signal is a new problem on the same node, its own incident,
 *    even while the first one's signals still deviate (two faults overlapping on one node are paged apart);
 * 2. else the latest incident on its node whose members all resolved at most `reopenWindowMs` ago, when the
 *    signal's component is a member's or depends on one (a signal that follows the recovery closely is an
 *    after-effect of the same problem; a problem in a component upstream of every member that starts after
 *    they all recovered can neither have caused them nor be caused by them: a new problem, its own incident);
 * 3. else an incident in the same region, on another node or none, that has a member with the same metric or
 *    alert name started at most `regionWindowMs` apart (one cause seen on several nodes of a region at once);
 *    a signal without a node joins an active incident of its region whose component is related to its own;
 * 4. else it opens a new incident.
 * An incident resolves `reopenWindowMs` after its last member resolved (so a late joiner can still reopen it);
 * its severity is the highest of its members'. Pure: time comes in with each call; ids from `newId`; bounded
 * (open incidents, members per incident, resolved incidents kept).
 */
import {
  alertSeverityRank,
  type Acknowledgement,
  type AlertSeverity,
  type Incident,
  type IncidentSignal,
} from '../../contract/alerting.ts';
import { NotFoundError } from '../../errors.ts';
import { dependsOn, related, upstreamFirst } from './dependencies.ts';
import { rankRootCauses } from './root-cause.ts';

/** Options of {@link Correlator}. Durations in ms. */
export interface CorrelatorOptions {
  /** Default 5000. */
  readonly reopenWindowMs?: number;
  /** Default 5000. */
  readonly regionWindowMs?: number;
  /**
   * A signal of a component unrelated to every member of an active incident on its node joins it only when it
   * starts at most this long after (or before) the incident's first signal. Default 5000.
   */
  readonly cascadeWindowMs?: number;
  /** Open incidents at most (default 1000); beyond it the oldest open incident is resolved (counted). */
  readonly maxOpen?: number;
  /** Member signals per incident at most (default 200; later ones are counted in `droppedSignals`). */
  readonly maxSignalsPerIncident?: number;
  /** Resolved incidents kept in memory (default 500; the alerting store keeps more). */
  readonly maxResolved?: number;
  /** After a restart, restored members count as active this long, then as resolved (default 2 min). */
  readonly restoreGraceMs?: number;
  /** New incident ids (unique). */
  readonly newId: () => string;
  /** The `alertname` label of incidents (default `DWCPIncident`). */
  readonly alertName?: string;
}

interface Rec {
  id: string;
  status: 'firing' | 'resolved';
  severity: AlertSeverity;
  /** When the incident reached its current severity. */
  severitySinceMs: number;
  labels: Record<string, string>;
  startedAtMs: number;
  updatedAtMs: number;
  resolvedAtMs: number | null;
  lastMemberAtMs: number;
  signals: Map<string, IncidentSignal>;
  dropped: number;
  ack: Acknowledgement | null;
  notified: Set<string>;
  restoredUntilMs: number | null;
}

/** Default `alertname` of incident alerts. */
export const INCIDENT_ALERT_NAME = 'DWCPIncident';

function maxSeverity(a: AlertSeverity, b: AlertSeverity): AlertSeverity {
  return alertSeverityRank(a) >= alertSeverityRank(b) ? a : b;
}

/** Online correlation of signals into incidents (see the module comment). */
export class Correlator {
  private readonly o: Required<CorrelatorOptions>;
  private readonly open = new Map<string, Rec>();
  private readonly resolved = new Map<string, Rec>();
  private readonly bySignal = new Map<string, string>();
  private evicted = 0;
  private created: AlertSeverity[] = [];

  constructor(opts: CorrelatorOptions) {
    this.o = {
      reopenWindowMs: 5000,
      regionWindowMs: 5000,
      cascadeWindowMs: 5_000,
      maxOpen: 1000,
      maxSignalsPerIncident: 200,
      maxResolved: 500,
      restoreGraceMs: 120_000,
      alertName: INCIDENT_ALERT_NAME,
      ...opts,
    };
  }

  /** Open incidents resolved early because `maxOpen` was reached, since creation. */
  get evictedCount(): number {
    return this.evicted;
  }

  /** Severities of the incidents created since the last call (at most 10,000 are remembered). */
  drainCreated(): AlertSeverity[] {
    const out = this.created;
    this.created = [];
    return out;
  }

  /** Open incidents now. */
  get openCount(): number {
    return this.open.size;
  }

  private active(r: Rec, nowMs: number): boolean {
    if (r.restoredUntilMs !== null && nowMs < r.restoredUntilMs) return true;
    for (const s of r.signals.values()) if (s.resolvedAtMs === null) return true;
    return false;
  }

  private lastResolvedMs(r: Rec): number {
    let t = -Infinity;
    for (const s of r.signals.values()) if (s.resolvedAtMs !== null && s.resolvedAtMs > t) t = s.resolvedAtMs;
    return Math.max(t, r.restoredUntilMs ?? -Infinity);
  }

  private pick(s: IncidentSignal, nowMs: number): Rec | undefined {
    const byRecency = [...this.open.values()].sort((a, b) => b.lastMemberAtMs - a.lastMemberAtMs);
    if (s.node !== null) {
      for (const r of byRecency) {
        if (!this.nodes(r).has(s.node)) continue;
        if (this.active(r, nowMs)) {
          const cascade = Math.abs(s.startedAtMs - r.startedAtMs) <= this.o.cascadeWindowMs;
          if (cascade || [...r.signals.values()].some((m) => related(m.component, s.component))) return r;
          continue;
        }
        if (s.startedAtMs - this.lastResolvedMs(r) <= this.o.reopenWindowMs && this.canFollow(r, s)) return r;
      }
    }
    if (s.region === null) return undefined;
    for (const r of byRecency) {
      if (!this.regions(r).has(s.region)) continue;
      if (s.node === null) {
        if (this.active(r, nowMs) && [...r.signals.values()].some((m) => related(m.component, s.component)))
          return r;
        continue;
      }
      for (const m of r.signals.values()) {
        if (m.name === s.name && Math.abs(m.startedAtMs - s.startedAtMs) <= this.o.regionWindowMs) return r;
      }
    }
    return undefined;
  }

  /** Whether `s` can be an after-effect of `r`'s members: its component is a member's or downstream of one. */
  private canFollow(r: Rec, s: IncidentSignal): boolean {
    for (const m of r.signals.values()) if (dependsOn(s.component, m.component)) return true;
    return false;
  }

  private nodes(r: Rec): Set<string> {
    const out = new Set<string>();
    for (const s of r.signals.values()) if (s.node !== null) out.add(s.node);
    return out;
  }

  private regions(r: Rec): Set<string> {
    const out = new Set<string>();
    for (const s of r.signals.values()) if (s.region !== null) out.add(s.region);
    return out;
  }

  private create(s: IncidentSignal, nowMs: number): Rec {
    if (this.open.size >= this.o.maxOpen) {
      const oldest = [...this.open.values()].sort((a, b) => a.updatedAtMs - b.updatedAtMs)[0]!;
      this.evicted++;
      this.close(oldest, nowMs);
    }
    const labels: Record<string, string> = {
      alertname: this.o.alertName,
      component: s.component,
      incident: '',
      root_cause: s.name,
      severity: s.severity,
    };
    if (s.node !== null) labels.node = s.node;
    if (s.region !== null) labels.region = s.region;
    const r: Rec = {
      id: this.o.newId(),
      status: 'firing',
      severity: s.severity,
      severitySinceMs: nowMs,
      labels,
      startedAtMs: s.startedAtMs,
      updatedAtMs: nowMs,
      resolvedAtMs: null,
      lastMemberAtMs: s.startedAtMs,
      signals: new Map(),
      dropped: 0,
      ack: null,
      notified: new Set(),
      restoredUntilMs: null,
    };
    r.labels.incident = r.id;
    this.open.set(r.id, r);
    if (this.created.length < 10_000) this.created.push(s.severity);
    return r;
  }

  /**
   * Adds a signal (or updates it when its key is known) and returns the id of its incident.
   * A signal whose incident already resolved and left memory opens a new incident.
   */
  addSignal(s: IncidentSignal, nowMs: number): string {
    const known = this.bySignal.get(s.key);
    const existing = known === undefined ? undefined : this.open.get(known);
    if (existing) {
      existing.signals.set(s.key, s);
      this.bump(existing, s, nowMs);
      return existing.id;
    }
    const r = this.pick(s, nowMs) ?? this.create(s, nowMs);
    if (r.signals.size >= this.o.maxSignalsPerIncident) r.dropped++;
    else {
      r.signals.set(s.key, s);
      this.bySignal.set(s.key, r.id);
    }
    r.lastMemberAtMs = Math.max(r.lastMemberAtMs, s.startedAtMs);
    r.startedAtMs = Math.min(r.startedAtMs, s.startedAtMs);
    this.bump(r, s, nowMs);
    return r.id;
  }

  private bump(r: Rec, s: IncidentSignal, nowMs: number): void {
    r.updatedAtMs = nowMs;
    const sev = maxSeverity(r.severity, s.severity);
    if (sev !== r.severity) {
      r.severity = sev;
      r.severitySinceMs = nowMs;
      r.labels.severity = sev;
    }
  }

  /**
   * Marks a member signal resolved, with why it ended (`resolution`, e.g. `new level accepted`); returns its
   * incident id, or null for an unknown key.
   */
  resolveSignal(key: string, resolvedAtMs: number, nowMs: number, resolution?: string): string | null {
    const id = this.bySignal.get(key);
    const r = id === undefined ? undefined : this.open.get(id);
    const s = r?.signals.get(key);
    if (!r || !s) return null;
    r.signals.set(key, { ...s, resolvedAtMs, ...(resolution !== undefined ? { resolution } : {}) });
    r.updatedAtMs = nowMs;
    return r.id;
  }

  private close(r: Rec, nowMs: number): void {
    r.status = 'resolved';
    for (const [k, s] of r.signals) {
      if (s.resolvedAtMs === null) r.signals.set(k, { ...s, resolvedAtMs: nowMs });
      this.bySignal.delete(k);
    }
    r.resolvedAtMs = Math.min(nowMs, Math.max(this.lastResolvedMs(r), r.startedAtMs));
    r.updatedAtMs = nowMs;
    this.open.delete(r.id);
    this.resolved.set(r.id, r);
    while (this.resolved.size > this.o.maxResolved) this.resolved.delete(this.resolved.keys().next().value!);
  }

  /** Resolves incidents whose members all resolved at least `reopenWindowMs` ago; returns their ids. */
  tick(nowMs: number): string[] {
    const out: string[] = [];
    for (const r of [...this.open.values()]) {
      if (r.restoredUntilMs !== null && nowMs >= r.restoredUntilMs) {
        for (const [k, s] of r.signals)
          if (s.resolvedAtMs === null) r.signals.set(k, { ...s, resolvedAtMs: r.restoredUntilMs });
        r.restoredUntilMs = null;
      }
      if (!this.active(r, nowMs) && nowMs - this.lastResolvedMs(r) >= this.o.reopenWindowMs) {
        this.close(r, nowMs);
        out.push(r.id);
      }
    }
    return out;
  }

  private snapshot(r: Rec): Incident {
    const signals = [...r.signals.values()].sort(
      (a, b) => a.startedAtMs - b.startedAtMs || (a.key < b.key ? -1 : 1),
    );
    const rootCause = rankRootCauses(signals);
    const nodes = this.nodes(r);
    const regions = this.regions(r);
    const top = rootCause[0];
    const more = signals.length - 1;
    const where =
      nodes.size === 1
        ? ` on ${[...nodes][0]}`
        : nodes.size > 1
          ? ` on ${nodes.size} nodes`
          : regions.size === 1
            ? ` in ${[...regions][0]}`
            : '';
    return {
      id: r.id,
      status: r.status,
      severity: r.severity,
      title: `${top ? `${top.name} (${top.component})` : 'incident'}${more > 0 ? ` and ${more} more signal${more > 1 ? 's' : ''}` : ''}${where}`,
      node: nodes.size === 1 ? [...nodes][0]! : null,
      region: regions.size === 1 ? [...regions][0]! : null,
      components: upstreamFirst(signals.map((s) => s.component)),
      labels: { ...r.labels },
      startedAtMs: r.startedAtMs,
      updatedAtMs: r.updatedAtMs,
      resolvedAtMs: r.resolvedAtMs,
      rootCause,
      signals,
      droppedSignals: r.dropped,
      acknowledgement: r.ack,
      notifiedReceivers: [...r.notified].sort(),
    };
  }

  private rec(id: string): Rec {
    const r = this.open.get(id) ?? this.resolved.get(id);
    if (!r) throw new NotFoundError(`incident ${id} not found`);
    return r;
  }

  /** The incident with this id (open or among the resolved ones kept), or undefined. */
  get(id: string): Incident | undefined {
    const r = this.open.get(id) ?? this.resolved.get(id);
    return r ? this.snapshot(r) : undefined;
  }

  /** When the incident reached its current severity (Unix ms). @throws NotFoundError for an unknown id. */
  severitySince(id: string): number {
    return this.rec(id).severitySinceMs;
  }

  /** Open incidents, newest first. */
  openIncidents(): Incident[] {
    return [...this.open.values()].sort((a, b) => b.startedAtMs - a.startedAtMs).map((r) => this.snapshot(r));
  }

  /** Open and kept resolved incidents, newest first, those `keep` accepts (default all), at most `limit`. */
  list(limit: number, keep?: (i: Incident) => boolean): Incident[] {
    const sorted = [...this.open.values(), ...this.resolved.values()].sort(
      (a, b) => b.startedAtMs - a.startedAtMs,
    );
    if (keep === undefined) return sorted.slice(0, limit).map((r) => this.snapshot(r));
    const out: Incident[] = [];
    for (const r of sorted) {
      if (out.length >= limit) break;
      const i = this.snapshot(r);
      if (keep(i)) out.push(i);
    }
    return out;
  }

  /** Records who acknowledged the incident. @throws NotFoundError for an unknown id. */
  acknowledge(id: string, ack: Acknowledgement): Incident {
    const r = this.rec(id);
    r.ack = ack;
    r.updatedAtMs = Math.max(r.updatedAtMs, ack.atMs);
    return this.snapshot(r);
  }

  /** Removes the acknowledgement (undo). @throws NotFoundError for an unknown id. */
  unacknowledge(id: string, nowMs: number): Incident {
    const r = this.rec(id);
    r.ack = null;
    r.updatedAtMs = nowMs;
    return this.snapshot(r);
  }

  /** Notes that a firing notification of the incident was handed to `receiver`. */
  markNotified(id: string, receiver: string): void {
    const r = this.open.get(id) ?? this.resolved.get(id);
    r?.notified.add(receiver);
  }

  /**
   * Takes back incidents saved before a restart. Open ones keep correlating; their members count as active for
   * `restoreGraceMs` (the anomalies behind them are not reopened by a restarted detector), then as resolved.
   */
  restore(incidents: readonly Incident[], nowMs: number): void {
    for (const i of incidents) {
      const r: Rec = {
        id: i.id,
        status: i.status,
        severity: i.severity,
        severitySinceMs: i.updatedAtMs,
        labels: { ...i.labels },
        startedAtMs: i.startedAtMs,
        updatedAtMs: i.updatedAtMs,
        resolvedAtMs: i.resolvedAtMs,
        lastMemberAtMs: Math.max(...i.signals.map((s) => s.startedAtMs), i.startedAtMs),
        signals: new Map(i.signals.map((s) => [s.key, s])),
        dropped: i.droppedSignals,
        ack: i.acknowledgement,
        notified: new Set(i.notifiedReceivers),
        restoredUntilMs: i.status === 'firing' ? nowMs + this.o.restoreGraceMs : null,
      };
      if (r.status === 'firing') {
        if (this.open.size >= this.o.maxOpen) continue;
        this.open.set(r.id, r);
        for (const k of r.signals.keys()) this.bySignal.set(k, r.id);
      } else {
        this.resolved.set(r.id, r);
        while (this.resolved.size > this.o.maxResolved)
          this.resolved.delete(this.resolved.keys().next().value!);
      }
    }
  }
}
