/**
 * Optional check of every JSON response against the API contract (src/contract): the route's success schema for
 * 2xx/3xx bodies (and /ready's 503), the error body schema for 4xx/5xx. For tests: it parses every response once.
 * A response that does not match is replaced by a 500 `DWCP_INTERNAL` error whose message lists the issues.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import {
  DeliveryHealthResponseSchema,
  IncidentResponseSchema,
  IncidentsResponseSchema,
  RulesOverviewResponseSchema,
  SilenceResponseSchema,
  SilencesResponseSchema,
} from '../contract/alerting.ts';
import { AcknowledgeResponseSchema, AnomaliesResponseSchema } from '../contract/anomalies.ts';
import { ApiErrorBodySchema, type ApiErrorBody } from '../contract/api-error.ts';
import {
  PromErrorBodySchema,
  PromLabelsResponseSchema,
  PromQueryResponseSchema,
  PromSeriesResponseSchema,
} from '../contract/prometheus.ts';
import {
  ApiTokenResponseSchema,
  ApiTokensResponseSchema,
  AuditResponseSchema,
  CreatedApiTokenResponseSchema,
  LoginResponseSchema,
  PrincipalResponseSchema,
  UserResponseSchema,
  UsersResponseSchema,
} from '../contract/auth.ts';
import { CapacityResponseSchema } from '../contract/capacity.ts';
import { ComponentsResponseSchema } from '../contract/components.ts';
import {
  DashboardDataResponseSchema,
  DashboardExportSchema,
  DashboardImportResponseSchema,
  DashboardPageResponseSchema,
  DashboardResponseSchema,
  DashboardTemplatesResponseSchema,
  DashboardVariablesResponseSchema,
  DashboardVersionsResponseSchema,
} from '../contract/dashboards.ts';
import { HealthReportSchema, ReadyResponseSchema } from '../contract/health.ts';
import { ModelPerformanceResponseSchema } from '../contract/models.ts';
import { NetworkResponseSchema } from '../contract/network.ts';
import { PredictionsResponseSchema } from '../contract/predictions.ts';
import {
  FlameGraphResponseSchema,
  ProfileComparisonResponseSchema,
  ProfileCreatedResponseSchema,
  ProfilesResponseSchema,
} from '../contract/profiles.ts';
import { RegionsResponseSchema } from '../contract/regions.ts';
import { ReportsCreatedResponseSchema, ReportsResponseSchema } from '../contract/reports.ts';
import { RolloutResponseSchema } from '../contract/rollout.ts';
import { QueryResponseSchema, SearchResponseSchema } from '../contract/series.ts';
import { SloResponseSchema } from '../contract/slo.ts';
import { MetricsSummaryResponseSchema, SystemMetricsResponseSchema } from '../contract/summaries.ts';
import { TargetsResponseSchema } from '../contract/targets.ts';
import { PushResponseSchema } from '../contract/push.ts';
import {
  ExemplarsResponseSchema,
  NamesResponseSchema,
  OtlpExportResponseSchema,
  OtlpStatusSchema,
  TracesResponseSchema,
} from '../contract/traces.ts';
import {
  LogsResponseSchema,
  LokiInstantQueryResponseSchema,
  LokiLabelsResponseSchema,
  LokiQueryResponseSchema,
  LokiSeriesResponseSchema,
  OtlpLogsExportResponseSchema,
} from '../contract/logs.ts';

/** `METHOD url-pattern` of each JSON route → the schema of its success body. */
export const RESPONSE_SCHEMAS: Readonly<Record<string, z.ZodType>> = {
  'GET /health': HealthReportSchema,
  'GET /ready': ReadyResponseSchema,
  'GET /api/components/status': ComponentsResponseSchema,
  'GET /api/anomalies': AnomaliesResponseSchema,
  'POST /api/anomalies/:id/acknowledge': AcknowledgeResponseSchema,
  'GET /api/metrics/search': SearchResponseSchema,
  'GET /api/metrics/query': QueryResponseSchema,
  'POST /api/metrics': PushResponseSchema,
  'GET /api/v1/targets': TargetsResponseSchema,
  'GET /api/v1/query': PromQueryResponseSchema,
  'GET /api/v1/query_range': PromQueryResponseSchema,
  'GET /api/v1/series': PromSeriesResponseSchema,
  'GET /api/v1/labels': PromLabelsResponseSchema,
  'POST /api/v1/query': PromQueryResponseSchema,
  'POST /api/v1/query_range': PromQueryResponseSchema,
  'POST /api/v1/series': PromSeriesResponseSchema,
  'POST /api/v1/labels': PromLabelsResponseSchema,
  'GET /api/v1/label/:name/values': PromLabelsResponseSchema,
  'GET /api/rollout': RolloutResponseSchema,
  'GET /api/slo': SloResponseSchema,
  'GET /api/regions/health': RegionsResponseSchema,
  'GET /api/capacity': CapacityResponseSchema,
  'GET /api/network': NetworkResponseSchema,
  'GET /api/predictions/:metric': PredictionsResponseSchema,
  'GET /api/models/performance': ModelPerformanceResponseSchema,
  'GET /api/incidents': IncidentsResponseSchema,
  'GET /api/incidents/:id': IncidentResponseSchema,
  'POST /api/incidents/:id/acknowledge': IncidentResponseSchema,
  'POST /api/incidents/:id/unacknowledge': IncidentResponseSchema,
  'GET /api/silences': SilencesResponseSchema,
  'GET /api/silences/:id': SilenceResponseSchema,
  'POST /api/silences': SilenceResponseSchema,
  'PUT /api/silences/:id': SilenceResponseSchema,
  'DELETE /api/silences/:id': SilenceResponseSchema,
  'GET /api/alerting/rules': RulesOverviewResponseSchema,
  'POST /api/alerting/rules/reload': RulesOverviewResponseSchema,
  'GET /api/alerting/health': DeliveryHealthResponseSchema,
  'POST /v1/traces': OtlpExportResponseSchema,
  'GET /api/traces': TracesResponseSchema,
  'GET /api/v1/query_exemplars': ExemplarsResponseSchema,
  'GET /api/traces/:traceId': TracesResponseSchema,
  'GET /api/services': NamesResponseSchema,
  'GET /api/services/:service/operations': NamesResponseSchema,
  'POST /v1/logs': OtlpLogsExportResponseSchema,
  'GET /loki/api/v1/query_range': LokiQueryResponseSchema,
  'GET /loki/api/v1/query': LokiInstantQueryResponseSchema,
  'GET /loki/api/v1/labels': LokiLabelsResponseSchema,
  'GET /loki/api/v1/label/:name/values': LokiLabelsResponseSchema,
  'GET /loki/api/v1/series': LokiSeriesResponseSchema,
  'POST /loki/api/v1/series': LokiSeriesResponseSchema,
  'GET /api/logs': LogsResponseSchema,
  'GET /api/profiles': ProfilesResponseSchema,
  'POST /api/profiles': ProfileCreatedResponseSchema,
  'GET /api/profiles/:id/flamegraph': FlameGraphResponseSchema,
  'GET /api/profiles/compare': ProfileComparisonResponseSchema,
  'GET /api/reports': ReportsResponseSchema,
  'GET /api/system/metrics': SystemMetricsResponseSchema,
  'GET /metrics/summary': MetricsSummaryResponseSchema,
  'POST /api/reports': ReportsCreatedResponseSchema,
  'POST /api/dashboards': DashboardResponseSchema,
  'GET /api/dashboards': DashboardPageResponseSchema,
  'GET /api/dashboards/:id': DashboardResponseSchema,
  'PUT /api/dashboards/:id': DashboardResponseSchema,
  'DELETE /api/dashboards/:id': DashboardResponseSchema,
  'GET /api/dashboards/:id/versions': DashboardVersionsResponseSchema,
  'GET /api/dashboards/:id/data': DashboardDataResponseSchema,
  'GET /api/dashboards/:id/variables': DashboardVariablesResponseSchema,
  'GET /api/dashboards/templates': DashboardTemplatesResponseSchema,
  'POST /api/dashboards/import/grafana': DashboardImportResponseSchema,
  'GET /api/dashboards/:id/export': DashboardExportSchema,
  'POST /api/dashboards/templates/:name': DashboardResponseSchema,
  'POST /api/auth/login': LoginResponseSchema,
  'GET /api/auth/me': PrincipalResponseSchema,
  'GET /api/auth/users': UsersResponseSchema,
  'POST /api/auth/users': UserResponseSchema,
  'DELETE /api/auth/users/:username': UserResponseSchema,
  'GET /api/auth/tokens': ApiTokensResponseSchema,
  'POST /api/auth/tokens': CreatedApiTokenResponseSchema,
  'DELETE /api/auth/tokens/:id': ApiTokenResponseSchema,
  'GET /api/audit': AuditResponseSchema,
};

