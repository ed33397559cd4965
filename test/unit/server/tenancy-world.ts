/**
 * The world of the tenant-isolation tests: an API with the real auth service, sample/anomaly stores, log and
 * trace stores, remote-write receiver and dashboard engine, holding telemetry of every node (`world`), and the
 * users of the tests with their bearer tokens (`tenantUsers`).
 */
import assert from 'node:assert/strict';
import { after, before } from 'node:test';
import type { AuthStore } from '../../../src/auth/auth-store.ts';
import { openSqliteAuthStore } from '../../../src/auth/open.ts';
import { AuthService } from '../../../src/auth/service.ts';
import { signSession } from '../../../src/auth/session-token.ts';
import type { Incident } from '../../../src/contract/alerting.ts';
import { dashboardsApi } from '../../../src/dashboards/api.ts';
import { DashboardService } from '../../../src/dashboards/service.ts';
import { openSqliteDashboardStore } from '../../../src/dashboards/store/open.ts';
import { NotFoundError } from '../../../src/errors.ts';
import { LogApi } from '../../../src/logs/log-api.ts';
import { openSqliteLogStore } from '../../../src/logs/store/open.ts';
import type { Sample } from '../../../src/model/sample.ts';
import { DEFAULT_SCRAPE_LIMITS } from '../../../src/model/scrape-limits.ts';
import { allowsNode, ALL_NODES, type TenantNodeMapping } from '../../../src/model/tenant-scope.ts';
import { RemoteWriteReceiver } from '../../../src/monitor/remote-write.ts';
import { createInsightsProvider } from '../../../src/monitor/rollout-provider.ts';
import { parseSloDefinitions } from '../../../src/analysis/slo/definition.ts';
import { writeRequestType } from '../../../src/ingest/remote-write/proto-root.ts';
import snappy from 'snappyjs';
import type { TargetStatus } from '../../../src/model/status.ts';
import { buildApp } from '../../../src/server/app.ts';
import { openSqliteTraceStore } from '../../../src/traces/store/open.ts';
import { TraceApi } from '../../../src/traces/trace-api.ts';
import { otlpLogsJson } from '../../helpers/log-push.ts';
import { hexId, otlpJson } from '../../helpers/otlp.ts';
import { anomaly, testDeps } from '../../helpers/server-fakes.ts';

export const NOW = Date.UTC(2026, 0, 1, 12);
export const DAY = 86_400_000;
export const KEY = new TextEncoder().encode('k'.repeat(48));
export const METRIC = 'dwcp_amst_streams_active';
export const MIXED_TRACE = hexId(0xfff, 32);
/** One SLO over the streams gauge: a step is good while every node's value is at most `SLO_MAX` (a's nodes, not b's). */
export const SLO_MAX = 100;
export const SLOS = parseSloDefinitions({
  slos: [
    {
      name: 'streams',
      sli: { type: 'threshold', metric: METRIC, statistic: 'value', op: '<=', threshold: SLO_MAX },
      objective: 0.9,
      window: '1h',
    },
  ],
});
/** Traces one search may return at most (b gets more, newer traces than this). */
export const TRACES_MAX = 8;

/** A remote-write body (snappy protobuf) of one sample per node. */
export function writeBody(nodes: readonly string[]): Buffer {
  const T = writeRequestType();
  const timeseries = nodes.map((n) => ({
    labels: [
      { name: '__name__', value: METRIC },
      { name: 'node_id', value: n },
    ],
    samples: [{ timestamp: NOW, value: 1 }],
  }));
  return snappy.compress(Buffer.from(T.encode(T.fromObject({ timeseries })).finish()));
}

/** An incident on `node` (the fields the contract requires). */
export function incident(id: string, node: string, startedAtMs: number): Incident {
  return {
    id,
    status: 'firing',
    severity: 'critical',
    title: `${node} down`,
    node,
    region: 'eu-west',
    components: ['amst'],
    labels: { node_id: node },
    startedAtMs,
    updatedAtMs: startedAtMs,
    resolvedAtMs: null,
    rootCause: [],
    signals: [],
    droppedSignals: 0,
    acknowledgement: null,
    notifiedReceivers: [],
  };
}

export function target(node: string, i: number): TargetStatus {
  return {
    id: node,
    url: `http://127.0.0.1:${9100 + i}/metrics`,
    labels: { job: 'dwcp', node_id: node },
    health: 'up',
    lastScrapeMs: NOW,
    lastScrapeDurationMs: 3,
    lastError: null,
    samplesLastScrape: 10,
  };
}

