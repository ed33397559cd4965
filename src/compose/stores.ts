/**
 * Opening the monitor's stores and systems from its configuration, for the composition root (src/main.ts):
 * the sample store (SQLite, PostgreSQL or VictoriaMetrics), the dashboard, span and log stores beside it,
 * identity and access, the log API and the export renderer. Wiring only.
 */
import { dirname, join } from 'node:path';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { authorizationHeader } from '../alerting/delivery/http-auth.ts';
import { startAuth, type StartedAuth } from '../auth/setup.ts';
import { sqlLocation, type MonitorConfig } from '../config.ts';
import { openPostgresDashboardStore, openSqliteDashboardStore } from '../dashboards/store/open.ts';
import type { DashboardStore } from '../dashboards/store/dashboard-store.ts';
import { ConfigError } from '../errors.ts';
import { LogApi } from '../logs/log-api.ts';
import { hasHttpAuth } from '../model/http-auth.ts';
import type { LogErrorCounts } from '../logs/log-metrics.ts';
import { DEFAULT_PII_SETTINGS } from '../logs/pii/masker.ts';
import type { LogStore, LogStoreOptions } from '../logs/store/log-store.ts';
import { openPostgresLogStore, openSqliteLogStore } from '../logs/store/open.ts';
import { openRemoteStore } from '../remote-store/open.ts';
import type { RemoteWriteQueueMetrics } from '../remote-store/write-queue.ts';
import { PageRenderer, type PageFormat } from '../reports/render-page.ts';
import { openPostgresStore } from '../store/postgres.ts';
import { openSqliteStore, type OpenedStore } from '../store/sqlite.ts';
import { openChunkedPostgresStore, openChunkedSqliteStore } from '../store/tsdb/open.ts';
import type { QueryCacheMetrics } from '../store/tsdb/cache-metrics.ts';
import { openPostgresTraceStore, openSqliteTraceStore } from '../traces/store/open.ts';
import type { ExemplarStore } from '../traces/exemplars/exemplar-store.ts';
import { openPostgresExemplarStore, openSqliteExemplarStore } from '../traces/exemplars/open.ts';
import type { TraceStore } from '../traces/store/trace-store.ts';

/**
 * Opens the configured store: samples and the monitor's tables in SQLite or PostgreSQL, or samples in
 * VictoriaMetrics and the tables in the `state` database (`storage.type: victoriametrics`, docs/storage.md).
 * @throws StoreError when a database cannot be opened.
 */
export async function openStore(
  config: MonitorConfig,
  remote: { metrics?: RemoteWriteQueueMetrics; log?: Logger; queryCacheMetrics?: QueryCacheMetrics } = {},
): Promise<OpenedStore> {
  const s = config.storage;
  if (s.type === 'victoriametrics') {
    const state =
      s.state.type === 'sqlite'
        ? await openSqliteStore({ path: s.state.path, retentionMs: s.retention })
        : await openPostgresStore({ url: s.state.url, retentionMs: s.retention });
    const q = s.queue;
    return openRemoteStore({
      writeUrl: s.writeUrl,
      readUrl: s.readUrl,
      retentionMs: s.retention,
      timeoutMs: s.timeout,
      queue: {
        capacity: q.capacity,
        maxSamplesPerSend: q.maxSamplesPerSend,
        batchDeadlineMs: q.batchDeadline,
        minBackoffMs: q.minBackoff,
        maxBackoffMs: q.maxBackoff,
      },
      state,
      externalLabels: s.externalLabels,
      ...(hasHttpAuth(s) ? { authorization: () => authorizationHeader(s) } : {}),
      ...(remote.metrics ? { metrics: remote.metrics } : {}),
      ...(remote.log
        ? { onError: (e: Error) => remote.log!.warn({ err: e }, 'remote write to VictoriaMetrics failed') }
        : {}),
    });
  }
  const cache = {
    ...(s.queryCacheBytes === undefined ? {} : { queryCacheBytes: s.queryCacheBytes }),
    ...(s.queryResultCacheBytes === undefined ? {} : { queryResultCacheBytes: s.queryResultCacheBytes }),
    ...(remote.queryCacheMetrics ? { queryCacheMetrics: remote.queryCacheMetrics } : {}),
  };
  if (s.type === 'sqlite') {
    if (s.layout === 'chunks')
      return openChunkedSqliteStore({
        path: s.path,
        walDir: s.walDir ?? `${s.path}.wal`,
        retentionMs: s.retention,
        ...cache,
      });
    return openSqliteStore({ path: s.path, retentionMs: s.retention });
  }
  if (s.layout === 'chunks')
    return openChunkedPostgresStore({ url: s.url, walDir: s.walDir, retentionMs: s.retention, ...cache });
  return openPostgresStore({ url: s.url, retentionMs: s.retention });
}

