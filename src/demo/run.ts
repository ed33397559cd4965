/**
 * `dwcp-monitor demo`: a simulated multi-region cluster with the default fault scenario, the monitor
 * scraping it (embedded SQLite under `./data/`), and a local webhook receiver standing in for Alertmanager.
 * On exit it builds the report (targets, series, samples, anomalies vs ground truth, alerts delivered).
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { logRedaction } from '../model/redact.ts';
import { monitorLogger, SelfLogSink } from '../logs/self-log.ts';
import { parseMonitorConfig } from '../config.ts';
import { instrumentedNodeOptions } from '../compose/ops.ts';
import { startAuth } from '../auth/setup.ts';
import { startMonitor, type MonitorStats } from '../main.ts';
import { createOtlpTraceExporter } from '../sdk/otlp-exporter.ts';
import { createOtlpLogExporter } from '../sdk/node-logging.ts';
import { startCluster } from '../sim/cluster.ts';
import { loadScenario } from '../sim/scenario.ts';
import { startAlertReceiver } from './alert-receiver.ts';
import { freeLoopbackPort } from './free-port.ts';
import { faultCoverage } from './fault-coverage.ts';
import { buildDemoReport, type DemoReport } from './report.ts';

export { DEFAULT_SCENARIO, DEMO_DEFAULTS } from './defaults.ts';

/** Options of {@link runDemo}. */
export interface DemoOptions {
  /** Run for this long (ms); null = until `signal` aborts. */
  readonly durationMs: number | null;
  readonly reportPath?: string;
  readonly nodes: number;
  readonly regions: readonly string[];
  readonly scenarioPath: string;
  readonly seed: number;
  readonly rolloutPercent: number;
  /** Monitor port (UI and API). */
  readonly port: number;
  readonly dataDir: string;
  /** Seasonality period of the simulator in seconds (compressed so a demo shows it). */
  readonly daySeconds: number;
  readonly signal?: AbortSignal;
  /** Called about once a second while the demo runs. */
  readonly onProgress?: (p: { elapsedMs: number; stats: MonitorStats; faultsInjected: number }) => void;
  /** Called once the UI is up. */
  readonly onStarted?: (info: {
    ui: string;
    nodes: readonly { id: string; region: string; url: string; mode: string }[];
    login: DemoLogin;
  }) => void;
}

/** How to log in to the demo: the bootstrapped admin, whose generated password is in `passwordFile` (mode 0600). */
export interface DemoLogin {
  readonly username: string;
  readonly passwordFile: string;
}

/**
 * A fresh auth store for the demo (users and tokens of earlier runs are dropped with it): an admin with a
 * generated password written to `<dataDir>/admin-password` (0600), and an `ingest` API token for the simulated
 * nodes' telemetry. The signing key stays in the data directory between runs.
 */
