/**
 * Starts the monitor's alerting service for integration tests: a fresh SQLite file, a configuration section
 * parsed the way the monitor parses it, quiet logs, and a way to feed anomalies.
 */
import { join } from 'node:path';
import { NO_ALERTING_METRICS } from '../../src/alerting/metrics.ts';
import { AlertingService } from '../../src/alerting/service.ts';
import { openAlertingDb, type AlertingDb } from '../../src/alerting/store/open.ts';
import { alertingSectionSchema } from '../../src/config.ts';
import type { AlertingSettings } from '../../src/model/alerting-settings.ts';
import { parseDuration } from '../../src/model/duration.ts';
import type { Anomaly } from '../../src/model/anomaly.ts';

/** Parses an `alerting` section as the monitor's configuration does. */
export function alertingConfig(raw: unknown): AlertingSettings {
  return alertingSectionSchema.parse(raw);
}

/** A running service and its database. */
export interface TestAlerting {
  readonly service: AlertingService;
  readonly db: AlertingDb;
  readonly warnings: string[];
  stop(): Promise<void>;
}

/** Opens `dir/alerting.db` and starts the service (timers included). */
export async function startTestAlerting(
  dir: string,
  raw: unknown,
  file = 'alerting.db',
): Promise<TestAlerting> {
  const db = await openAlertingDb({ type: 'sqlite', path: join(dir, file) });
  const warnings: string[] = [];
  const log = {
    warn: (_f: unknown, m: string) => void warnings.push(m),
    info: () => undefined,
    error: (_f: unknown, m: string) => void warnings.push(m),
  };
  const service = new AlertingService({
    config: alertingConfig(raw),
    db,
    clock: Date.now,
    log,
    metrics: NO_ALERTING_METRICS,
    parseDuration,
    openAnomalies: () => [],
    externalUrl: 'http://127.0.0.1:9500',
    scrapeIntervalMs: 1000,
    maxSeries: 1000,
  });
  await service.start();
  let stopped: Promise<void> | undefined;
  return {
    service,
    db,
    warnings,
    stop: () => (stopped ??= service.stop().then(() => db.close())),
  };
}

let ids = 0;
/** An open anomaly on `node` of `region` with `severity`, started now. */
export function testAnomaly(
  node: string,
  region: string,
  severity: Anomaly['severity'],
  metric = 'dwcp_amst_latency_seconds',
): Anomaly {
  const now = Date.now();
  return {
    id: ++ids + 1000,
    seriesKey: `${metric}{node="${node}"}`,
    metric,
    labels: { node, region, job: 'dwcp' },
    component: 'amst',
    kind: 'latency',
    startedAtMs: now,
    detectedAtMs: now,
    resolvedAtMs: null,
    observed: 2,
    expected: 1,
    lower: 0.5,
    upper: 1.5,
    deviation: 5,
    confidence: 0.95,
    score: 0.95,
    votes: [],
    severity,
    detector: 'test',
    acknowledged: false,
  };
}
