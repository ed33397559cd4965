/**
 * The log routes over the real receivers, query service and a SQLite log store in memory, seeded through the
 * receivers with the entries the route tests read (times before {@link NOW}): OTLP from node-1 (30 s and 20 s
 * before, error and warn, one traced), Loki protobuf from node-2 (10 s before, info, region eu-west, component
 * mode) and Loki JSON from node-2 (5 s before, error, no region or component).
 */
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { LogApi } from '../../src/logs/log-api.ts';
import { openSqliteLogStore } from '../../src/logs/store/open.ts';
import type { LogStore } from '../../src/logs/store/log-store.ts';
import { buildApp } from '../../src/server/app.ts';
import { lokiJson, lokiSnappyProtobuf, otlpLogsJson } from './log-push.ts';
import { testDeps } from './server-fakes.ts';

/** The fixture's clock (Unix ms). */
export const NOW = Date.UTC(2026, 0, 1, 12);
/** Trace id of node-1's error entry. */
export const TRACE = 'ef'.repeat(16);
const DAY = 86_400_000;
const retentionMs = { debug: DAY, info: DAY, warn: DAY, error: DAY, fatal: DAY };

/** The seeded app, its store, a GET helper (status and parsed body) and the close of both. */
export interface LogRoutesFixture {
  readonly app: FastifyInstance;
  readonly store: LogStore;
  get<T>(url: string): Promise<{ status: number; body: T }>;
  close(): Promise<void>;
}

/** Builds and seeds the fixture (responses checked against the contract). */
export async function openLogRoutesFixture(): Promise<LogRoutesFixture> {
  const store = await openSqliteLogStore(':memory:', { retentionMs });
  const deps = testDeps();
  const logs = new LogApi(store, {
    registry: deps.registry,
    now: () => NOW,
    limits: { maxBodyBytes: 64 * 1024 },
  });
  const app = await buildApp({ ...deps, logs }, { checkResponses: true, now: () => NOW });
  /** Sends one push and requires its success status. */
  const push = async (
    url: string,
    contentType: string,
    payload: string | Buffer | Uint8Array,
    ok: number,
  ) => {
    const r = await app.inject({ method: 'POST', url, headers: { 'content-type': contentType }, payload });
    assert.equal(r.statusCode, ok, r.body);
  };
  await push(
    '/v1/logs',
    'application/json',
    JSON.stringify(
      otlpLogsJson([
        {
          timeMs: NOW - 30_000,
          body: '{"msg":"migration timeout","vm":"vm-1","attempt":3}',
          severityNumber: 17,
          traceId: TRACE,
          spanId: 'ab'.repeat(8),
          attributes: { component: 'migration' },
        },
        {
          timeMs: NOW - 20_000,
          body: '{"msg":"retrying transfer","vm":"vm-1","attempt":1}',
          severityNumber: 13,
          attributes: { component: 'transport' },
        },
      ]),
    ),
    200,
  );
  await push(
    '/loki/api/v1/push',
    'application/x-protobuf',
    lokiSnappyProtobuf([
      {
        labels: {
          service_name: 'dwcp-node',
          node_id: 'node-2',
          region: 'eu-west',
          level: 'info',
          component: 'mode',
        },
        entries: [[NOW - 10_000, 'mode switch datacenter -> internet from 10.1.2.3']],
      },
    ]),
    204,
  );
  await push(
    '/loki/api/v1/push',
    'application/json',
    lokiJson([
      {
        labels: { service: 'dwcp-node', node_id: 'node-2', level: 'error' },
        entries: [[NOW - 5000, 'peer timeout user=alice@example.com']],
      },
    ]),
    204,
  );
  return {
    app,
    store,
    get: async <T>(url: string) => {
      const r = await app.inject({ method: 'GET', url });
      return { status: r.statusCode, body: r.json() as T };
    },
    close: async () => {
      await app.close();
      await store.close();
    },
  };
}
