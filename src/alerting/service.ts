/**
 * Alerting in the running monitor: takes anomalies (from the anomaly sink) and samples (from the pipeline),
 * evaluates the rules on a timer, correlates everything into incidents (`flow.ts`) and notifies once per
 * incident — through Alertmanager's API v2 when `alerting.alertmanager` is configured (routing, grouping,
 * inhibition and silences are then Alertmanager's), else through the built-in receivers via the durable outbox.
 * Incidents and the delivery state are saved, so a restart resumes without notifying again; silences and
 * acknowledgements are stored. Every timer is unref'd and stopped by `stop()`.
 */
import { randomUUID } from 'node:crypto';
import { WarnGate } from '../model/warn-gate.ts';
import type {
  Acknowledgement,
  AcknowledgeInput,
  DeliveryHealth,
  Incident,
  RulesOverview,
  Silence,
} from '../contract/alerting.ts';
import { NotFoundError } from '../errors.ts';
import type { Anomaly } from '../model/anomaly.ts';
import type { Sample } from '../model/sample.ts';
import { ALL_NODES, allowsNode, type TenantScope } from '../model/tenant-scope.ts';
import { AlertmanagerForwarder } from './alertmanager/forwarder.ts';
import { AlertmanagerSenders } from './alertmanager/senders.ts';
import type { AlertingSettings, ReceiverType } from '../model/alerting-settings.ts';
import { allReceivers, receiverPolicies } from './receivers.ts';
import type { NotificationIntent } from './delivery/policy.ts';
import { renderNotification } from './delivery/render.ts';
import { compileSilences, parseSilenceInput, type ActiveSilence } from './delivery/silences.ts';
import { transportFor, type Transport } from './delivery/transport.ts';
import { IncidentFlow } from './flow.ts';
import { DEFAULT_ANOMALY_SEVERITY } from './incidents/signals.ts';
import type { AlertingMetrics } from './metrics.ts';
import { OutboxDeliverer, type DeliveryLog } from './outbox/deliverer.ts';
import { OutboxStore, type OutboxEntry } from './outbox/outbox-store.ts';
import { RuleManager } from './rules/manager.ts';
import { SeriesWindow } from './rules/series-window.ts';
import { AlertingStore } from './store/alerting-store.ts';
import type { AlertingDb } from './store/open.ts';

/** Options of {@link AlertingService}. */
export interface AlertingServiceOptions {
  readonly config: AlertingSettings;
  readonly db: AlertingDb;
  readonly clock: () => number;
  readonly log: DeliveryLog & { error(fields: Record<string, unknown>, msg: string): void };
  readonly metrics: AlertingMetrics;
  /** Duration grammar of rule files. */
  readonly parseDuration: (text: string) => number;
  /** Open anomalies (for `anomaly` rule conditions). */
  readonly openAnomalies: () => readonly Anomaly[];
  /** Base URL of the web page (links in notifications). */
  readonly externalUrl: string;
  /** Scrape interval (sizes the rule series window). */
  readonly scrapeIntervalMs: number;
  /** Series the rule window keeps at most. */
  readonly maxSeries: number;
  /** Transports by receiver name (tests); default from the configuration. */
  readonly transports?: ReadonlyMap<string, Transport>;
  /** Step interval (default 1 s). */
  readonly stepIntervalMs?: number;
  /** Start an outbox pass as soon as notifications are enqueued (default true; the evaluator drives passes itself). */
  readonly deliverOnEnqueue?: boolean;
}

const MAINTENANCE_MS = 60_000;
const SILENCE_HISTORY_MS = 7 * 86_400_000;
const MAX_RETRY_ENTRIES = 10_000;

/** The monitor's alerting (see the module comment). */
export class AlertingService {
  private readonly o: AlertingServiceOptions;
  readonly flow: IncidentFlow;
  readonly rules: RuleManager;
  readonly window: SeriesWindow;
  private readonly store: AlertingStore;
  private readonly outbox: OutboxStore;
  private readonly deliverer: OutboxDeliverer | null;
  private readonly forwarder: AlertmanagerForwarder | null;
  private readonly transports: Map<string, Transport>;
  private readonly receiverTypes: Map<string, ReceiverType>;
  private silences: ActiveSilence[] = [];
  private readonly amSenders: AlertmanagerSenders;
  private retry: OutboxEntry[] = [];
  private timers: NodeJS.Timeout[] = [];
  private inFlight = new Map<string, Promise<void>>();
  private reportedSuppressed = { silenced: 0, deduplicated: 0 };
  /** One `outbox full` warning per receiver per minute. */
  private readonly dropWarnings = new WarnGate();

