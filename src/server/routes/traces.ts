/**
 * POST /v1/traces (the OTLP/HTTP trace receiver: binary protobuf or JSON, optionally gzip) and the trace queries
 * GET /api/traces, GET /api/traces/:traceId, GET /api/services and GET /api/services/:service/operations (Jaeger
 * query API parameters and response shape).
 * @see https://opentelemetry.io/docs/specs/otlp/#otlphttp
 * @see https://www.jaegertracing.io/docs/latest/apis/ (query service HTTP API)
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import {
  SPAN_STATUS_FILTERS,
  type NamesResponse,
  type OtlpStatus,
  type TracesResponse,
} from '../../contract/traces.ts';
import { InvalidInputError, NotFoundError } from '../../errors.ts';
import type { ApiContext, TraceSource } from '../deps.ts';
import { scopeTraces } from '../scoped-data.ts';
import { tenantScope } from '../tenancy.ts';
import { grpcCodeOf, requestFacts, toHttpError } from '../error-handler.ts';
import { intParam, parseQuery } from '../params.ts';

/** Content types of the two OTLP/HTTP encodings. */
const OTLP_TYPES = ['application/x-protobuf', 'application/protobuf', 'application/json'];
const TRACE_ID = /^[0-9a-f]{32}$/;
const DURATION = /^(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)$/;
const DURATION_US: Readonly<Record<string, number>> = {
  ns: 0.001,
  us: 1,
  µs: 1,
  ms: 1000,
  s: 1e6,
  m: 6e7,
  h: 3.6e9,
};
/** Default search window when `start` is not given: one hour before `end`. */
const DEFAULT_LOOKBACK_US = 3_600_000_000;
const MAX_TAGS = 20;

/**
 * A Jaeger search duration (Go duration syntax with one unit: `500us`, `1.5ms`, `2s`, `1m`, `1h`) in µs; `name`
 * prefixes the error message (`''` for none).
 * @throws InvalidInputError for anything else
 */
export function parseSpanDuration(value: string, name: string): number {
  const m = DURATION.exec(value);
  if (!m)
    throw new InvalidInputError(
      `${name === '' ? '' : `${name}: `}cannot parse "${value}" as a duration such as 500us, 1.5ms, 2s, 1m, 1h`,
    );
  return Math.round(Number(m[1]) * DURATION_US[m[2]!]!);
}

/** zod schema of a Jaeger duration parameter; parseQuery prefixes its issues with the parameter's name. */
const durationParam = () =>
  z.string().transform((s, ctx) => {
    try {
      return parseSpanDuration(s, '');
    } catch (e) {
      ctx.issues.push({ code: 'custom', message: (e as Error).message, input: s });
      return z.NEVER;
    }
  });

/** Unix microseconds (Jaeger's `start`/`end`). */
const microsParam = z
  .string()
  .regex(/^\d{1,17}$/, 'must be Unix microseconds (digits)')
  .transform(Number);

const tagsParam = z.string().transform((s, ctx) => {
  let v: unknown;
  try {
    v = JSON.parse(s);
  } catch {
    ctx.issues.push({
      code: 'custom',
      message: 'tags must be a JSON object of strings, e.g. {"dwcp.vm.id":"vm-1"}',
      input: s,
    });
    return z.NEVER;
  }
  const r = z.record(z.string().min(1), z.string()).safeParse(v);
  if (!r.success || Object.keys(r.data).length > MAX_TAGS) {
    ctx.issues.push({
      code: 'custom',
      message: `tags must be a JSON object of at most ${MAX_TAGS} string values`,
      input: s,
    });
    return z.NEVER;
  }
  return r.data;
});

/**
 * Registers the OTLP receiver in its own scope: raw-body parsers for its two content types only, and errors
 * answered as OTLP/HTTP requires: the status of src/server/error-handler.ts with a `google.rpc.Status` body,
 * binary protobuf for protobuf requests and JSON otherwise.
 */
