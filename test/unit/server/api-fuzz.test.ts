/**
 * Property-based fuzzing of every API route (listed from the built app, so new routes are fuzzed too): hostile
 * path parameters, query parameters (known names, prototype keys, arbitrary names) and JSON bodies. The app
 * checks every response against the API contract (`checkResponses`, a mismatch becomes a 500), so "no 5xx"
 * also means "every answer matches the contract". Error answers must be the API's error body.
 * Routes run on the core fakes and the real alerting service; optional sources that are not configured here
 * (insights, capacity, network, traces, profiles, reports) answer their documented 404 before reading parameters.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance, HTTPMethods } from 'fastify';
import fc from 'fast-check';
import { NO_ALERTING_METRICS } from '../../../src/alerting/metrics.ts';
import { AlertingService } from '../../../src/alerting/service.ts';
import { openAlertingDb, type AlertingDb } from '../../../src/alerting/store/open.ts';
import { parseDuration } from '../../../src/model/duration.ts';
import { buildApp } from '../../../src/server/app.ts';
import { alertingConfig } from '../../helpers/alerting-service.ts';
import { hostileString } from '../../helpers/hostile.ts';
import { T0, anomaly, seedAnomalies, testDeps } from '../../helpers/server-fakes.ts';

const dir = mkdtempSync(join(tmpdir(), 'dwcp-api-fuzz-'));
writeFileSync(join(dir, 'index.html'), '<!doctype html><title>console</title>');
let db: AlertingDb;
let app: FastifyInstance;

before(async () => {
  db = await openAlertingDb({ type: 'sqlite', path: join(dir, 'a.db') });
  const service = new AlertingService({
    config: alertingConfig({ receivers: [{ name: 'hook', type: 'webhook', url: 'http://127.0.0.1:1/x' }] }),
    db,
    clock: () => T0,
    log: { warn: () => undefined, info: () => undefined, error: () => undefined },
    metrics: NO_ALERTING_METRICS,
    parseDuration,
    openAnomalies: () => [],
    externalUrl: 'http://127.0.0.1:9500',
    scrapeIntervalMs: 1000,
    maxSeries: 100,
    deliverOnEnqueue: false,
  });
  await service.restore();
  const deps = testDeps({ webRoot: dir });
  await seedAnomalies(deps.anomalies, [anomaly(1), anomaly(2)]);
  app = await buildApp(
    {
      ...deps,
      alerting: {
        listIncidents: (l, s) => service.listIncidents(l, s),
        getIncident: (id) => service.getIncident(id),
        acknowledge: (id, i) => service.acknowledge(id, i),
        unacknowledge: (id) => service.unacknowledge(id),
        listSilences: () => service.listSilences(),
        getSilence: (id) => service.getSilence(id),
        createSilence: (b) => service.createSilence(b),
        updateSilence: (id, b) => service.updateSilence(id, b),
        expireSilence: (id) => service.expireSilence(id),
        rules: () => service.rules.overview(),
        reloadRules: () => service.reloadRules(),
        health: () => service.health(),
      },
    },
    { checkResponses: true, now: () => T0 },
  );
});
after(async () => {
  await app?.close();
  await db?.close();
  rmSync(dir, { recursive: true, force: true });
});

interface Route {
  readonly method: HTTPMethods;
  readonly path: string;
}

/** Every route of the app, from fastify's route tree (`printRoutes`), HEAD left out (it mirrors GET). */
function routesOf(a: FastifyInstance): Route[] {
  const stack: string[] = [];
  const out: Route[] = [];
  for (const line of a.printRoutes({ commonPrefix: false }).split('\n')) {
    const m = /^([│ ]*)[├└]── (\S+) \(([^)]+)\)/u.exec(line);
    if (!m) continue;
    const depth = m[1]!.length / 4;
    stack.length = depth;
    stack.push(m[2]!);
    const path = stack.join('');
    for (const method of m[3]!.split(', '))
      if (method !== 'HEAD') out.push({ method: method as HTTPMethods, path });
  }
  return out;
}