  constructor(opts: AlertingServiceOptions) {
    this.o = opts;
    const c = opts.config;
    const useAm = c.alertmanager !== undefined;
    const receivers = useAm ? [] : allReceivers(c);
    this.flow = new IncidentFlow({
      correlation: {
        newId: () => randomUUID(),
        reopenWindowMs: c.incidents.reopenWindow,
        regionWindowMs: c.incidents.regionWindow,
        cascadeWindowMs: c.incidents.cascadeWindow,
      },
      receivers: useAm ? [] : receiverPolicies(c),
      policy: {
        groupWaitMs: c.incidents.groupWait,
        groupIntervalMs: c.incidents.groupInterval,
        dedupWindowMs: c.incidents.dedupWindow,
        repeatIntervalMs: c.incidents.repeatInterval,
      },
      anomalySeverity: {
        ...DEFAULT_ANOMALY_SEVERITY,
        ...Object.fromEntries(Object.entries(c.incidents.anomalySeverity).filter(([, v]) => v !== undefined)),
      },
    });
    this.rules = new RuleManager(c.rules.files, { parseDuration: opts.parseDuration });
    this.window = new SeriesWindow({
      maxSeries: opts.maxSeries,
      maxPointsPerSeries: 1024,
      scrapeIntervalMs: opts.scrapeIntervalMs,
    });
    this.store = new AlertingStore(opts.db.db);
    this.outbox = new OutboxStore(opts.db.db, c.outbox.maxRows);
    this.transports = new Map(opts.transports ?? receivers.map((r) => [r.name, transportFor(r)]));
    this.receiverTypes = new Map(receivers.map((r) => [r.name, r.type]));
    this.deliverer = useAm
      ? null
      : new OutboxDeliverer({
          store: this.outbox,
          transport: (r) => this.transports.get(r),
          receiverType: (r) => this.receiverTypes.get(r) ?? 'webhook',
          clock: opts.clock,
          maxAgeMs: c.outbox.maxAge,
          initialBackoffMs: c.outbox.initialBackoff,
          maxBackoffMs: c.outbox.maxBackoff,
          metrics: opts.metrics,
          log: opts.log,
        });
    for (const r of receivers) this.deliverer?.register(r.name);
    this.amSenders = new AlertmanagerSenders({ clock: opts.clock, log: opts.log, metrics: opts.metrics });
    this.forwarder = useAm
      ? new AlertmanagerForwarder({
          resendDelayMs: c.alertmanager!.resendDelay,
          intervalMs: opts.stepIntervalMs ?? 1000,
          externalUrl: opts.externalUrl,
        })
      : null;
  }

  /** `alertmanager`, `builtin` (receivers configured) or `none`. */
  get mode(): DeliveryHealth['mode'] {
    return this.forwarder ? 'alertmanager' : this.transports.size > 0 ? 'builtin' : 'none';
  }

  /**
   * Restores saved incidents, loads silences and the rule files, delivers what the outbox still holds, and
   * starts the timers (step every second, rules every `rules.interval`, maintenance every minute).
   * @throws FileValidationError when a rule file is invalid (nothing is started); StoreError on database errors
   */
  async start(): Promise<void> {
    await this.restore();
    this.startTimers();
  }

  /**
   * Restores saved incidents, loads silences and the rule files (no timers: `start` = restore + timers; the
   * evaluator drives `step`/`deliverNow` itself on a virtual clock).
   * @throws FileValidationError when a rule file is invalid; StoreError on database errors
   */
  async restore(): Promise<void> {
    const now = this.o.clock();
    this.flow.restore(await this.store.loadIncidents(10_000, 'firing'), now);
    this.flow.correlator.restore(
      (await this.store.loadIncidents(200, 'resolved')).map((s) => s.incident),
      now,
    );
    await this.refreshSilences();
    if (this.o.config.rules.files.length > 0) {
      this.rules.load(now);
      this.window.setNeeds(this.rules.needs());
      this.o.metrics.rulesLoaded(this.rules.engine.size);
    }
  }

  private startTimers(): void {
    this.deliverer?.start();
    this.deliverer?.kick();
    const every = (ms: number, name: string, f: () => Promise<void>) => {
      const t = setInterval(() => {
        if (this.inFlight.has(name)) return;
        const p = f()
          .catch((e: unknown) => this.o.log.error({ err: e }, `alerting ${name} failed`))
          .finally(() => this.inFlight.delete(name));
        this.inFlight.set(name, p);
      }, ms);
      t.unref();
      this.timers.push(t);
    };
    every(this.o.stepIntervalMs ?? 1000, 'step', () => this.step());
    if (this.o.config.rules.files.length > 0)
      every(this.o.config.rules.interval, 'rule evaluation', () => Promise.resolve(this.evaluateRules()));
    every(MAINTENANCE_MS, 'maintenance', () => this.maintain());
  }