/** PNG/PDF rendering of dashboard exports: headless Chromium, 2 at a time, 8 waiting, 30 s each. */
export function exportRenderer(
  chromiumPath: string,
): (
  url: string,
  format: PageFormat,
  readySelector: string,
  headers: Readonly<Record<string, string>>,
) => Promise<Buffer> {
  const renderer = new PageRenderer({ chromiumPath, maxConcurrent: 2, maxQueued: 8, timeoutMs: 30_000 });
  return (url, format, readySelector, headers) => renderer.render(url, format, readySelector, headers);
}

/** Opens the dashboard store when dashboards are enabled: SQLite beside the sample store, or the same PostgreSQL database. */
export async function openDashboardStore(config: MonitorConfig): Promise<DashboardStore | undefined> {
  const d = config.dashboards;
  if (!d.enabled) return undefined;
  const s = sqlLocation(config.storage);
  if (s.type === 'postgres' && d.path === undefined)
    return openPostgresDashboardStore({ url: s.url }, { maxPerTenant: d.maxPerTenant });
  const path =
    d.path ??
    (s.type === 'sqlite' && s.path !== ':memory:' ? join(dirname(s.path), 'dashboards.db') : ':memory:');
  return openSqliteDashboardStore(path, { maxPerTenant: d.maxPerTenant });
}

/** @throws ConfigError when authentication is disabled on a non-loopback listen address */
export function checkAuthMode(config: MonitorConfig): void {
  const host = config.listen.host;
  const loopback = host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
  if (config.auth.mode === 'disabled' && !loopback)
    throw new ConfigError(
      `auth.mode: disabled is allowed only when listen.host is a loopback address, not ${JSON.stringify(host)}`,
    );
}

/**
 * Starts identity and access (src/auth) unless `auth.mode` is `disabled`, which is allowed only on a loopback
 * listen address (with a warning). The store, signing key and first admin's password file live in the data
 * directory of the SQLite database (with VictoriaMetrics storage, its state database); with PostgreSQL the users
 * live in the same database.
 * @throws ConfigError when authentication is disabled on a non-loopback address
 */
export async function openAuth(config: MonitorConfig, log: Logger): Promise<StartedAuth | undefined> {
  const a = config.auth;
  const host = config.listen.host;
  if (a.mode === 'disabled') {
    log.warn(
      { host },
      'authentication is disabled: every request acts as an admin (allowed on loopback only)',
    );
    return undefined;
  }
  const s = sqlLocation(config.storage);
  const dataDir = s.type === 'sqlite' && s.path !== ':memory:' ? dirname(s.path) : undefined;
  const keyFile = a.signingKeyFile ?? (dataDir === undefined ? undefined : join(dataDir, 'auth-signing-key'));
  const started = await startAuth({
    store:
      s.type === 'postgres' && a.path === undefined
        ? { postgresUrl: s.url }
        : { sqlitePath: a.path ?? (dataDir === undefined ? ':memory:' : join(dataDir, 'auth.db')) },
    ...(keyFile === undefined ? {} : { signingKeyFile: keyFile }),
    sessionTtlMs: a.sessionTtl,
    loginLimits: { maxFailures: a.loginMaxFailures, windowMs: a.loginWindow },
    initialAdmin: { tenant: config.dashboards.tenant, username: a.initialAdmin },
    ...(dataDir === undefined ? {} : { initialPasswordFile: join(dataDir, 'initial-admin-password') }),
  });
  if (started.initialAdmin) {
    log.warn(
      { username: started.initialAdmin.username, passwordFile: started.initialAdmin.passwordFile },
      "created the first admin: its generated password is in passwordFile (mode 0600); log in with it at the monitor's URL",
    );
  }
  return started;
}