async function receiverRoutes(app: FastifyInstance, traces: TraceSource): Promise<void> {
  app.setErrorHandler((err: unknown, request, reply) => {
    const { statusCode, body } = toHttpError(err, requestFacts(request));
    if (statusCode >= 500) request.log.error({ err }, 'OTLP export failed');
    const status: OtlpStatus = { code: grpcCodeOf(statusCode), message: body.error };
    reply.code(statusCode);
    if (/^application\/(x-)?protobuf\b/i.test(request.headers['content-type'] ?? '')) {
      return reply.type('application/x-protobuf').send(Buffer.from(traces.encodeStatus(status)));
    }
    return reply.type('application/json').send(status);
  });
  app.removeAllContentTypeParsers();
  app.addContentTypeParser(
    OTLP_TYPES,
    { parseAs: 'buffer', bodyLimit: traces.maxBodyBytes },
    (_req, body, done) => done(null, body),
  );
  app.addHook('onError', async (_request, _reply, err) => {
    const code = (err as { code?: unknown }).code;
    if (code === 'FST_ERR_CTP_BODY_TOO_LARGE') traces.countRejectedRequest('too_large');
    else if (code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE' || code === 'DWCP_UNSUPPORTED_MEDIA_TYPE')
      traces.countRejectedRequest('unsupported_media_type');
  });
  app.post('/v1/traces', { bodyLimit: traces.maxBodyBytes }, async (request, reply) => {
    const contentType = request.headers['content-type'];
    const contentEncoding = request.headers['content-encoding'];
    const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
    const res = await traces.receive({ body, contentType, contentEncoding, scope: tenantScope(request) });
    if (/^application\/json\b/i.test(contentType ?? '')) return reply.type('application/json').send(res);
    return reply.type('application/x-protobuf').send(Buffer.from(traces.encodeProtobuf(res)));
  });
}

/** When the trace system is off: every trace route answers 404 before reading the body. */
async function disabledRoutes(app: FastifyInstance): Promise<void> {
  app.addHook('onRequest', async () => {
    throw new NotFoundError('traces are not enabled on this monitor');
  });
  app.post('/v1/traces', async () => ({}));
  app.get('/api/traces', async () => ({}));
  app.get('/api/traces/:traceId', async () => ({}));
  app.get('/api/services', async () => ({}));
  app.get('/api/services/:service/operations', async () => ({}));
}

/**
 * Registers (404 `DWCP_NOT_FOUND` for each when `deps.traces` is omitted):
 * - POST /v1/traces — OTLP/HTTP export request in `application/x-protobuf` or `application/json`, optionally
 *   `Content-Encoding: gzip`; body at most `traces.maxBodyBytes`. 200 with `ExportTraceServiceResponse` in the
 *   request's encoding (partial success naming rejected spans). Errors: 400 (does not decode, no valid span),
 *   413 (too large), 415 (other content type), 503 (store failure), each with a `google.rpc.Status` body
 *   (protobuf for protobuf requests, else JSON); nothing of a refused request is stored. A tenant's token stores
 *   only spans of its nodes or regions: the others are rejected as `foreign_node` in the partial success, and a
 *   request with none of its spans is 403.
 * - GET /api/traces?service=&operation=&tags=&minDuration=&maxDuration=&status=&start=&end=&limit= — traces
 *   with a span matching every filter, most recent first. `start`/`end` Unix µs (default: the hour before now),
 *   durations `500us`/`1.5ms`/`2s`, `tags` a JSON object, `status` unset|ok|error, `limit` 1..limits.tracesMax
 *   (default limits.tracesDefault).
 * - GET /api/traces/:traceId — one trace (32 lowercase hex digits), spans stitched; 404 when unknown.
 * - GET /api/services — services with spans within the retention, sorted (Jaeger's `{data: [names], ...}`).
 * - GET /api/services/:service/operations — that service's span names, sorted; empty for an unknown service.
 * A tenant-scoped caller (src/server/tenancy.ts) gets only the spans of its nodes (by `dwcp.node.id`, else the
 * resource's `service.instance.id` or `host.name`; or region): search finds traces with a matching span of its
 * nodes in the store (so `limit` counts those), a trace without such a span is 404, and the service and
 * operation names are those of its nodes' spans.
 */
export async function traceRoutes(app: FastifyInstance, ctx: ApiContext): Promise<void> {
  const traces = ctx.deps.traces;
  if (traces === undefined) {
    await app.register(disabledRoutes);
    return;
  }
  await app.register(async (scope) => receiverRoutes(scope, traces));
  const { limits } = ctx;
  const SearchQuery = z.strictObject({
    service: z.string().min(1).max(256).optional(),
    operation: z.string().min(1).max(1024).optional(),
    tags: tagsParam.optional(),
    minDuration: durationParam().optional(),
    maxDuration: durationParam().optional(),
    status: z.enum(SPAN_STATUS_FILTERS).optional(),
    start: microsParam.optional(),
    end: microsParam.optional(),
    limit: intParam(1, limits.tracesMax).optional(),
  });

  app.get('/api/traces', async (request): Promise<TracesResponse> => {
    const q = parseQuery(request.query, { schema: SearchQuery }).values;
    const endUs = q.end ?? ctx.now() * 1000;
    const startUs = q.start ?? endUs - DEFAULT_LOOKBACK_US;
    if (startUs > endUs) throw new InvalidInputError('start must not be after end');
    if (q.minDuration !== undefined && q.maxDuration !== undefined && q.minDuration > q.maxDuration)
      throw new InvalidInputError('minDuration must not exceed maxDuration');
    const limit = q.limit ?? limits.tracesDefault;
    const scope = tenantScope(request);
    // The store finds traces with a matching span on the tenant's nodes (the limit counts those); their spans on
    // other tenants' nodes are then left out.
    const res = await traces.search({
      startUs,
      endUs,
      limit,
      scope,
      tags: q.tags ?? {},
      ...(q.service !== undefined ? { service: q.service } : {}),
      ...(q.operation !== undefined ? { operation: q.operation } : {}),
      ...(q.minDuration !== undefined ? { minDurationUs: q.minDuration } : {}),
      ...(q.maxDuration !== undefined ? { maxDurationUs: q.maxDuration } : {}),
      ...(q.status !== undefined ? { status: q.status } : {}),
    });
    return scopeTraces(res, scope, limit);
  });

  app.get('/api/services', async (request): Promise<NamesResponse> => {
    parseQuery(request.query, { schema: z.strictObject({}) });
    return traces.services(tenantScope(request));
  });

  app.get<{ Params: { service: string } }>(
    '/api/services/:service/operations',
    async (request): Promise<NamesResponse> => {
      parseQuery(request.query, { schema: z.strictObject({}) });
      const service = request.params.service;
      if (service === '' || service.length > 256)
        throw new InvalidInputError('service must be 1-256 characters');
      return traces.operations(service, tenantScope(request));
    },
  );

  app.get<{ Params: { traceId: string } }>(
    '/api/traces/:traceId',
    async (request): Promise<TracesResponse> => {
      parseQuery(request.query, { schema: z.strictObject({}) });
      const id = request.params.traceId.toLowerCase();
      if (!TRACE_ID.test(id) || /^0+$/.test(id))
        throw new InvalidInputError(
          `trace id must be 32 hex digits (not all zero), got "${request.params.traceId.slice(0, 64)}"`,
        );
      const res = await traces.trace(id);
      const scope = tenantScope(request);
      // A trace with no span on the caller's nodes answers as an unknown one (404), so its existence does not leak.
      const visible = res === undefined ? undefined : scopeTraces(res, scope, res.data.length);
      if (visible === undefined || visible.data.length === 0)
        throw new NotFoundError(`trace ${id} not found`);
      return visible;
    },
  );
}
