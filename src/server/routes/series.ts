/** GET /api/metrics/search (metric names) and GET /api/metrics/query (aggregated range query). */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import {
  AGGREGATIONS,
  defaultStepMs,
  type QueryResponse,
  type SearchResponse,
} from '../../contract/series.ts';
import { InvalidInputError } from '../../errors.ts';
import { findInScope } from '../../model/tenant-scope.ts';
import type { QueryAggregation } from '../../store/query.ts';
import type { ApiContext } from '../deps.ts';
import { durationParam, intParam, parseQuery, timeParam } from '../params.ts';
import { queryHints } from '../query-hints.ts';
import { tenantScope } from '../tenancy.ts';

/** Every API aggregation is one the store's aggregation computes. */
AGGREGATIONS satisfies readonly QueryAggregation[];

/** The default step of a range (shared with the dashboards' queries). */
export { defaultStepMs };

/** Default range of a query without `start`: the 5 minutes before `end`. */
export const DEFAULT_RANGE_MS = 5 * 60_000;

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
/** At most this many `by` labels. */
const MAX_BY_LABELS = 16;
/** Series read for their label names when a query's `match` found none (to name an unknown label). */
const LABEL_PROBE_SERIES = 20;

/**
 * Registers
 * - GET /api/metrics/search?q=&limit= → 200 `{status, data: string[]}`: stored metric names containing `q`
 *   (case-insensitive; empty or absent = all), sorted, at most `limit` (1..limits.searchMax, default
 *   limits.searchDefault).
 * - GET /api/metrics/query?name=&match[label]=value&start=&end=&step=&agg=&by= → 200 {@link QueryResponse}.
 *   `name` is required; `match[label]` selects series whose label equals the value (any number of labels);
 *   `start`/`end` RFC3339 or Unix seconds (defaults: end = now, start = end − 5 min; start ≤ end);
 *   `step` float seconds or a duration such as `15s` (> 0; default: see {@link defaultStepMs} with
 *   limits.queryDefaultPoints; an explicit step giving more than limits.queryMaxPoints points → 400);
 *   `agg` one of {@link AGGREGATIONS} (default avg); `by` label names, repeated or comma-separated.
 *   At most limits.querySeriesMax series and limits.queryRawPointsPerSeries raw points per series (the latest)
 *   are read; when either limit is hit, `warnings` says so. `unit` is the catalog unit of the values (per second
 *   for `rate`); `warnings` also name `rate` of a gauge and labels in `by`/`match` that no series of the metric has.
 * A tenant-scoped caller's query reads only its nodes' series (the node matchers are pushed into the series
 * lookup, src/server/tenancy.ts); metric names are the catalog's vocabulary and are listed to every tenant.
 * Errors: 400 DWCP_UNKNOWN_PARAMETER / DWCP_INVALID_INPUT.
 */
