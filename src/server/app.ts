/**
 * The monitor's HTTP API as a fastify 5 instance: health, /metrics, components, anomalies, series queries,
 * Prometheus-style targets, the live websocket and (optionally) the built web page at '/'. The app never
 * listens itself; the composition root calls `listen`.
 */
import { resolve } from 'node:path';
import fastifyStatic from '@fastify/static';
import fastifyWebsocket from '@fastify/websocket';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { InvalidInputError } from '../errors.ts';
import { DEFAULT_APP_LIMITS, type ApiContext, type AppDeps, type AppLimits } from './deps.ts';
import { registerErrorHandling, sendFrameworkError } from './error-handler.ts';
import { registerResponseCheck } from './response-check.ts';
import { sendClientError } from './client-error.ts';
import { registerSecurity, type HttpSecurityOptions } from './security.ts';
import { registerAuth } from './auth.ts';
import { authRoutes } from './routes/auth.ts';
import { alertingRuleRoutes } from './routes/alerting-rules.ts';
import { anomalyRoutes } from './routes/anomalies.ts';
import { capacityRoutes } from './routes/capacity.ts';
import { componentRoutes } from './routes/components.ts';
import { dashboardRoutes } from './routes/dashboards.ts';
import { healthRoutes } from './routes/health.ts';
import { incidentRoutes } from './routes/incidents.ts';
import { liveRoutes } from './routes/live.ts';
import { metricsRoutes } from './routes/metrics.ts';
import { modelRoutes } from './routes/models.ts';
import { networkRoutes } from './routes/network.ts';
import { predictionRoutes } from './routes/predictions.ts';
import { profileRoutes } from './routes/profiles.ts';
import { regionRoutes } from './routes/regions.ts';
import { reportRoutes } from './routes/reports.ts';
import { rolloutRoutes } from './routes/rollout.ts';
import { seriesRoutes } from './routes/series.ts';
import { silenceRoutes } from './routes/silences.ts';
import { sloRoutes } from './routes/slo.ts';
import { summaryRoutes } from './routes/summaries.ts';
import { targetRoutes } from './routes/targets.ts';
import { traceRoutes } from './routes/traces.ts';
import { exemplarRoutes } from './routes/exemplars.ts';
import { logRoutes } from './routes/logs.ts';
import { logTailRoutes } from './routes/logs-tail.ts';
import { prometheusApiRoutes } from './routes/prometheus-api.ts';
import { remoteWriteRoutes } from './routes/remote-write.ts';
import { pushRoutes } from './routes/push.ts';

/** Options of {@link buildApp}. */
export interface BuildAppOptions {
  /** fastify's logger option (default false: the composition root passes its pino logger settings). */
  readonly logger?: FastifyServerOptions['logger'];
  /** Wall clock in Unix ms (default Date.now); used for query defaults. */
  readonly now?: () => number;
  /**
   * Validate every JSON response against the API contract (src/contract); a mismatch becomes a 500 naming the
   * issues. For tests (default false: each response is parsed once more).
   */
  readonly checkResponses?: boolean;
  /** Host and Origin allow-lists (src/server/security.ts); default: loopback names and same-origin only. */
  readonly security?: HttpSecurityOptions;
  /** The monitor's logger for rate-limited warnings (API 5xx, dropped live messages); omitted → none. */
  readonly warnLog?: { warn(fields: object, message: string): void };
}

/**
 * Resolves `deps.limits` against {@link DEFAULT_APP_LIMITS}.
 * @throws InvalidInputError when a limit is not a positive integer or a default exceeds its maximum
 */
