/**
 * A receiver outage with a restart in the middle, on a virtual clock, through the monitor's alerting service
 * (flow, policy, outbox on a real SQLite file, deliverer): a new fault (one anomaly on its own node) every
 * `faultEveryMs`, each resolving after `faultLengthMs`; the only receiver (a webhook) answers 503 during
 * [outageStartMs, outageStartMs + outageMs) and 200 otherwise; at `restartAtMs` the service is abandoned without
 * stopping (as a killed process: its database connection is closed, nothing else) and a new one opens the same
 * file. Measures what the receiver got against what the services handed to the outbox.
 *
 * - lost = notifications enqueued (distinct idempotency keys) that the receiver never accepted;
 * - duplicates = deliveries whose idempotency key the receiver had accepted before (it would drop them);
 * - storm = firing notifications sent after the restart for incidents already notified before it.
 */
import type { SendResult, Transport } from '../../alerting/delivery/transport.ts';
import { NO_ALERTING_METRICS } from '../../alerting/metrics.ts';
import { AlertingService } from '../../alerting/service.ts';
import { openAlertingDb } from '../../alerting/store/open.ts';
import { alertingSectionSchema } from '../../config.ts';
import type { AlertingSettings } from '../../model/alerting-settings.ts';
import { parseDuration } from '../../model/duration.ts';
import type { Anomaly } from '../../model/anomaly.ts';

/** Options of {@link runOutage}. Durations in ms of virtual time. */
export interface OutageOptions {
  /** SQLite file (a fresh path). */
  readonly dbPath: string;
  readonly durationMs: number;
  readonly outageStartMs: number;
  readonly outageMs: number;
  readonly restartAtMs: number;
  readonly faultEveryMs: number;
  readonly faultLengthMs: number;
  /** Step of the virtual clock (default 1 s). */
  readonly tickMs?: number;
}

/** What the receiver got. */
export interface OutageResult {
  /** Distinct notifications the services put in the outbox. */
  readonly enqueued: number;
  /** Distinct notifications the receiver accepted. */
  readonly delivered: number;
  readonly lost: number;
  readonly duplicates: number;
  readonly storm: number;
  /** Attempts answered 503 during the outage. */
  readonly failedAttempts: number;
  readonly firing: number;
  readonly resolved: number;
  /** Longest time a notification waited in the outbox (ms of virtual time). */
  readonly maxWaitMs: number;
  readonly incidents: number;
}

const T0 = Date.UTC(2026, 0, 1);

function anomaly(id: number, node: string, startedAtMs: number): Anomaly {
  return {
    id,
    seriesKey: `dwcp_amst_latency_seconds{node="${node}"}`,
    metric: 'dwcp_amst_latency_seconds',
    labels: { node, region: 'eu-west' },
    component: 'amst',
    kind: 'latency',
    startedAtMs,
    detectedAtMs: startedAtMs,
    resolvedAtMs: null,
    observed: 2,
    expected: 1,
    lower: 0.5,
    upper: 1.5,
    deviation: 5,
    confidence: 0.95,
    score: 0.95,
    votes: [],
    severity: 'high',
    detector: 'outage-eval',
    acknowledged: false,
  };
}

/** The alerting configuration of the run: one webhook receiver, default timings, 1 s initial backoff, 1 min cap. */
function config(): AlertingSettings {
  return alertingSectionSchema.parse({
    receivers: [{ name: 'hook', type: 'webhook', url: 'http://127.0.0.1:1/unused' }],
    outbox: { initialBackoff: '1s', maxBackoff: '1m' },
  });
}

/** Runs the outage (see the module comment). */
export async function runOutage(o: OutageOptions): Promise<OutageResult> {
  const tick = o.tickMs ?? 1000;
  let now = T0;
  const accepted = new Map<string, number>();
  const enqueuedAt = new Map<string, number>();
  let duplicates = 0;
  let failedAttempts = 0;
  let firing = 0;
  let resolved = 0;
  let maxWaitMs = 0;
  const notifiedBeforeRestart = new Set<string>();
  let restarted = false;
  let storm = 0;
  const transport: Transport = {
    send(message, key): Promise<SendResult> {
      const t = now - T0;
      if (t >= o.outageStartMs && t < o.outageStartMs + o.outageMs) {
        failedAttempts++;
        return Promise.resolve({ ok: false, permanent: false, reason: 'http_5xx', error: 'HTTP 503' });
      }
      if (accepted.has(key)) duplicates++;
      else {
        accepted.set(key, now);
        const body = (message as { body: { status: string; alerts: { labels: Record<string, string> }[] } })
          .body;
        const incident = body.alerts[0]!.labels.incident!;
        if (body.status === 'firing') {
          firing++;
          if (restarted && notifiedBeforeRestart.has(incident)) storm++;
          if (!restarted) notifiedBeforeRestart.add(incident);
        } else resolved++;
        maxWaitMs = Math.max(maxWaitMs, now - (enqueuedAt.get(key) ?? now));
      }
      return Promise.resolve({ ok: true });
    },
  };
  const open = async (): Promise<{ service: AlertingService; close: () => Promise<void> }> => {
    const db = await openAlertingDb({ type: 'sqlite', path: o.dbPath });
    const service = new AlertingService({
      config: config(),
      db,
      clock: () => now,
      log: { warn: () => undefined, info: () => undefined, error: () => undefined },
      metrics: NO_ALERTING_METRICS,
      parseDuration,
      openAnomalies: () => [],
      externalUrl: 'http://127.0.0.1:9500',
      scrapeIntervalMs: 1000,
      maxSeries: 1000,
      transports: new Map([['hook', transport]]),
      deliverOnEnqueue: false,
    });
    await service.restore();
    return { service, close: () => db.close() };
  };
  let cur = await open();
  const open1: Anomaly[] = [];
  let ids = 0;
  let incidents = 0;
  for (let t = 0; t <= o.durationMs; t += tick) {
    now = T0 + t;
    if (!restarted && t >= o.restartAtMs) {
      await cur.close();
      restarted = true;
      cur = await open();
    }
    const opened: Anomaly[] = [];
    if (t % o.faultEveryMs === 0 && t + o.faultLengthMs < o.durationMs - 60_000) {
      const a = anomaly(++ids, `node-${ids}`, now);
      opened.push(a);
      open1.push(a);
      incidents++;
    }
    const done = open1.filter((a) => now - a.startedAtMs >= o.faultLengthMs);
    for (const a of done) open1.splice(open1.indexOf(a), 1);
    cur.service.onAnomalies(
      opened,
      done.map((a) => ({ ...a, resolvedAtMs: now })),
    );
    await cur.service.step();
    for (const row of await outboxKeys(cur.service)) if (!enqueuedAt.has(row)) enqueuedAt.set(row, now);
    await cur.service.deliverNow();
  }
  await cur.service.stop();
  await cur.close();
  const lost = [...enqueuedAt.keys()].filter((k) => !accepted.has(k)).length;
  return {
    enqueued: enqueuedAt.size,
    delivered: accepted.size,
    lost,
    duplicates,
    storm,
    failedAttempts,
    firing,
    resolved,
    maxWaitMs,
    incidents,
  };
}

async function outboxKeys(s: AlertingService): Promise<string[]> {
  return (await s.outboxRows(100_000)).map((r) => r.idempotencyKey);
}