export async function seriesRoutes(app: FastifyInstance, ctx: ApiContext): Promise<void> {
  const { limits } = ctx;
  const SearchQuery = z.strictObject({
    q: z.string().max(200, { message: 'must be at most 200 characters' }).optional(),
    limit: intParam(1, limits.searchMax).optional(),
  });
  const RangeQuery = z.strictObject({
    name: z
      .string()
      .regex(METRIC_NAME, { message: 'must be a metric name such as dwcp_amst_streams_active' }),
    start: timeParam().optional(),
    end: timeParam().optional(),
    step: durationParam()
      .refine((ms) => ms > 0, { message: 'must be at least 1ms (steps are whole milliseconds)' })
      .optional(),
    agg: z.enum(AGGREGATIONS).optional(),
    by: z.union([z.string(), z.array(z.string())]).optional(),
  });

  app.get('/api/metrics/search', async (request): Promise<SearchResponse> => {
    const q = parseQuery(request.query, { schema: SearchQuery }).values;
    const limit = q.limit ?? limits.searchDefault;
    const names = await ctx.deps.samples.searchMetricNames(q.q ?? '', limit);
    return { status: 'success', data: names.slice(0, limit) };
  });

  app.get('/api/metrics/query', async (request): Promise<QueryResponse> => {
    const parsed = parseQuery(request.query, { schema: RangeQuery, families: ['match'], repeatable: ['by'] });
    const q = parsed.values;
    const match = parsed.families.get('match') ?? {};
    const endMs = q.end ?? ctx.now();
    const startMs = q.start ?? endMs - DEFAULT_RANGE_MS;
    if (startMs > endMs) throw new InvalidInputError('start must not be after end');
    let stepMs: number;
    if (q.step !== undefined) {
      stepMs = q.step;
      const points = Math.floor((endMs - startMs) / stepMs) + 1;
      if (points > limits.queryMaxPoints) {
        throw new InvalidInputError(
          `step: ${points} points per series exceed the maximum of ${limits.queryMaxPoints}; use a larger step`,
        );
      }
    } else {
      stepMs = defaultStepMs(startMs, endMs, limits.queryDefaultPoints);
    }
    const by = parseBy(q.by);
    const agg = q.agg ?? 'avg';

    const scope = tenantScope(request);
    const refs = await findInScope(scope, match, limits.querySeriesMax, (m, n) =>
      ctx.deps.samples.findSeries(q.name, m, n),
    );
    const warnings: string[] = [];
    if (refs.length >= limits.querySeriesMax) {
      warnings.push(
        `only the first ${limits.querySeriesMax} matching series were read; narrow the query with match[label]`,
      );
    }
    const samples = ctx.deps.samples;
    const chosen = refs.slice(0, limits.querySeriesMax);
    // Stores with rollups serve steps of a minute and more from them (the latest value per bucket); the chunked
    // store aggregates while it decodes (queryRange), others return points that are aggregated here.
    const opts = { startMs, endMs, stepMs, agg, ...(by.length > 0 ? { by } : {}) };
    let result: { readonly series: QueryResponse['data']['series'] };
    let truncated: boolean;
    if (samples.queryRange) {
      const r = await samples.queryRange(chosen, opts, limits.queryRawPointsPerSeries);
      result = r;
      truncated = r.truncated;
    } else {
      const points = samples.readForStep
        ? (await samples.readForStep(chosen, startMs, endMs, stepMs, limits.queryRawPointsPerSeries)).points
        : await samples.readPoints(chosen, startMs, endMs, limits.queryRawPointsPerSeries);
      truncated = points.some((p) => p.timestampsMs.length >= limits.queryRawPointsPerSeries);
      result = ctx.deps.aggregate(points, opts);
    }
    if (truncated) {
      warnings.push(
        `some series have more than ${limits.queryRawPointsPerSeries} samples in the range; only the latest were used`,
      );
    }
    // Without a match, look at a few unmatched series for their labels, so an unknown label can be named.
    const seen =
      refs.length > 0 || Object.keys(match).length === 0
        ? refs
        : await findInScope(scope, {}, LABEL_PROBE_SERIES, (m, n) => samples.findSeries(q.name, m, n));
    const hints = queryHints(
      q.name,
      agg,
      by,
      match,
      seen.map((r) => r.labels),
    );
    warnings.push(...hints.warnings);
    return {
      status: 'success',
      data: { name: q.name, agg, by, startMs, endMs, stepMs, series: result.series, unit: hints.unit },
      ...(warnings.length > 0 ? { warnings } : {}),
    };
  });
}

/** `by` values: repeated and/or comma-separated label names, deduplicated in order. */
function parseBy(raw: string | string[] | undefined): string[] {
  if (raw === undefined) return [];
  const parts = (Array.isArray(raw) ? raw : [raw]).flatMap((s) => s.split(',')).map((s) => s.trim());
  const out: string[] = [];
  for (const p of parts) {
    if (p === '') continue;
    if (!LABEL_NAME.test(p)) throw new InvalidInputError(`by: "${p.slice(0, 60)}" is not a valid label name`);
    if (!out.includes(p)) out.push(p);
  }
  if (out.length > MAX_BY_LABELS) throw new InvalidInputError(`by: at most ${MAX_BY_LABELS} labels`);
  return out;
}
