/**
 * The log routes: receivers POST /v1/logs (OTLP/HTTP, protobuf or JSON, optionally gzip) and POST
 * /loki/api/v1/push (Loki: JSON optionally gzip, or snappy-compressed protobuf); the Loki query API GET
 * /loki/api/v1/query_range, /loki/api/v1/query, /loki/api/v1/labels, /loki/api/v1/label/{name}/values and /loki/api/v1/series (so Grafana's Loki data
 * source can read the monitor); and GET /api/logs for the web page.
 * @see https://opentelemetry.io/docs/specs/otlp/#otlphttp
 * @see https://grafana.com/docs/loki/latest/reference/loki-http-api/
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import {
  LOG_LEVEL_VALUES,
  type LogsResponse,
  type LokiInstantQueryResponse,
  type LokiLabelsResponse,
  type LokiQueryResponse,
  type LokiSeriesResponse,
} from '../../contract/logs.ts';
import { InvalidInputError, NotFoundError } from '../../errors.ts';
import type { ApiContext, LogSource } from '../deps.ts';
import { tenantScope } from '../tenancy.ts';
import { durationParam, intParam, parseQuery, parseTime } from '../params.ts';

const PUSH_TYPES = ['application/x-protobuf', 'application/protobuf', 'application/json'];
/** Default query window when `start` is not given: one hour before `end` (as Loki). */
const DEFAULT_LOOKBACK_US = 3_600_000_000;
const MAX_LIMIT = 5000;
const DEFAULT_LIMIT = 100;
const TRACE_ID = /^[0-9a-f]{32}$/;
/** Characters of a `query` parameter of the label routes (as GET /api/logs' `query`). */
const MAX_QUERY_CHARS = 16_384;
/** Stream selectors one series request may name. */
const MAX_SERIES_SELECTORS = 100;

/**
 * A Loki API time in Unix µs: integers of more than 10 digits are Unix nanoseconds, shorter ones and decimals
 * Unix seconds, anything else RFC3339.
 * @throws InvalidInputError when it is none of these
 */
export function parseLokiTime(value: string, name: string): number {
  if (/^\d{11,20}$/.test(value)) return Math.floor(Number(value.slice(0, -3)));
  return parseTime(value, name) * 1000;
}

/** zod schema of a Loki time parameter; parseQuery prefixes its issues with the parameter's name. */
const lokiTime = () =>
  z.string().transform((s, ctx) => {
    try {
      return parseLokiTime(s, '');
    } catch (e) {
      ctx.issues.push({ code: 'custom', message: (e as Error).message, input: s });
      return z.NEVER;
    }
  });

/** Registers the receivers in their own scope: raw-body parsers for the two push content types only. */
async function receiverRoutes(app: FastifyInstance, logs: LogSource): Promise<void> {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser(
    PUSH_TYPES,
    { parseAs: 'buffer', bodyLimit: logs.maxBodyBytes },
    (_req, body, done) => done(null, body),
  );
  app.addHook('onError', async (request, _reply, err) => {
    const protocol = request.url.startsWith('/loki/') ? 'loki' : 'otlp';
    const code = (err as { code?: unknown }).code;
    if (code === 'FST_ERR_CTP_BODY_TOO_LARGE') logs.countRejectedRequest(protocol, 'too_large');
    else if (code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE')
      logs.countRejectedRequest(protocol, 'unsupported_media_type');
  });
  const input = (request: FastifyRequest) => ({
    body: Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0),
    contentType:
      typeof request.headers['content-type'] === 'string' ? request.headers['content-type'] : undefined,
    contentEncoding:
      typeof request.headers['content-encoding'] === 'string'
        ? request.headers['content-encoding']
        : undefined,
    scope: tenantScope(request),
  });
  app.post('/v1/logs', { bodyLimit: logs.maxBodyBytes }, async (request, reply) => {
    const req = input(request);
    const res = await logs.receiveOtlp(req);
    if (/^application\/json\b/i.test(req.contentType ?? '')) return reply.type('application/json').send(res);
    return reply.type('application/x-protobuf').send(Buffer.from(logs.encodeOtlpProtobuf(res)));
  });
  app.post('/loki/api/v1/push', { bodyLimit: logs.maxBodyBytes }, async (request, reply) => {
    await logs.receiveLoki(input(request));
    return reply.code(204).send();
  });
}

/** When the log system is off: every log route answers 404 before reading the body. */
async function disabledRoutes(app: FastifyInstance): Promise<void> {
  app.addHook('onRequest', async () => {
    throw new NotFoundError('logs are not enabled on this monitor');
  });
  for (const url of ['/v1/logs', '/loki/api/v1/push']) app.post(url, async () => ({}));
  for (const url of [
    '/loki/api/v1/query_range',
    '/loki/api/v1/query',
    '/loki/api/v1/labels',
    '/loki/api/v1/label/:name/values',
    '/loki/api/v1/series',
    '/api/logs',
  ])
    app.get(url, async () => ({}));
  app.post('/loki/api/v1/series', async () => ({}));
}