/** A monitor holding telemetry of every node, with `mapping` enforced. */
export async function world(
  auth: AuthService,
  nodes: readonly string[],
  mapping: TenantNodeMapping,
  operatorBearer: string,
) {
  const deps = testDeps();
  const logStore = await openSqliteLogStore(':memory:', {
    retentionMs: { debug: DAY, info: DAY, warn: DAY, error: DAY, fatal: DAY },
  });
  const traceStore = await openSqliteTraceStore(':memory:', { retentionMs: DAY });
  const dashStore = await openSqliteDashboardStore(':memory:');
  // later nodes' incidents are newer (b's, in the property)
  const incidents = nodes.map((n, i) => incident(`inc-${i + 1}`, n, NOW - 5000 + i)).reverse();
  const findIncident = async (id: string) => {
    const i = incidents.find((x) => x.id === id);
    if (i === undefined) throw new NotFoundError(`incident ${id} not found`);
    return i;
  };
  const notHere = (): never => {
    throw new Error('not used by this test');
  };
  // what remote write hands the pipeline, and its foreign_node count
  const written: Sample[] = [];
  let rwForeign = 0;
  const remoteWrite = new RemoteWriteReceiver({
    pipeline: {
      ingestPushed: async (_source, samples) => {
        written.push(...samples);
        return {
          admitted: samples.length,
          stored: samples.length,
          outcome: null,
          trackMs: 0,
          detectMs: 0,
          warning: null,
          rejected: {},
        };
      },
    },
    limits: { maxDecompressedBytes: 1 << 20, labels: DEFAULT_SCRAPE_LIMITS },
    maxBodyBytes: 1 << 20,
    metrics: {
      received: () => undefined,
      requestRejected: () => undefined,
      sampleRejected: (r, n) => void (r === 'foreign_node' && (rwForeign += n)),
    },
  });
  const dashboards = dashboardsApi(
    new DashboardService({
      store: dashStore,
      sources: {
        samples: deps.samples,
        anomalies: deps.anomalies,
        incidents: {
          listIncidents: async (l, _status, scope) =>
            incidents.filter((i) => allowsNode(scope ?? ALL_NODES, i.node, i.region)).slice(0, l),
        },
      },
      limits: { seriesMax: 100, rawPointsPerSeries: 1000, targetPoints: 30 },
      cache: { ttlMs: 1000 },
      now: () => NOW,
    }),
    { defaultScope: { tenantId: 'default', actor: 'anonymous' } },
  );
  const app = await buildApp(
    {
      ...deps,
      auth,
      tenants: mapping,
      targets: () => nodes.map(target),
      traces: new TraceApi(traceStore, {
        registry: deps.registry,
        now: () => NOW,
        limits: { maxBodyBytes: 1 << 20, maxDecompressedBytes: 1 << 20 },
      }),
      logs: new LogApi(logStore, {
        registry: deps.registry,
        now: () => NOW,
        limits: { maxBodyBytes: 1 << 20 },
      }),
      dashboards,
      push: async (req) => ({ received: req.samples.length, stored: req.samples.length, rejected: {} }),
      remoteWrite,
      insights: createInsightsProvider(deps.samples, { slos: SLOS, sloEvidence: { minObservedMs: 30_000 } }),
      limits: { tracesMax: TRACES_MAX, tracesDefault: TRACES_MAX },
      alerting: {
        // as the alerting service: newest first, the scope filters before the limit
        listIncidents: async (limit, _status, scope) =>
          incidents.filter((i) => allowsNode(scope ?? ALL_NODES, i.node, i.region)).slice(0, limit),
        getIncident: findIncident,
        acknowledge: async (id, input) => ({
          ...(await findIncident(id)),
          acknowledgement: { by: input.by, atMs: NOW, comment: input.comment ?? '' },
        }),
        unacknowledge: findIncident,
        listSilences: async () => [],
        getSilence: notHere,
        createSilence: notHere,
        updateSilence: notHere,
        expireSilence: notHere,
        rules: notHere,
        reloadRules: notHere,
        health: notHere,
      },
    },
    { checkResponses: true, now: () => NOW },
  );
  const ingest = async (url: string, body: unknown) => {
    const r = await app.inject({
      method: 'POST',
      url,
      headers: { authorization: `Bearer ${operatorBearer}`, 'content-type': 'application/json' },
      payload: JSON.stringify(body),
    });
    assert.ok(r.statusCode < 300, `${url}: ${r.statusCode} ${r.body}`);
  };
  const anomalyIds = new Map<string, number>();
  for (const [i, n] of nodes.entries()) {
    const resource = { 'service.name': `svc-${n}`, 'service.instance.id': n, 'cloud.region': 'eu-west' };
    await deps.samples.append(
      [0, 1, 2].map((k) => ({
        name: METRIC,
        labels: { node_id: n, region: 'eu-west' },
        value: (mapping.tenants.get('b')?.nodes.includes(n) === true ? 10 * SLO_MAX : 0) + i + k,
        timestampMs: NOW - 60_000 + k * 20_000,
      })),
    );
    const { id, ...a } = anomaly(i + 1, {
      labels: { node_id: n, region: 'eu-west' },
      seriesKey: `${METRIC}{node_id="${n}"}`,
      startedAtMs: NOW - 10_000 - i,
      detectedAtMs: NOW - 10_000 - i,
    });
    void id;
    anomalyIds.set(n, (await deps.anomalies.insert(a)).id);
    await ingest(
      '/v1/traces',
      otlpJson(
        [
          {
            traceId: hexId(i + 1, 32),
            spanId: hexId(i + 1, 16),
            name: `op-${n}`,
            startMs: NOW - 30_000,
            durationMs: 100,
          },
        ],
        resource,
      ),
    );
    await ingest(
      '/v1/logs',
      otlpLogsJson(
        [{ timeMs: NOW - 20_000 + i, body: `migration step done on ${n}`, severityNumber: 9 }],
        resource,
      ),
    );
  }
  return {
    app,
    incidents,
    anomalyIds,
    written,
    registry: deps.registry,
    rwForeign: () => rwForeign,
    ingest,
    /** `count` traces on each of `nodes`, newer than every other trace. */
    async newerTraces(nodes: readonly string[], count: number) {
      for (const [i, n] of nodes.entries()) {
        const spans = Array.from({ length: count }, (_, k) => ({
          traceId: hexId(0x10000 + i * 100 + k, 32),
          spanId: hexId(0x10000 + i * 100 + k, 16),
          name: `op-${n}`,
          startMs: NOW - 5000 + k,
          durationMs: 10,
        }));
        await ingest('/v1/traces', otlpJson(spans, { 'service.name': `svc-${n}`, 'service.instance.id': n }));
      }
    },
    /** A trace with one span on each of `x` and `y`. */
    async mixedTrace(x: string, y: string) {
      for (const [k, n] of [x, y].entries()) {
        await ingest(
          '/v1/traces',
          otlpJson(
            [
              {
                traceId: MIXED_TRACE,
                spanId: hexId(0xf00 + k, 16),
                name: `part-${k}`,
                startMs: NOW - 40_000 + k,
                durationMs: 10,
              },
            ],
            { 'service.name': 'dwcp-node', 'service.instance.id': n },
          ),
        );
      }
    },
    async close() {
      await app.close();
      await logStore.close();
      await traceStore.close();
      await dashStore.close();
    },
  };
}

