/**
 * The Prometheus HTTP query API over the monitor's own store, so Grafana's Prometheus data source, `promtool query`
 * and other Prometheus API clients can read it: GET /api/v1/query, /api/v1/query_range, /api/v1/series,
 * /api/v1/labels and /api/v1/label/{name}/values, with Prometheus' parameters, result shapes and error types. The
 * PromQL subset and its evaluation are src/query/promql (docs/promql-api.md).
 * @see https://prometheus.io/docs/prometheus/latest/querying/api/
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type {
  PromErrorBody,
  PromLabelsResponse,
  PromQueryResponse,
  PromSeriesResponse,
} from '../../contract/prometheus.ts';
import { InvalidInputError } from '../../errors.ts';
import type { Selector } from '../../query/promql/ast.ts';
import { PROM_ERROR_STATUS, PromQueryError } from '../../query/promql/errors.ts';
import { DEFAULT_LOOKBACK_MS, evaluate, stepTimes } from '../../query/promql/evaluate.ts';
import { toInstant, toMatrix } from '../../query/promql/format.ts';
import { compareLabels, labelsKey, type PromLabels } from '../../query/promql/labels.ts';
import { parsePromQL } from '../../query/promql/parse.ts';
import type { ApiContext } from '../deps.ts';
import { parseDuration } from '../../model/duration.ts';
import { parseTime } from '../params.ts';
import { tenantScope } from '../tenancy.ts';
import { CatalogLabelCache, StoreReader } from './prometheus-reader.ts';

/** Default window of /api/v1/series and the label routes without `start`: the hour before `end`. */
const DEFAULT_META_WINDOW_MS = 3_600_000;
/** `match[]` selectors one request may give. */
const MAX_MATCHERS = 100;

type Params = Readonly<Record<string, string | readonly string[] | undefined>>;

/** The parameters of a URL-encoded form body (a repeated name gives an array). */
function formParams(body: string): Params {
  const out: Record<string, string | string[]> = {};
  for (const [k, v] of new URLSearchParams(body)) {
    const prev = out[k];
    out[k] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v];
  }
  return out;
}

/** Form and URL parameters together, as Prometheus reads them (`r.FormValue`: the form's values first). */
function mergeParams(form: Params, url: Params): Params {
  const out: Record<string, string | readonly string[] | undefined> = { ...url };
  for (const [k, v] of Object.entries(form)) {
    const u = url[k];
    const list = (x: string | readonly string[] | undefined) =>
      x === undefined ? [] : typeof x === 'string' ? [x] : x;
    const all = [...list(v), ...list(u)];
    out[k] = all.length === 1 ? all[0] : all;
  }
  return out;
}

/** A single-valued parameter, or undefined. @throws PromQueryError bad_data when repeated */
function one(p: Params, name: string): string | undefined {
  const v = p[name];
  if (v === undefined || typeof v === 'string') return v;
  throw new PromQueryError('bad_data', `invalid parameter "${name}": given more than once`);
}

function required(p: Params, name: string): string {
  const v = one(p, name);
  if (v === undefined || v === '')
    throw new PromQueryError('bad_data', `invalid parameter "${name}": missing`);
  return v;
}

/** A Prometheus API time (RFC 3339 or Unix seconds) in Unix ms. @throws PromQueryError bad_data */
function time(p: Params, name: string, fallback: number): number {
  const v = one(p, name);
  if (v === undefined) return fallback;
  try {
    return parseTime(v, '');
  } catch (e) {
    throw new PromQueryError('bad_data', `invalid parameter "${name}": ${(e as Error).message}`);
  }
}

/** `match[]` values (one or repeated). */
function matchParams(p: Params): readonly string[] {
  const v = p['match[]'];
  const list = v === undefined ? [] : typeof v === 'string' ? [v] : v;
  if (list.length > MAX_MATCHERS)
    throw new PromQueryError('bad_data', `invalid parameter "match[]": at most ${MAX_MATCHERS} selectors`);
  return list;
}

/** The selector of a `match[]` value. @throws PromQueryError bad_data when it is not one vector selector */
function selectorOf(text: string): Selector {
  const e = parsePromQL(text);
  if (e.kind !== 'selector')
    throw new PromQueryError(
      'bad_data',
      `invalid parameter "match[]": ${JSON.stringify(text.slice(0, 80))} is not a series selector`,
    );
  return e.selector;
}

