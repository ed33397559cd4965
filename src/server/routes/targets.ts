/** GET /api/v1/targets, shaped like Prometheus' targets API. */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { ActiveTarget, DroppedTarget, TargetsResponse } from '../../contract/targets.ts';
import { redactUrlCredentials } from '../../model/redact.ts';
import type { DroppedTargetStatus, TargetStatus } from '../../model/status.ts';
import { allowsLabels } from '../../model/tenant-scope.ts';
import type { ApiContext } from '../deps.ts';
import { parseQuery, rfc3339 } from '../params.ts';
import { tenantScope } from '../tenancy.ts';

/**
 * A target's state with URL credentials (`user:pass@`) replaced by `<secret>` in its URL and last error. The
 * configuration refuses such URLs; this keeps a programmatically added target from leaking one.
 */
export function redactTarget(t: TargetStatus): TargetStatus {
  return {
    ...t,
    url: redactUrlCredentials(t.url),
    lastError: t.lastError === null ? null : redactUrlCredentials(t.lastError),
  };
}

/** Converts the monitor's target state to Prometheus' active-target shape (credentials redacted). */
export function toActiveTarget(target: TargetStatus): ActiveTarget {
  const t = redactTarget(target);
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
    lastWarning: t.warning ?? '',
  };
}

/** A target left to another replica in Prometheus' dropped-target shape (`__address__` among its labels). */
export function toDroppedTarget(t: DroppedTargetStatus): DroppedTarget {
  const url = redactUrlCredentials(t.url);
  return {
    id: t.id,
    discoveredLabels: { __address__: new URL(t.url).host, ...t.labels },
    scrapeUrl: url,
    reason: t.reason,
    shard: t.shard,
  };
}

/**
 * Registers GET /api/v1/targets?state=active|dropped|any (default any) → 200
 * `{status: 'success', data: {activeTargets, droppedTargets}}`; dropped targets are the ones another replica's
 * scrape shard scrapes. A tenant-scoped caller sees the targets (active and dropped) whose `node_id`/`region`
 * labels are its own.
 */
export async function targetRoutes(app: FastifyInstance, ctx: ApiContext): Promise<void> {
  const Query = z.strictObject({ state: z.enum(['active', 'dropped', 'any']).optional() });
  app.get('/api/v1/targets', async (request): Promise<TargetsResponse> => {
    const { state = 'any' } = parseQuery(request.query, { schema: Query }).values;
    const scope = tenantScope(request);
    const active =
      state === 'dropped'
        ? []
        : ctx.deps
            .targets()
            .filter((t) => allowsLabels(scope, t.labels))
            .map(toActiveTarget);
    const dropped =
      state === 'active'
        ? []
        : (ctx.deps.droppedTargets?.() ?? [])
            .filter((t) => allowsLabels(scope, t.labels))
            .map(toDroppedTarget);
    return { status: 'success', data: { activeTargets: active, droppedTargets: dropped } };
  });
}