async function prepareDemoAuth(
  dataDir: string,
): Promise<{ login: DemoLogin; ingestToken: string; storePath: string; signingKeyFile: string }> {
  const storePath = join(dataDir, 'demo-auth.db');
  for (const suffix of ['', '-wal', '-shm']) rmSync(storePath + suffix, { force: true });
  const signingKeyFile = join(dataDir, 'auth-signing-key');
  const auth = await startAuth({
    store: { sqlitePath: storePath },
    signingKeyFile,
    sessionTtlMs: 8 * 3_600_000,
    initialAdmin: { tenant: 'default', username: 'admin' },
    initialPasswordFile: join(dataDir, 'admin-password'),
  });
  try {
    const { token } = await auth.service.issueToken('default', 'admin', {
      name: 'demo-simulator',
      role: 'ingest',
    });
    return { login: auth.initialAdmin!, ingestToken: token, storePath, signingKeyFile }; // the store is new, so the admin was just created
  } finally {
    await auth.store.close();
  }
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

/**
 * Runs the demo and returns its report (also written to `reportPath` when given).
 * @throws ConfigError for a bad scenario; InvalidInputError for bad options; listen errors (port in use).
 */
export async function runDemo(opts: DemoOptions): Promise<DemoReport> {
  const scenario = loadScenario(opts.scenarioPath, opts.nodes);
  mkdirSync(opts.dataDir, { recursive: true });
  const dbPath = join(opts.dataDir, 'demo.db');
  for (const suffix of ['', '-wal', '-shm', '.wal'])
    rmSync(dbPath + suffix, { force: true, recursive: true });

  // --port 0: chosen now, since the nodes' trace and log exporters need the monitor's address before it listens
  const port = opts.port === 0 ? await freeLoopbackPort() : opts.port;
  const auth = await prepareDemoAuth(opts.dataDir);
  const receiver = await startAlertReceiver();
  const cluster = await startCluster({
    nodes: opts.nodes,
    regions: opts.regions,
    portBase: 0,
    scenario,
    seed: opts.seed,
    rolloutPercent: opts.rolloutPercent,
    daySeconds: opts.daySeconds,
    labelsOut: join(opts.dataDir, 'demo-labels.jsonl'),
    warn: () => undefined,
    // Migration traces and node logs go to the monitor's own OTLP receivers with the demo's ingest token.
    tracing: {
      exporter: () =>
        createOtlpTraceExporter({
          url: `http://127.0.0.1:${port}/v1/traces`,
          headers: { authorization: `Bearer ${auth.ingestToken}` },
        }),
    },
    logging: {
      exporter: () =>
        createOtlpLogExporter({
          url: `http://127.0.0.1:${port}/v1/logs`,
          headers: { authorization: `Bearer ${auth.ingestToken}` },
        }),
    },
    ...instrumentedNodeOptions(),
  });
  let monitor;
  let config;
  try {
    config = parseMonitorConfig({
      listen: { host: '127.0.0.1', port },
      storage: { type: 'sqlite', path: dbPath, retention: '6h' },
      targets: cluster.nodes.map((n) => ({
        id: n.id,
        url: new URL('/metrics', n.url).href,
        labels: { region: n.region, node: n.id },
      })),
      alerting: { webhooks: [{ name: 'demo-receiver', url: receiver.url }] },
      auth: { path: auth.storePath, signingKeyFile: auth.signingKeyFile },
    });
    const selfLog = new SelfLogSink();
    monitor = await startMonitor({
      config,
      logger: monitorLogger({ level: 'warn', redact: logRedaction(), selfLog }),
      selfLog,
    });
  } catch (e) {
    await cluster.stop();
    await receiver.close();
    throw e;
  }
  opts.onStarted?.({ ui: monitor.url, nodes: cluster.nodes, login: auth.login });

  const started = Date.now();
  while (!opts.signal?.aborted) {
    const elapsed = Date.now() - started;
    if (opts.durationMs !== null && elapsed >= opts.durationMs) break;
    opts.onProgress?.({ elapsedMs: elapsed, stats: monitor.stats(), faultsInjected: cluster.labels.length });
    const left = opts.durationMs === null ? 1000 : Math.min(1000, opts.durationMs - elapsed);
    await sleep(Math.max(1, left), opts.signal);
  }
  // Let the alert queue drain (bounded wait), read the results, then stop the monitor before the cluster
  // (stopping the cluster first would make every node look down).
  for (let i = 0; i < 50 && (await monitor.pendingNotifications()) > 0; i++) await sleep(100);
  const endMs = Date.now();
  const stats = monitor.stats();
  const anomalies = await monitor.store.list({ startMs: cluster.startMs, limit: 10_000 });
  const labels = [...cluster.labels];
  const delivered = receiver.stats();
  const incidents = await monitor.alerting.listIncidents(10_000);
  const coverage = await faultCoverage(monitor.store, labels, {
    confirmSamples: config.detection.confirmSamples,
    scrapeIntervalMs: config.scrape.interval,
    nodeLabel: 'node',
  });
  const report = buildDemoReport({
    startMs: started,
    endMs,
    ui: monitor.url,
    cluster: {
      nodes: opts.nodes,
      regions: opts.regions,
      rolloutPercent: opts.rolloutPercent,
      seed: opts.seed,
    },
    targets: stats.targets,
    series: stats.series,
    samplesIngested: stats.samplesIngested,
    samplesRejected: stats.samplesRejected,
    anomalies,
    labels,
    alerts: { ...toAlertStats(delivered), queueLeft: await monitor.pendingNotifications() },
    incidents,
    received: delivered.alerts,
    hostTargets: new Set(['host']),
    coverage,
  });
  // The nodes' last spans and lines go to the monitor's receivers, so they shut down while it still listens.
  await cluster.tracing?.shutdown((m) => console.warn(m));
  await cluster.logging?.shutdown((m) => console.warn(m));
  try {
    await monitor.stop();
  } finally {
    await cluster.stop();
    await receiver.close();
  }
  if (opts.reportPath) writeFileSync(opts.reportPath, JSON.stringify(report, null, 2) + '\n');
  return report;
}

function toAlertStats(r: { notifications: number; firing: number; resolved: number; duplicates: number }) {
  return {
    notificationsDelivered: r.notifications,
    firingDelivered: r.firing,
    resolvedDelivered: r.resolved,
    duplicatesDelivered: r.duplicates,
  };
}
