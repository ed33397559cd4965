/**
 * Which incident alerts to send to Alertmanager now, as Prometheus sends its alerts: a firing alert is sent
 * when it is new, when its labels changed (the old label set is sent once more as ended), and again every
 * `resendDelayMs`, each time with `endsAt = now + 4 × max(resendDelay, interval)` so Alertmanager resolves it by
 * itself if the monitor stops sending; a resolved alert is sent with `endsAt` = its resolution time, and resent
 * for `resolvedRetentionMs` (15 min). Pure: incidents and time in, alerts out; `markSent` records a success.
 * @see https://prometheus.io/docs/alerting/latest/clients/ (API v2 alert fields, resending)
 * @see https://github.com/prometheus/prometheus/blob/main/rules/alerting.go (resolvedRetention, resendDelay)
 */
import type { Incident } from '../../contract/alerting.ts';
import { incidentUrl } from '../delivery/incident-text.ts';
import { incidentAnnotations } from '../delivery/webhook-message.ts';

/** One alert of `POST /api/v2/alerts`. */
export interface PostableAlert {
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
  readonly startsAt: string;
  readonly endsAt: string;
  readonly generatorURL: string;
}

/** Options of {@link AlertmanagerForwarder}. Durations in ms. */
export interface ForwarderOptions {
  readonly resendDelayMs: number;
  /** How often `due` is called. */
  readonly intervalMs: number;
  readonly externalUrl: string;
  /** Default 15 min. */
  readonly resolvedRetentionMs?: number;
}

interface Sent {
  lastSentMs: number;
  labelsKey: string;
  resolvedSent: boolean;
}

function keyOf(l: Readonly<Record<string, string>>): string {
  return JSON.stringify(Object.entries(l).sort(([a], [b]) => (a < b ? -1 : 1)));
}

/** The resend logic (see the module comment). Memory: one entry per open or recently resolved incident. */
export class AlertmanagerForwarder {
  private readonly sent = new Map<string, Sent>();
  private pending = new Map<string, Sent>();
  private readonly o: Required<ForwarderOptions>;

  constructor(opts: ForwarderOptions) {
    this.o = { resolvedRetentionMs: 15 * 60_000, ...opts };
  }

  /** The alerts to post at `nowMs` for these incidents (open ones and resolved ones). */
  due(incidents: readonly Incident[], nowMs: number): PostableAlert[] {
    const out: PostableAlert[] = [];
    this.pending = new Map();
    const endsFiring = new Date(nowMs + 4 * Math.max(this.o.resendDelayMs, this.o.intervalMs)).toISOString();
    const live = new Set<string>();
    for (const i of incidents) {
      live.add(i.id);
      const s = this.sent.get(i.id);
      const labelsKey = keyOf(i.labels);
      const base = {
        annotations: incidentAnnotations(i, this.o.externalUrl),
        startsAt: new Date(i.startedAtMs).toISOString(),
        generatorURL: incidentUrl(i, this.o.externalUrl),
      };
      if (s && s.labelsKey !== labelsKey && !s.resolvedSent) {
        out.push({
          ...base,
          labels: Object.fromEntries(JSON.parse(s.labelsKey) as [string, string][]),
          endsAt: new Date(nowMs).toISOString(),
        });
      }
      if (i.status === 'firing') {
        if (s && s.labelsKey === labelsKey && nowMs - s.lastSentMs < this.o.resendDelayMs) continue;
        out.push({ ...base, labels: i.labels, endsAt: endsFiring });
        this.pending.set(i.id, { lastSentMs: nowMs, labelsKey, resolvedSent: false });
        continue;
      }
      const resolvedAt = i.resolvedAtMs ?? nowMs;
      if (nowMs - resolvedAt > this.o.resolvedRetentionMs) continue;
      if (s?.resolvedSent && nowMs - s.lastSentMs < this.o.resendDelayMs) continue;
      if (!s && nowMs - resolvedAt > this.o.resendDelayMs) continue;
      out.push({ ...base, labels: i.labels, endsAt: new Date(resolvedAt).toISOString() });
      this.pending.set(i.id, { lastSentMs: nowMs, labelsKey, resolvedSent: true });
    }
    for (const id of this.sent.keys()) if (!live.has(id)) this.sent.delete(id);
    return out;
  }

  /** Records that the alerts of the last `due` call were accepted. */
  markSent(): void {
    for (const [id, s] of this.pending) this.sent.set(id, s);
    this.pending = new Map();
  }

  /** Incidents remembered (bounded by the incidents passed to `due`). */
  get size(): number {
    return this.sent.size;
  }
}