/** Opens the span store when traces are enabled: SQLite beside the sample store, or the same PostgreSQL database. */
export async function openTraceStore(config: MonitorConfig): Promise<TraceStore | undefined> {
  const t = config.traces;
  if (!t.enabled) return undefined;
  const opts = { retentionMs: t.retention, maxSpans: t.maxSpans };
  const s = sqlLocation(config.storage);
  if (s.type === 'postgres' && t.path === undefined) return openPostgresTraceStore({ url: s.url }, opts);
  const path =
    t.path ??
    (s.type === 'sqlite' && s.path !== ':memory:' ? join(dirname(s.path), 'traces.db') : ':memory:');
  return openSqliteTraceStore(path, opts);
}

/** Exemplars kept at most (the oldest beyond are removed and counted in dwcp_monitor_exemplars_dropped_total). */
export const MAX_EXEMPLARS = 100_000;

/**
 * Opens the exemplar store when traces are enabled (exemplars link metrics to traces): `exemplars.db` beside the
 * span store's SQLite file, or the same PostgreSQL database; retention as the spans'.
 */
export async function openExemplarStore(
  config: MonitorConfig,
  registry: Registry,
): Promise<ExemplarStore | undefined> {
  const t = config.traces;
  if (!t.enabled) return undefined;
  const opts = { retentionMs: t.retention, maxExemplars: MAX_EXEMPLARS, registry };
  const s = sqlLocation(config.storage);
  if (s.type === 'postgres' && t.path === undefined) return openPostgresExemplarStore({ url: s.url }, opts);
  const base =
    t.path ??
    (s.type === 'sqlite' && s.path !== ':memory:' ? join(dirname(s.path), 'traces.db') : ':memory:');
  return openSqliteExemplarStore(base === ':memory:' ? base : join(dirname(base), 'exemplars.db'), opts);
}

/** The log store's options from the `logs` section (retention, caps, the SQLite write queue's bounds). */
export function logStoreOptions(l: MonitorConfig['logs']): LogStoreOptions {
  return {
    retentionMs: l.retention,
    maxEntries: l.maxEntries,
    maxStreams: l.maxStreams,
    maxQueuedEntries: l.maxQueuedEntries,
    maxGroupEntries: l.maxGroupEntries,
  };
}

/** Opens the log store when logs are enabled: SQLite beside the sample store, or the same PostgreSQL database. */
export async function openLogStore(config: MonitorConfig): Promise<LogStore | undefined> {
  const l = config.logs;
  if (!l.enabled) return undefined;
  const opts = logStoreOptions(l);
  const s = sqlLocation(config.storage);
  if (s.type === 'postgres' && l.path === undefined) return openPostgresLogStore({ url: s.url }, opts);
  return openSqliteLogStore(
    l.path ?? (s.type === 'sqlite' && s.path !== ':memory:' ? join(dirname(s.path), 'logs.db') : ':memory:'),
    opts,
  );
}

/** The log receivers and queries over the log store, PII masking from the configuration. */
export function logApi(
  config: MonitorConfig,
  logStore: LogStore,
  registry: Registry,
  errorCounts: LogErrorCounts,
): LogApi {
  const l = config.logs;
  const pii = {
    ...DEFAULT_PII_SETTINGS,
    ...l.pii,
    sensitiveKeys: l.pii.sensitiveKeys ?? DEFAULT_PII_SETTINGS.sensitiveKeys,
  };
  return new LogApi(logStore, {
    registry,
    pii,
    onStored: (rs) => errorCounts.observe(rs),
    limits: { maxBodyBytes: l.maxBodyBytes, maxDecompressedBytes: 4 * l.maxBodyBytes },
  });
}