  /** Samples the pipeline admitted (kept only for metrics rules select). */
  admitSamples(samples: readonly Sample[]): void {
    this.window.add(samples);
  }

  /** Anomalies that opened and resolved (from the anomaly sink). */
  onAnomalies(opened: readonly Anomaly[], resolved: readonly Anomaly[]): void {
    this.flow.anomalies(opened, resolved, this.o.clock());
  }

  /** Evaluates every rule now. */
  evaluateRules(): void {
    const now = this.o.clock();
    const t0 = performance.now();
    const res = this.rules.engine.evaluate(this.window, this.o.openAnomalies(), now);
    this.flow.ruleAlerts(res.fired, res.resolved, now);
    this.o.metrics.ruleEvaluation((performance.now() - t0) / 1000);
    this.window.prune(now, Math.max(10 * 60_000, 2 * this.rules.longestWindowMs()));
  }

  /**
   * Reloads the rule files (SIGHUP, POST /api/alerting/rules/reload).
   * @throws FileValidationError listing every problem; the running rules stay
   */
  reloadRules(): RulesOverview {
    const now = this.o.clock();
    try {
      const gone = this.rules.load(now);
      this.window.setNeeds(this.rules.needs());
      this.flow.ruleAlerts([], gone, now);
      this.o.metrics.rulesReload(true);
      this.o.metrics.rulesLoaded(this.rules.engine.size);
    } catch (e) {
      this.o.metrics.rulesReload(false);
      throw e;
    }
    return this.rules.overview();
  }

  /** One step: resolve quiet incidents, decide and hand over notifications, save what changed. */
  async step(): Promise<void> {
    const now = this.o.clock();
    const { intents, changed } = this.flow.step(now, this.silences);
    for (const severity of this.flow.correlator.drainCreated()) this.o.metrics.incidentOpened(severity);
    if (intents.length > 0) await this.handOver(intents, now);
    if (this.forwarder) await this.forward(now);
    const counters = this.flow.policy.counters;
    for (const k of ['silenced', 'deduplicated'] as const) {
      const d = counters[k] - this.reportedSuppressed[k];
      if (d > 0) this.o.metrics.suppressed(k, d);
      this.reportedSuppressed[k] = counters[k];
    }
    this.o.metrics.openIncidents(this.flow.correlator.openCount);
    await this.store.saveIncidents(
      changed.map((i) => ({ incident: i, delivery: this.flow.policy.exportState(i.id) })),
    );
  }

  private async handOver(intents: readonly NotificationIntent[], now: number): Promise<void> {
    const entries: OutboxEntry[] = [...this.retry];
    this.retry = [];
    for (const n of intents) {
      const incident = this.flow.correlator.get(n.incidentId);
      const type = this.receiverTypes.get(n.receiver);
      if (!incident || !type) continue;
      entries.push({
        idempotencyKey: n.idempotencyKey,
        receiver: n.receiver,
        incidentId: n.incidentId,
        kind: n.kind,
        message: renderNotification(incident, n, type, this.o.externalUrl),
        createdAtMs: now,
      });
    }
    try {
      const res = await this.outbox.enqueue(entries);
      for (const [receiver, n] of res.evicted) {
        for (let k = 0; k < n; k++) this.o.metrics.dropped(receiver, 'outbox_full');
        const held = this.dropWarnings.pass(receiver, now);
        if (held !== undefined) {
          this.o.log.warn(
            { receiver, dropped: n, heldBackSinceLastWarning: held, maxRows: this.o.config.outbox.maxRows },
            'outbox full: oldest notifications dropped (counted in dwcp_monitor_alerts_dropped_total, reason outbox_full)',
          );
        }
      }
      if (this.o.deliverOnEnqueue !== false) this.deliverer?.kick();
    } catch (e) {
      this.retry = entries.slice(-MAX_RETRY_ENTRIES);
      this.o.log.error(
        { err: e, notifications: entries.length },
        'could not store notifications in the outbox; retrying next step',
      );
    }
  }

  private async forward(now: number): Promise<void> {
    const am = this.o.config.alertmanager!;
    const recent = this.flow.correlator
      .list(10_000)
      .filter(
        (i) => i.status === 'firing' || (i.resolvedAtMs !== null && now - i.resolvedAtMs <= 15 * 60_000),
      );
    const alerts = this.forwarder!.due(recent, now);
    if (alerts.length === 0) return;
    const anyOk = await this.amSenders.send(am.urls, alerts, am.timeout);
    if (anyOk) {
      this.forwarder!.markSent();
      for (const a of alerts)
        if (a.labels.incident) this.flow.correlator.markNotified(a.labels.incident, 'alertmanager');
    }
  }

  private async maintain(): Promise<void> {
    const now = this.o.clock();
    await this.store.pruneIncidents(this.o.config.incidents.maxStored);
    await this.store.deleteSilencesEndedBefore(now - SILENCE_HISTORY_MS);
    await this.refreshSilences();
  }