/** Routes of the Prometheus query API (src/server/routes/prometheus-api.ts). */
const PROM_QUERY_ROUTES: ReadonlySet<string> = new Set([
  'GET /api/v1/query',
  'GET /api/v1/query_range',
  'GET /api/v1/series',
  'GET /api/v1/labels',
  'GET /api/v1/label/:name/values',
  'POST /api/v1/query',
  'POST /api/v1/query_range',
  'POST /api/v1/series',
  'POST /api/v1/labels',
]);

/** At most this many issues are listed in the replacement error. */
const MAX_ISSUES = 5;

/** The schema a response must match, or undefined for responses the contract does not describe. */
function schemaFor(method: string, url: string | undefined, statusCode: number): z.ZodType | undefined {
  const route = `${method} ${url ?? ''}`;
  // /ready answers its own body with 200 and 503; a refused request (400 for query parameters) is an API error.
  if (route === 'GET /ready' && (statusCode === 200 || statusCode === 503)) return ReadyResponseSchema;
  // A refused credential on /v1/traces is answered by the receiver's own (OTLP) error handler when traces are
  // on, and by the API's when they are off (the route then only answers 404).
  if (route === 'POST /v1/traces' && statusCode === 401)
    return z.union([OtlpStatusSchema, ApiErrorBodySchema]);
  // The Prometheus query API answers query errors in Prometheus' shape, other refusals (auth) in the API's.
  if (statusCode >= 400 && PROM_QUERY_ROUTES.has(route))
    return z.union([PromErrorBodySchema, ApiErrorBodySchema]);
  if (statusCode >= 400)
    return route === 'POST /v1/traces' && statusCode !== 404 ? OtlpStatusSchema : ApiErrorBodySchema;
  return RESPONSE_SCHEMAS[route];
}

/**
 * Adds an `onSend` hook that validates JSON bodies (content type `application/json`) against the contract.
 * Text bodies (GET /metrics, the web page) and websocket upgrades are not checked.
 */
export function registerResponseCheck(app: FastifyInstance): void {
  app.addHook('onSend', async (request, reply, payload) => {
    const type = reply.getHeader('content-type');
    if (typeof payload !== 'string' || typeof type !== 'string' || !type.startsWith('application/json'))
      return payload;
    const schema = schemaFor(request.method, request.routeOptions.url, reply.statusCode);
    if (schema === undefined) return payload;
    const result = schema.safeParse(JSON.parse(payload));
    if (result.success) return payload;
    const issues = result.error.issues
      .slice(0, MAX_ISSUES)
      .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
      .join('; ');
    reply.code(500);
    const body: ApiErrorBody = {
      status: 'error',
      errorType: 'DWCP_INTERNAL',
      error: `response of ${request.method} ${request.routeOptions.url ?? request.url} does not match the API contract: ${issues}`,
    };
    return JSON.stringify(body);
  });
}