/** Prometheus' error body and status for a query error; other errors go on to the API's error handler. */
function sendError(err: FastifyError | Error, _request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const e =
    err instanceof PromQueryError
      ? err
      : err instanceof InvalidInputError
        ? new PromQueryError('bad_data', err.message)
        : undefined;
  // A body fastify could not read (too large, bad media type): bad_data with fastify's 4xx status.
  const code = (err as FastifyError).code;
  const status = (err as FastifyError).statusCode;
  if (e === undefined && typeof code === 'string' && code.startsWith('FST_ERR_CTP') && status !== undefined) {
    const body: PromErrorBody = { status: 'error', errorType: 'bad_data', error: err.message };
    return reply.code(status).type('application/json; charset=utf-8').send(body);
  }
  if (e === undefined) throw err;
  const body: PromErrorBody = { status: 'error', errorType: e.errorType, error: e.message };
  return reply.code(PROM_ERROR_STATUS[e.errorType]).type('application/json; charset=utf-8').send(body);
}

/**
 * Registers the Prometheus query API (module comment). Parameters as Prometheus takes them in the URL:
 * `query`; `time` / `start` / `end` RFC 3339 or Unix seconds (defaults: now; `start` required for ranges);
 * `step` a duration (`15s`) or float seconds (> 0; at most limits.queryMaxPoints steps); `match[]` series
 * selectors (repeatable). `timeout`, `stats`, `limit` and `lookback_delta` are accepted and not used; other
 * parameters are ignored, as Prometheus does. Reads are tenant-scoped (src/server/tenancy.ts) and bounded by
 * limits.promqlSeriesMax series per selection and limits.queryRawPointsPerSeries raw points per series.
 * Errors: 400 `bad_data` (bad parameter, syntax, or a construct outside the subset: "not supported by this
 * monitor: …"), 422 `execution` (too many series).
 */