/**
 * The users of the tests, registered in the surrounding describe's `before` (auth store closed in its `after`):
 * op (operator tenant `default`, admin), alice (tenant a, admin), bob (tenant b, editor), nina (tenant n, which
 * has no node mapping, admin); `bearer` holds each one's session token.
 */
export function tenantUsers(): { auth: () => AuthService; bearer: Record<string, string> } {
  let authStore: AuthStore;
  let auth: AuthService;
  const bearer: Record<string, string> = {};
  before(async () => {
    authStore = await openSqliteAuthStore(':memory:');
    auth = new AuthService({
      store: authStore,
      signingKey: KEY,
      sessionTtlMs: 3_600_000,
      loginLimits: { maxFailures: 5 },
      auditTenant: 'default',
      now: () => NOW,
    });
    for (const [username, tenant, role] of [
      ['op', 'default', 'admin'],
      ['alice', 'a', 'admin'],
      ['bob', 'b', 'editor'],
      ['nina', 'n', 'admin'],
    ] as const) {
      await auth.addUser(tenant, { username, password: 'a-long-enough-password', role });
      bearer[username] = (await signSession(KEY, { username, tenant }, NOW, 3_600_000)).token;
    }
  });
  after(async () => {
    await authStore.close();
  });

  return { auth: () => auth, bearer };
}