/**
 * Registers (404 `DWCP_NOT_FOUND` for each when `deps.logs` is omitted):
 * - POST /v1/logs — OTLP/HTTP logs export (`application/x-protobuf` or `application/json`, optionally gzip);
 *   200 with `ExportLogsServiceResponse` in the request's encoding (partial success naming rejected entries).
 * - POST /loki/api/v1/push — Loki push (`application/json`, optionally gzip, or snappy `application/x-protobuf`);
 *   204 when at least one entry was stored (rejected entries are counted).
 *   Both: 400 (does not decode, no valid entry), 413 (too large), 415 (other content type), 503 (store failure).
 *   A tenant's token stores only entries of its nodes or regions: the others are rejected as `foreign_node`
 *   (named in OTLP's partial success, counted for Loki), and a request with none of its entries is 403.
 * - GET /loki/api/v1/query_range?query=&start=&end=&since=&limit=&step=&direction= — LogQL (see src/logs/logql):
 *   streams for a log query, a matrix for count_over_time/rate. Times Unix ns, Unix seconds or RFC3339 (default:
 *   the hour before now; `since`, as in Loki and on every route with `start`, a duration: start = end − since); `limit` 1..5000 (default 100); `step` a duration or seconds (default range/250, ≥ 1 s);
 *   `direction` backward (default) or forward. A query that does not parse → 400 naming the column.
 * - GET /loki/api/v1/query?query=&time=&limit=&direction= — LogQL at one instant (`time` as above, default
 *   now): a vector for count_over_time/rate (each series' value over its range ending at `time`), streams for a
 *   log query (the hour up to `time`). Errors as query_range.
 * - GET /loki/api/v1/labels?start=&end=&query=, GET /loki/api/v1/label/{name}/values?start=&end=&query= — `query`
 *   an optional stream selector: only the names or values of the streams it matches (400 when it is not one)
 * - GET or POST /loki/api/v1/series?match[]=&start=&end= — the label sets of the streams matching any of the
 *   stream selectors (repeatable, at most 100) with entries in the range (Loki's series response); no match[] or a
 *   selector that does not parse or has a pipeline → 400.
 * - GET /api/logs?q=&query=&level=&service=&node_id=&region=&component=&trace_id=&span_id=&start=&end=&limit= —
 *   entries, newest first: `q` words (all required, whole words), `query` a LogQL log query, `level` a comma
 *   list, times as above; every filter given is required.
 * A tenant-scoped caller (src/server/tenancy.ts) reads only entries of its nodes or regions on every query route
 * (the log store filters, so limits count the tenant's entries only): streams, matrices, vectors, label names and
 * values, series, and the entry search.
 */