export async function prometheusApiRoutes(app: FastifyInstance, ctx: ApiContext): Promise<void> {
  const { limits } = ctx;
  app.setErrorHandler(sendError);
  app.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'string', bodyLimit: limits.bodyLimitBytes },
    (_req, body, done) => done(null, formParams(String(body))),
  );
  // Prometheus reads form bodies only; a JSON body is ignored as there (its parameters come from the URL).
  app.addContentTypeParser(
    'application/json',
    { parseAs: 'string', bodyLimit: limits.bodyLimitBytes },
    (_req, _body, done) => done(null, {}),
  );
  const params = (r: FastifyRequest): Params => {
    const q = typeof r.query === 'object' && r.query !== null ? (r.query as Params) : {};
    const b = typeof r.body === 'object' && r.body !== null ? (r.body as Params) : {};
    return mergeParams(b, q);
  };
  const reader = (r: FastifyRequest) => new StoreReader(ctx, tenantScope(r), limits.promqlSeriesMax);
  const catalogLabels = new CatalogLabelCache(ctx);
  const withWarnings = (w: ReadonlySet<string>) => (w.size > 0 ? { warnings: [...w] } : {});
  const evalOpts = (startMs: number, endMs: number, stepMs: number) => ({
    startMs,
    endMs,
    stepMs,
    lookbackMs: DEFAULT_LOOKBACK_MS,
    maxSeries: limits.promqlSeriesMax,
  });

  app.route({
    method: ['GET', 'POST'],
    url: '/api/v1/query',
    handler: async (request): Promise<PromQueryResponse> => {
      const p = params(request);
      const expr = parsePromQL(required(p, 'query'));
      const t = time(p, 'time', ctx.now());
      const rd = reader(request);
      const r = await evaluate(expr, rd, evalOpts(t, t, 1));
      return { status: 'success', data: toInstant(r, t), ...withWarnings(rd.warnings) };
    },
  });

  app.route({
    method: ['GET', 'POST'],
    url: '/api/v1/query_range',
    handler: async (request): Promise<PromQueryResponse> => {
      const p = params(request);
      const expr = parsePromQL(required(p, 'query'));
      const startMs = time(p, 'start', NaN);
      const endMs = time(p, 'end', NaN);
      if (Number.isNaN(startMs)) throw new PromQueryError('bad_data', 'invalid parameter "start": missing');
      if (Number.isNaN(endMs)) throw new PromQueryError('bad_data', 'invalid parameter "end": missing');
      if (endMs < startMs)
        throw new PromQueryError(
          'bad_data',
          'invalid parameter "end": end timestamp must not be before start time',
        );
      const stepText = required(p, 'step');
      let stepMs: number;
      try {
        stepMs = parseDuration(stepText, { bareSeconds: true });
      } catch (e) {
        throw new PromQueryError('bad_data', `invalid parameter "step": ${(e as Error).message}`);
      }
      if (stepMs <= 0)
        throw new PromQueryError(
          'bad_data',
          'invalid parameter "step": zero or negative query resolution step widths are not accepted. Try a positive integer',
        );
      if ((endMs - startMs) / stepMs + 1 > limits.queryMaxPoints)
        throw new PromQueryError(
          'bad_data',
          `exceeded maximum resolution of ${limits.queryMaxPoints} points per timeseries. Try decreasing the query resolution (?step=XX)`,
        );
      const rd = reader(request);
      const opts = evalOpts(startMs, endMs, stepMs);
      const r = await evaluate(expr, rd, opts);
      return { status: 'success', data: toMatrix(r, stepTimes(opts)), ...withWarnings(rd.warnings) };
    },
  });

  /**
   * The label sets of the series that `match[]` selects with samples in the window; without `match[]` (label
   * routes only), those of the whole catalog in the caller's scope, without reading samples (CatalogLabelCache).
   */
  async function seriesOf(request: FastifyRequest, requireMatch: boolean): Promise<readonly PromLabels[]> {
    const p = params(request);
    const endMs = time(p, 'end', ctx.now());
    const startMs = time(p, 'start', endMs - DEFAULT_META_WINDOW_MS);
    if (endMs < startMs)
      throw new PromQueryError(
        'bad_data',
        'invalid parameter "end": end timestamp must not be before start time',
      );
    const texts = matchParams(p);
    if (requireMatch && texts.length === 0)
      throw new PromQueryError('bad_data', 'no match[] parameter provided');
    const rd = reader(request);
    if (texts.length === 0) return catalogLabels.labelSets(tenantScope(request), rd);
    const out = new Map<string, PromLabels>();
    for (const sel of texts.map(selectorOf)) {
      const chosen = await rd.refs(sel);
      const points = await ctx.deps.samples.readPoints(
        chosen.map((c) => c.ref),
        startMs,
        endMs,
        1,
      );
      const withData = new Set(points.filter((x) => x.timestampsMs.length > 0).map((x) => x.series.id));
      for (const c of chosen) if (withData.has(c.ref.id)) out.set(labelsKey(c.labels), c.labels);
      if (out.size > limits.promqlSeriesMax)
        throw new PromQueryError(
          'execution',
          `more than ${limits.promqlSeriesMax} series match; narrow match[]`,
        );
    }
    return [...out.values()].sort(compareLabels);
  }

  app.route({
    method: ['GET', 'POST'],
    url: '/api/v1/series',
    handler: async (request): Promise<PromSeriesResponse> => ({
      status: 'success',
      data: (await seriesOf(request, true)).map((l) => ({ ...l })),
    }),
  });

  app.route({
    method: ['GET', 'POST'],
    url: '/api/v1/labels',
    handler: async (request): Promise<PromLabelsResponse> => {
      const names = new Set<string>();
      for (const l of await seriesOf(request, false)) for (const k of Object.keys(l)) names.add(k);
      return { status: 'success', data: [...names].sort() };
    },
  });

  app.get<{ Params: { name: string } }>(
    '/api/v1/label/:name/values',
    async (request): Promise<PromLabelsResponse> => {
      const name = request.params.name;
      if (!/^[a-zA-Z_][a-zA-Z0-9_]*$/.test(name))
        throw new PromQueryError('bad_data', `invalid label name: ${JSON.stringify(name.slice(0, 80))}`);
      const values = new Set<string>();
      for (const l of await seriesOf(request, false)) if (l[name] !== undefined) values.add(l[name]);
      return { status: 'success', data: [...values].sort() };
    },
  );
}