const QUERY_NAMES = [
  'start',
  'end',
  'step',
  'limit',
  'name',
  'agg',
  'by',
  'component',
  'state',
  'window',
  'region',
  'resource',
  'q',
  'severity',
  'status',
  'service',
  'operation',
  'tags',
  'minDuration',
  'maxDuration',
  'lookback',
  'at',
  'format',
  'match[region]',
  'match[job]',
  'match[__proto__]',
  'match[constructor]',
  'match[]',
  'match[a b]',
  '__proto__',
  'constructor',
];

const body = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)),
  fc
    .record(
      {
        matchers: fc.array(
          fc.record({
            name: hostileString,
            value: hostileString,
            isRegex: fc.boolean(),
            isEqual: fc.boolean(),
          }),
          { maxLength: 3 },
        ),
        startsAt: hostileString,
        endsAt: hostileString,
        createdBy: hostileString,
        comment: hostileString,
        by: hostileString,
        note: hostileString,
      },
      { requiredKeys: [] },
    )
    .map((v) => JSON.stringify(v)),
  hostileString,
);

describe('fuzz: every API route parameter', () => {
  it('hostile path parameters, query parameters and bodies never give a 5xx or a non-contract answer', async (t) => {
    const routes = routesOf(app);
    assert.ok(routes.length >= 40, `found ${routes.length} routes`);
    const counts = { tried: 0, ok: 0, clearErrors: 0, serverErrors: 0, crashes: 0 };
    const byRoute = new Map<string, number>();
    const failures: string[] = [];
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...routes),
        fc.array(hostileString, { minLength: 3, maxLength: 3 }),
        fc.array(fc.tuple(fc.oneof(fc.constantFrom(...QUERY_NAMES), hostileString), hostileString), {
          maxLength: 4,
        }),
        fc.option(body),
        async (route, segs, query, payload) => {
          let i = 0;
          // Lone surrogates cannot be percent-encoded: they become U+FFFD, as a browser sends them.
          const wellFormed = (x: string) =>
            x.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd');
          const path =
            (route.path.startsWith('/') ? '' : '/') +
            route.path.replace(/:[A-Za-z]+|\*/g, () => encodeURIComponent(wellFormed(segs[i++] ?? '')));
          const qs = new URLSearchParams(query).toString();
          const url = qs === '' ? path : `${path}?${qs}`;
          counts.tried++;
          byRoute.set(
            `${route.method} ${route.path}`,
            (byRoute.get(`${route.method} ${route.path}`) ?? 0) + 1,
          );
          let res;
          try {
            res = await app.inject({
              method: route.method,
              url,
              ...(payload === null ? {} : { payload, headers: { 'content-type': 'application/json' } }),
            });
          } catch (e) {
            counts.crashes++;
            failures.push(`${route.method} ${url}: ${String(e)}`);
            return;
          }
          if (res.statusCode >= 500) {
            counts.serverErrors++;
            failures.push(
              `${route.method} ${url} ${payload ?? ''} → ${res.statusCode} ${res.body.slice(0, 300)}`,
            );
          } else if (res.statusCode >= 400) {
            counts.clearErrors++;
            const e = res.json() as { status?: unknown; errorType?: unknown; error?: unknown };
            assert.equal(e.status, 'error', `${route.method} ${url}: ${res.body.slice(0, 200)}`);
            // The Prometheus query API answers query errors with Prometheus' error types (a path parameter
            // longer than fastify's limit matches no route: the API's 404).
            const promApi =
              /^\/api\/v1\/((query|query_range|series|labels)$|label\/)/.test(route.path) &&
              res.statusCode !== 404;
            assert.match(String(e.errorType), promApi ? /^(bad_data|execution|timeout)$/ : /^DWCP_[A-Z_]+$/);
            assert.ok(
              typeof e.error === 'string' && e.error.length > 0 && e.error.length < 2000,
              `error message length of ${route.method} ${url}`,
            );
          } else counts.ok++;
        },
      ),
      { numRuns: 4000 },
    );
    t.diagnostic(
      `API: ${routes.length} routes, ${counts.tried} requests tried, ${counts.ok} 2xx/3xx, ${counts.clearErrors} clear 4xx errors, ${counts.serverErrors} 5xx, ${counts.crashes} crashes`,
    );
    assert.deepEqual(failures.slice(0, 10), []);
    assert.equal(byRoute.size, routes.length, 'every route was fuzzed');
  });
});
