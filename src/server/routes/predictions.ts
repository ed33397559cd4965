/**
 * GET /api/predictions/{metric}: what the live detectors expect next — the expected value and the band a sample
 * would be judged against, at future times, for each analysed series of the metric (seed 004).
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { PredictionsResponse } from '../../contract/predictions.ts';
import { InvalidInputError, NotFoundError } from '../../errors.ts';
import type { ApiContext } from '../deps.ts';
import { durationParam, intParam, parseQuery } from '../params.ts';

/** Longest prediction horizon. */
export const MAX_PREDICTION_HORIZON_MS = 7 * 86_400_000;
/** Default horizon and number of steps. */
export const DEFAULT_PREDICTION_HORIZON_MS = 15 * 60_000;
export const DEFAULT_PREDICTION_STEPS = 15;
export const MAX_PREDICTION_STEPS_PER_REQUEST = 500;

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;

/**
 * Validates `{horizon?, steps?, match[label]=value...}`: horizon a duration in (0, 7 d] (default 15 m), steps an
 * integer in [1, 500] (default 15); predictions at now + horizon·i/steps for i = 1..steps.
 * @throws UnknownParameterError, InvalidInputError
 */
export function parsePredictionsQuery(raw: unknown): {
  horizonMs: number;
  steps: number;
  matchers: Record<string, string>;
} {
  const schema = z.strictObject({
    horizon: durationParam().optional(),
    steps: intParam(1, MAX_PREDICTION_STEPS_PER_REQUEST).optional(),
  });
  const q = parseQuery(raw, { schema, families: ['match'] });
  const horizonMs = q.values.horizon ?? DEFAULT_PREDICTION_HORIZON_MS;
  if (!(horizonMs > 0 && horizonMs <= MAX_PREDICTION_HORIZON_MS))
    throw new InvalidInputError(`horizon: must be in (0, 7d], got ${horizonMs / 1000}s`);
  return {
    horizonMs,
    steps: q.values.steps ?? DEFAULT_PREDICTION_STEPS,
    matchers: { ...(q.families.get('match') ?? {}) },
  };
}

/**
 * Registers GET /api/predictions/:metric?horizon=15m&steps=15&match[node_id]=node-1 → 200 `{status, data:
 * {metric, horizonMs, series: [{key, labels, kind, detector, lastSampleMs, points: [{timestampMs, expected,
 * lower, upper}]}]}}`; points start after the series' last sample. 404 when the monitor runs without live
 * detection or no analysed series of the metric matches; 400 for a bad metric name or parameters.
 */
export async function predictionRoutes(app: FastifyInstance, ctx: ApiContext): Promise<void> {
  app.get<{ Params: { metric: string } }>(
    '/api/predictions/:metric',
    async (request): Promise<PredictionsResponse> => {
      const metric = request.params.metric;
      if (!METRIC_NAME.test(metric))
        throw new InvalidInputError(`metric: "${metric}" is not a valid metric name`);
      const { horizonMs, steps, matchers } = parsePredictionsQuery(request.query);
      const p = ctx.deps.predictions;
      if (p === undefined)
        throw new NotFoundError('predictions are not available: live detection is not configured');
      const now = ctx.now();
      const times = Array.from({ length: steps }, (_, i) => now + Math.round((horizonMs * (i + 1)) / steps));
      const series = p.predictions(metric, matchers, times);
      if (series.length === 0) throw new NotFoundError(`no analysed series of ${metric} matches`);
      return { status: 'success', data: { metric, horizonMs, series } };
    },
  );
}
