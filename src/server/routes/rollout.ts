/**
 * GET /api/rollout: the v1 → v3 rollout decision (GO / CAUTION / NO-GO) with its drivers, the v1/v3 comparison,
 * the per-metric verdicts and the SLA checks, computed from the stored series of the window, and the rollout
 * stages reached while the monitor ran (`stages`, from the in-memory tracker fed every 15 s).
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { InvalidInputError } from '../../errors.ts';
import type { RolloutResponse } from '../../contract/rollout.ts';
import { configured, type ApiContext, type InsightsSource } from '../deps.ts';
import { durationParam, parseQuery } from '../params.ts';

/** Shortest and longest `window` accepted by the rollout, SLO and region routes. */
export const MIN_WINDOW_MS = 10_000;
export const MAX_WINDOW_MS = 24 * 3_600_000;
/** Default `window` of GET /api/rollout. */
export const DEFAULT_ROLLOUT_WINDOW_MS = 10 * 60_000;

/**
 * Validates the query `{window?}` of the insight routes (duration: `10m`, `600`); unknown parameters → 400.
 * @returns the window in ms (`fallbackMs` when absent)
 * @throws UnknownParameterError, InvalidInputError (unparsable, or outside [10 s, 24 h])
 */
export function parseWindowQuery(raw: unknown, fallbackMs: number): number {
  const { window } = parseQuery(raw, {
    schema: z.strictObject({ window: durationParam().optional() }),
  }).values;
  const ms = window ?? fallbackMs;
  if (!(ms >= MIN_WINDOW_MS && ms <= MAX_WINDOW_MS)) {
    throw new InvalidInputError(
      `window: must be between ${MIN_WINDOW_MS / 1000}s and ${MAX_WINDOW_MS / 3_600_000}h, got ${ms / 1000}s`,
    );
  }
  return Math.round(ms);
}

/** The configured provider, or NotFoundError (404) when the monitor runs without one. */
export function insightsOf(ctx: ApiContext): InsightsSource {
  return configured(ctx.deps.insights, 'rollout, SLO and region analysis');
}

/**
 * Registers GET /api/rollout?window=10m → 200 {@link RolloutResponse}; `data.stages` does not
 * depend on `window` (each record holds the figures of the exporter's 10-minute window at that stage).
 */
export async function rolloutRoutes(app: FastifyInstance, ctx: ApiContext): Promise<void> {
  app.get('/api/rollout', async (request): Promise<RolloutResponse> => {
    const windowMs = parseWindowQuery(request.query, DEFAULT_ROLLOUT_WINDOW_MS);
    return { status: 'success', data: await insightsOf(ctx).rollout(windowMs, ctx.now()) };
  });
}
