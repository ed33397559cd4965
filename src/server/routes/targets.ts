/** GET /api/v1/targets, shaped like Prometheus' targets API. */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Labels } from '../../model/sample.ts';
import type { TargetStatus } from '../../model/status.ts';
import type { ApiContext } from '../deps.ts';
import { parseQuery, rfc3339 } from '../params.ts';

/** One active target (Prometheus field names; `id` and `samplesLastScrape` are additions). */
export interface ActiveTarget {
  readonly id: string;
  readonly discoveredLabels: Labels;
  readonly labels: Labels;
  readonly scrapePool: string;
  readonly scrapeUrl: string;
  readonly globalUrl: string;
  readonly health: 'up' | 'down' | 'unknown';
  /** Empty string when the last scrape succeeded (as Prometheus). */
  readonly lastError: string;
  /** RFC3339; `0001-01-01T00:00:00Z` before the first scrape. */
  readonly lastScrape: string;
  /** Seconds; 0 before the first scrape. */
  readonly lastScrapeDuration: number;
  readonly samplesLastScrape: number;
}

/** Body of GET /api/v1/targets. */
export interface TargetsResponse {
  readonly status: 'success';
  readonly data: { readonly activeTargets: readonly ActiveTarget[]; readonly droppedTargets: readonly never[] };
}

/** Converts the monitor's target state to Prometheus' active-target shape. */
export function toActiveTarget(t: TargetStatus): ActiveTarget {
  return {
    id: t.id,
    discoveredLabels: t.labels,
    labels: t.labels,
    scrapePool: t.labels['job'] ?? t.id,
    scrapeUrl: t.url,
    globalUrl: t.url,
    health: t.health,
    lastError: t.lastError ?? '',
    lastScrape: rfc3339(t.lastScrapeMs),
    lastScrapeDuration: t.lastScrapeDurationMs === null ? 0 : t.lastScrapeDurationMs / 1000,
    samplesLastScrape: t.samplesLastScrape,
  };
}

/**
 * Registers GET /api/v1/targets?state=active|dropped|any (default any) → 200
 * `{status: 'success', data: {activeTargets, droppedTargets: []}}` (the monitor drops no targets).
 */
export async function targetRoutes(app: FastifyInstance, ctx: ApiContext): Promise<void> {
  const Query = z.strictObject({ state: z.enum(['active', 'dropped', 'any']).optional() });
  app.get('/api/v1/targets', async (request): Promise<TargetsResponse> => {
    const { state = 'any' } = parseQuery(request.query, { schema: Query }).values;
    const active = state === 'dropped' ? [] : ctx.deps.targets().map(toActiveTarget);
    return { status: 'success', data: { activeTargets: active, droppedTargets: [] } };
  });
}
