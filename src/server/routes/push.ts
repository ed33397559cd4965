/**
 * POST /api/metrics: samples pushed as JSON (src/contract/push.ts). The body is validated as a whole with the
 * contract's zod schema (400 naming every problem, nothing stored); valid samples go through the monitor's
 * pipeline, which refuses single samples (out of order, duplicate, outside the time window, over the series
 * budget) and reports them by reason in the response. A tenant-scoped token (src/server/tenancy.ts) writes only
 * series whose `node_id` or `region` label is its tenant's; the others are refused as `foreign_node`.
 */
import type { FastifyInstance } from 'fastify';
import { PushRequestSchema, type PushResponse, type PushResult } from '../../contract/push.ts';
import { InvalidInputError, NotFoundError } from '../../errors.ts';
import { allowsLabels } from '../../model/tenant-scope.ts';
import type { ApiContext } from '../deps.ts';
import { tenantScope } from '../tenancy.ts';

/** Problems listed in a 400 at most. */
const MAX_PROBLEMS = 10;

/** Registers POST /api/metrics (404 when the monitor does not accept pushed samples). */
export async function pushRoutes(app: FastifyInstance, ctx: ApiContext): Promise<void> {
  const push = ctx.deps.push;
  app.post('/api/metrics', async (request): Promise<PushResponse> => {
    if (!push) throw new NotFoundError('pushing samples is not enabled on this monitor');
    const parsed = PushRequestSchema.safeParse(request.body);
    if (!parsed.success) {
      const problems = parsed.error.issues
        .slice(0, MAX_PROBLEMS)
        .map(
          (i) =>
            `${i.path.join('.') || '(body)'}: ${i.code === 'invalid_key' ? 'not a Prometheus label name, or reserved (__ prefix)' : i.message}`,
        );
      const more =
        parsed.error.issues.length > MAX_PROBLEMS
          ? ` (and ${parsed.error.issues.length - MAX_PROBLEMS} more)`
          : '';
      throw new InvalidInputError(`invalid push body: ${problems.join('; ')}${more}`);
    }
    // A tenant-scoped token writes only its own nodes' series: the others are refused one by one as `foreign_node`.
    const scope = tenantScope(request);
    const own = parsed.data.samples.filter((x) => allowsLabels(scope, x.labels));
    const foreign = parsed.data.samples.length - own.length;
    if (foreign === 0) return { status: 'success', data: await push(parsed.data) };
    const res: PushResult =
      own.length === 0 ? { received: 0, stored: 0, rejected: {} } : await push({ samples: own });
    return {
      status: 'success',
      data: {
        received: res.received + foreign,
        stored: res.stored,
        rejected: { ...res.rejected, foreign_node: foreign },
      },
    };
  });
}