  private async refreshSilences(): Promise<void> {
    const now = this.o.clock();
    this.silences = compileSilences(await this.store.listSilences(now, now, 10_000));
  }

  /**
   * Incidents newest first: open ones from memory, then stored ones; filtered by status and by a tenant `scope`
   * (its nodes' or regions' incidents) before the limit; at most `limit`.
   */
  async listIncidents(limit: number, status?: Incident['status'], scope?: TenantScope): Promise<Incident[]> {
    const mem = this.flow.correlator.list(
      limit,
      (i) =>
        (status === undefined || i.status === status) && allowsNode(scope ?? ALL_NODES, i.node, i.region),
    );
    const stored = (await this.store.loadIncidents(limit, status, scope))
      .map((s) => s.incident)
      .filter((i) => !mem.some((m) => m.id === i.id));
    return [...mem, ...stored].sort((a, b) => b.startedAtMs - a.startedAtMs).slice(0, limit);
  }

  /** One incident. @throws NotFoundError for an unknown id. */
  async getIncident(id: string): Promise<Incident> {
    const i = this.flow.correlator.get(id) ?? (await this.store.loadIncident(id))?.incident;
    if (!i) throw new NotFoundError(`incident ${id} not found`);
    return i;
  }

  /** Acknowledges an incident (who, when, comment). @throws NotFoundError for an unknown or no longer kept id. */
  async acknowledge(id: string, input: AcknowledgeInput): Promise<Incident> {
    const ack: Acknowledgement = { by: input.by, atMs: this.o.clock(), comment: input.comment };
    const i = this.flow.acknowledge(id, ack);
    await this.store.saveIncidents([{ incident: i, delivery: this.flow.policy.exportState(id) }]);
    return i;
  }

  /** Undoes an acknowledgement. @throws NotFoundError for an unknown or no longer kept id. */
  async unacknowledge(id: string): Promise<Incident> {
    const i = this.flow.unacknowledge(id, this.o.clock());
    await this.store.saveIncidents([{ incident: i, delivery: this.flow.policy.exportState(id) }]);
    return i;
  }

  /** Silences ending within the last week or later, newest first. */
  listSilences(): Promise<Silence[]> {
    const now = this.o.clock();
    return this.store.listSilences(now, now - SILENCE_HISTORY_MS, 1000);
  }

  /** One silence. @throws NotFoundError */
  getSilence(id: string): Promise<Silence> {
    return this.store.getSilence(id, this.o.clock());
  }

  /** Creates a silence from a request body. @throws InvalidInputError for a malformed body */
  async createSilence(body: unknown): Promise<Silence> {
    const now = this.o.clock();
    const s = await this.store.createSilence(parseSilenceInput(body, now), now);
    await this.refreshSilences();
    return s;
  }

  /** Replaces a silence. @throws InvalidInputError, NotFoundError */
  async updateSilence(id: string, body: unknown): Promise<Silence> {
    const now = this.o.clock();
    const s = await this.store.updateSilence(id, parseSilenceInput(body, now), now);
    await this.refreshSilences();
    return s;
  }

  /** Expires a silence now. @throws NotFoundError */
  async expireSilence(id: string): Promise<Silence> {
    const s = await this.store.expireSilence(id, this.o.clock());
    await this.refreshSilences();
    return s;
  }

  /** Delivery health (the web page's banner). */
  health(): DeliveryHealth {
    if (this.forwarder) {
      const now = this.o.clock();
      const receivers = this.amSenders.health(this.o.config.alertmanager!.urls, now);
      return { mode: 'alertmanager', healthy: receivers.some((r) => r.healthy), receivers };
    }
    const receivers = this.deliverer?.health() ?? [];
    return { mode: this.mode, healthy: receivers.every((r) => r.healthy), receivers };
  }

  /** Runs one outbox pass now (tests, shutdown). */
  async deliverNow(): Promise<void> {
    await this.deliverer?.runOnce();
  }

  /** The outbox's rows, oldest first (diagnostics and the evaluator). */
  outboxRows(limit: number): ReturnType<OutboxStore['list']> {
    return this.outbox.list(limit);
  }

  /** Notifications waiting in the outbox. */
  async pendingNotifications(): Promise<number> {
    return (await this.outbox.pending()).reduce((n, p) => n + p.count, 0);
  }

  /** Stops the timers, saves the incidents, stops delivery (the outbox keeps what is undelivered). */
  async stop(): Promise<void> {
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    await Promise.all(this.inFlight.values());
    await this.step().catch((e: unknown) => this.o.log.error({ err: e }, 'final alerting step failed'));
    await this.deliverer?.stop();
    for (const t of this.transports.values()) t.close?.();
  }
}