export function resolveLimits(overrides: Partial<AppLimits> | undefined): AppLimits {
  const limits: AppLimits = { ...DEFAULT_APP_LIMITS, ...overrides };
  for (const [k, v] of Object.entries(limits)) {
    if (!Number.isSafeInteger(v) || v < 1)
      throw new InvalidInputError(`limits.${k} must be a positive integer, got ${v}`);
  }
  if (limits.anomaliesDefault > limits.anomaliesMax)
    throw new InvalidInputError('limits.anomaliesDefault exceeds anomaliesMax');
  if (limits.searchDefault > limits.searchMax)
    throw new InvalidInputError('limits.searchDefault exceeds searchMax');
  if (limits.queryDefaultPoints > limits.queryMaxPoints) {
    throw new InvalidInputError('limits.queryDefaultPoints exceeds queryMaxPoints');
  }
  return limits;
}

/**
 * Builds the API (routes listed in the module comment and the route files). Request bodies are limited to
 * `limits.bodyLimitBytes` (default 1 MiB; larger → 413 DWCP_PAYLOAD_TOO_LARGE). All errors are mapped by
 * `error-handler.ts`. Closing the app ends the live subscription and disconnects websocket clients.
 *
 * @returns a ready (plugins loaded) instance that is not listening
 * @throws InvalidInputError for invalid limits; the LiveFeed's LimitExceededError when it has no listener slot
 */
export async function buildApp(deps: AppDeps, opts: BuildAppOptions = {}): Promise<FastifyInstance> {
  const limits = resolveLimits(deps.limits);
  const app = Fastify({
    logger: opts.logger ?? false,
    bodyLimit: limits.bodyLimitBytes,
    frameworkErrors: sendFrameworkError,
    clientErrorHandler: sendClientError,
  });
  registerErrorHandling(app, {
    registry: deps.registry,
    ...(opts.warnLog ? { log: opts.warnLog } : {}),
    now: opts.now ?? Date.now,
  });
  // Before the Host/Origin and auth hooks: its own onRequest hook marks upgrade requests, so that an upgrade those
  // hooks refuse still has its socket destroyed once the refusal is sent (otherwise the socket stays open).
  await app.register(fastifyWebsocket, { options: { maxPayload: limits.liveMaxIncomingBytes } });
  await registerSecurity(app, opts.security);
  await registerAuth(app, {
    auth: deps.auth,
    staticFiles: deps.webRoot !== undefined,
    ...(deps.tenants ? { tenants: deps.tenants } : {}),
    ...(opts.warnLog ? { warnLog: opts.warnLog } : {}),
  });
  if (opts.checkResponses === true) registerResponseCheck(app);
  const ctx: ApiContext = {
    deps,
    limits,
    now: opts.now ?? Date.now,
    ...(opts.warnLog ? { warnLog: opts.warnLog } : {}),
  };

  await app.register(healthRoutes, ctx);
  await app.register(metricsRoutes, ctx);
  await app.register(componentRoutes, ctx);
  await app.register(anomalyRoutes, ctx);
  await app.register(seriesRoutes, ctx);
  await app.register(prometheusApiRoutes, ctx);
  await app.register(targetRoutes, ctx);
  await app.register(liveRoutes, ctx);
  await app.register(rolloutRoutes, ctx);
  await app.register(sloRoutes, ctx);
  await app.register(regionRoutes, ctx);
  await app.register(capacityRoutes, ctx);
  await app.register(networkRoutes, ctx);
  await app.register(predictionRoutes, ctx);
  await app.register(modelRoutes, ctx);
  await app.register(incidentRoutes, ctx);
  await app.register(silenceRoutes, ctx);
  await app.register(alertingRuleRoutes, ctx);
  await app.register(traceRoutes, ctx);
  await app.register(exemplarRoutes, ctx);
  await app.register(logRoutes, ctx);
  await app.register(logTailRoutes, ctx);
  await app.register(remoteWriteRoutes, ctx);
  await app.register(pushRoutes, ctx);
  await app.register(profileRoutes, ctx);
  await app.register(reportRoutes, ctx);
  await app.register(summaryRoutes, ctx);
  await app.register(dashboardRoutes, ctx);
  await app.register(authRoutes, ctx);
  if (deps.webRoot !== undefined) {
    await app.register(fastifyStatic, { root: resolve(deps.webRoot), prefix: '/', index: ['index.html'] });
  }
  await app.ready();
  return app;
}