export async function logRoutes(app: FastifyInstance, ctx: ApiContext): Promise<void> {
  const logs = ctx.deps.logs;
  if (logs === undefined) {
    await app.register(disabledRoutes);
    return;
  }
  await app.register(async (scope) => receiverRoutes(scope, logs));
  // Loki's `since` (a duration, ms here): start = end − since, or now − since when end is in the future; an
  // explicit start wins
  const range = (q: { start?: number; end?: number; since?: number }) => {
    const nowUs = ctx.now() * 1000;
    const endUs = q.end ?? nowUs;
    const startUs =
      q.start ??
      (q.since === undefined ? endUs - DEFAULT_LOOKBACK_US : Math.min(endUs, nowUs) - q.since * 1000);
    if (startUs > endUs) throw new InvalidInputError('start must not be after end');
    return { startUs, endUs };
  };
  const times = {
    start: lokiTime().optional(),
    end: lokiTime().optional(),
    since: durationParam().optional(),
  };

  const RangeSchema = z.strictObject({
    query: z.string().min(1, 'query is required'),
    ...times,
    limit: intParam(1, MAX_LIMIT).optional(),
    step: durationParam().optional(),
    direction: z.enum(['backward', 'forward']).optional(),
  });
  app.get('/loki/api/v1/query_range', async (request): Promise<LokiQueryResponse> => {
    const q = parseQuery(request.query, { schema: RangeSchema }).values;
    const { startUs, endUs } = range(q);
    const stepMs = q.step ?? Math.max(1000, Math.floor((endUs - startUs) / 1000 / 250));
    if (!(stepMs > 0)) throw new InvalidInputError('step must be > 0');
    return logs.queryRange({
      query: q.query,
      startUs,
      endUs,
      limit: q.limit ?? DEFAULT_LIMIT,
      stepMs,
      direction: q.direction ?? 'backward',
      scope: tenantScope(request),
    });
  });

  const InstantSchema = z.strictObject({
    query: z.string().min(1, 'query is required'),
    time: lokiTime().optional(),
    limit: intParam(1, MAX_LIMIT).optional(),
    direction: z.enum(['backward', 'forward']).optional(),
  });
  app.get('/loki/api/v1/query', async (request): Promise<LokiInstantQueryResponse> => {
    const q = parseQuery(request.query, { schema: InstantSchema }).values;
    return logs.queryInstant({
      query: q.query,
      timeUs: q.time ?? ctx.now() * 1000,
      limit: q.limit ?? DEFAULT_LIMIT,
      direction: q.direction ?? 'backward',
      scope: tenantScope(request),
    });
  });

  // `query`: a stream selector narrowing the names or values to the streams it matches (Loki 2.9+; Grafana's
  // label browser and label_values({…}, label) variables send it); empty means none
  const LabelsSchema = z.strictObject({ ...times, query: z.string().max(MAX_QUERY_CHARS).optional() });
  const labelsQuery = (request: FastifyRequest) => {
    const q = parseQuery(request.query, { schema: LabelsSchema }).values;
    const selector = q.query?.trim() ? q.query : undefined;
    return { ...range(q), selector };
  };
  app.get('/loki/api/v1/labels', async (request): Promise<LokiLabelsResponse> => {
    const { startUs, endUs, selector } = labelsQuery(request);
    return logs.labels(startUs, endUs, tenantScope(request), selector);
  });
  app.get<{ Params: { name: string } }>(
    '/loki/api/v1/label/:name/values',
    async (request): Promise<LokiLabelsResponse> => {
      const { startUs, endUs, selector } = labelsQuery(request);
      if (!/^[a-zA-Z_][a-zA-Z0-9_]*$/.test(request.params.name))
        throw new InvalidInputError(`invalid label name ${JSON.stringify(request.params.name.slice(0, 64))}`);
      return logs.labelValues(request.params.name, startUs, endUs, tenantScope(request), selector);
    },
  );

  // Loki reads match[] from the URL for GET and POST (a form-encoded POST body is refused as a cross-site form by
  // the security layer, so POST carries its parameters in the URL too)
  const SeriesSchema = z.strictObject({
    'match[]': z.union([z.string(), z.array(z.string())]).optional(),
    ...times,
  });
  const series = async (request: FastifyRequest): Promise<LokiSeriesResponse> => {
    const q = parseQuery(request.query, { schema: SeriesSchema, repeatable: ['match[]'] }).values;
    const { startUs, endUs } = range(q);
    const m = q['match[]'];
    const matches = (m === undefined ? [] : typeof m === 'string' ? [m] : m).filter((s) => s.trim() !== '');
    if (matches.length > MAX_SERIES_SELECTORS)
      throw new InvalidInputError(
        `match[]: at most ${MAX_SERIES_SELECTORS} selectors, got ${matches.length}`,
      );
    return logs.series(matches, startUs, endUs, tenantScope(request));
  };
  app.get('/loki/api/v1/series', series);
  app.post('/loki/api/v1/series', series);

  const label = z.string().min(1).max(256).optional();
  const SearchSchema = z.strictObject({
    q: z.string().max(1024).optional(),
    level: z
      .string()
      .transform((s) => s.split(',').map((x) => x.trim().toLowerCase()))
      .pipe(z.array(z.enum(LOG_LEVEL_VALUES)).min(1))
      .optional(),
    service: label,
    node_id: label,
    region: label,
    component: label,
    trace_id: z.string().regex(TRACE_ID, 'must be 32 lowercase hex digits').optional(),
    span_id: z
      .string()
      .regex(/^[0-9a-f]{16}$/, 'must be 16 lowercase hex digits')
      .optional(),
    query: z.string().max(MAX_QUERY_CHARS).optional(),
    ...times,
    limit: intParam(1, MAX_LIMIT).optional(),
  });
  app.get('/api/logs', async (request): Promise<LogsResponse> => {
    const q = parseQuery(request.query, { schema: SearchSchema }).values;
    const { startUs, endUs } = range(q);
    const labels: Partial<Record<'service' | 'node_id' | 'region' | 'component', string>> = {};
    for (const k of ['service', 'node_id', 'region', 'component'] as const)
      if (q[k] !== undefined) labels[k] = q[k];
    return logs.search({
      startUs,
      endUs,
      limit: q.limit ?? DEFAULT_LIMIT,
      words: q.q === undefined ? [] : q.q.split(/\s+/).filter((w) => w !== ''),
      labels,
      ...(q.level !== undefined ? { levels: q.level } : {}),
      ...(q.trace_id !== undefined ? { traceId: q.trace_id } : {}),
      ...(q.span_id !== undefined ? { spanId: q.span_id } : {}),
      ...(q.query !== undefined && q.query.trim() !== '' ? { query: q.query } : {}),
      scope: tenantScope(request),
    });
  });
}
