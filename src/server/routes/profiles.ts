/**
 * Profiling routes: Go-compatible `/debug/pprof/profile?seconds=N` and `/debug/pprof/heap` of the monitor
 * process (pprof, readable by `go tool pprof`, Pyroscope and Grafana), and the stored profiles: list, capture on
 * demand, download, flame graph and comparison.
 * @see https://pkg.go.dev/net/http/pprof
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import { InvalidInputError, NotFoundError } from '../../errors.ts';
import type { ApiContext } from '../deps.ts';
import {
  PROFILE_KINDS,
  type FlameGraphResponse,
  type ProfileComparisonResponse,
  type ProfileCreatedResponse,
  type ProfilesResponse,
} from '../../contract/profiles.ts';
import type { PprofCapture, ProfilingApi } from '../ops-deps.ts';
import { intParam, parseQuery } from '../params.ts';

const ID = /^[1-9]\d{0,15}$/;
const idOf = (raw: unknown): number => {
  const s = String(raw);
  if (!ID.test(s)) throw new NotFoundError(`profile ${s} not found`);
  return Number(s);
};

function profilingOf(ctx: ApiContext): ProfilingApi {
  const p = ctx.deps.profiling;
  if (!p) throw new NotFoundError('profiling is not enabled');
  return p;
}

function sendPprof(reply: FastifyReply, p: PprofCapture, name: string): FastifyReply {
  return reply
    .type('application/octet-stream')
    .header('Content-Disposition', `attachment; filename="${name}.pb.gz"`)
    .header('X-Content-Type-Options', 'nosniff')
    .send(Buffer.from(p.pprof));
}

const SampleType = z
  .string()
  .regex(/^[a-z_]{1,32}$/, 'must be a sample type name such as cpu or inuse_space')
  .optional();

/**
 * Registers
 * - GET /debug/pprof/profile?seconds=30 (1..300) → 200 pprof CPU profile; 400 for bad seconds; 429 while a CPU
 *   profile runs; GET /debug/pprof/heap → 200 pprof live-heap profile.
 * - GET /api/profiles?kind=&source=&limit= → stored profiles, newest first (limit 1..1000, default 100).
 * - POST /api/profiles `{kind: 'cpu'|'heap', seconds?}` → 201 the stored on-demand profile of the monitor.
 * - GET /api/profiles/:id → the pprof file; GET /api/profiles/:id/flamegraph?sample_type= → the flame graph.
 * - GET /api/profiles/compare?base=&target=&top=20&sample_type= → functions gained and lost.
 * Without profiling configured every route answers 404.
 */
export async function profileRoutes(app: FastifyInstance, ctx: ApiContext): Promise<void> {
  app.get('/debug/pprof/profile', async (request, reply) => {
    const { values } = parseQuery(request.query, {
      schema: z.strictObject({ seconds: intParam(1, 300).optional() }),
    });
    const ac = new AbortController();
    request.raw.once('close', () => {
      if (!reply.sent) ac.abort();
    });
    return sendPprof(reply, await profilingOf(ctx).cpu(values.seconds ?? 30, ac.signal), 'profile');
  });
  app.get('/debug/pprof/heap', async (request, reply) => {
    parseQuery(request.query, { schema: z.strictObject({}) });
    return sendPprof(reply, await profilingOf(ctx).heap(), 'heap');
  });
  app.get('/api/profiles', async (request): Promise<ProfilesResponse> => {
    const { values } = parseQuery(request.query, {
      schema: z.strictObject({
        kind: z.enum(PROFILE_KINDS).optional(),
        source: z.string().min(1).max(256).optional(),
        limit: intParam(1, 1000).optional(),
      }),
    });
    const data = await profilingOf(ctx).list({
      limit: values.limit ?? 100,
      ...(values.kind ? { kind: values.kind } : {}),
      ...(values.source ? { source: values.source } : {}),
    });
    return { status: 'success', data };
  });
  app.post('/api/profiles', async (request, reply): Promise<ProfileCreatedResponse> => {
    const body = z
      .strictObject({ kind: z.enum(PROFILE_KINDS), seconds: z.number().int().min(1).max(300).optional() })
      .safeParse(request.body ?? {});
    if (!body.success)
      throw new InvalidInputError(
        body.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; '),
      );
    const info = await profilingOf(ctx).capture(body.data.kind, body.data.seconds ?? 10);
    reply.code(201);
    return { status: 'success', data: info };
  });
  app.get('/api/profiles/compare', async (request): Promise<ProfileComparisonResponse> => {
    const { values } = parseQuery(request.query, {
      schema: z.strictObject({
        base: intParam(1, Number.MAX_SAFE_INTEGER),
        target: intParam(1, Number.MAX_SAFE_INTEGER),
        top: intParam(1, 1000).optional(),
        sample_type: SampleType,
      }),
    });
    return {
      status: 'success',
      data: await profilingOf(ctx).compare(values.base, values.target, values.top ?? 20, values.sample_type),
    };
  });
  app.get('/api/profiles/:id', async (request, reply) => {
    parseQuery(request.query, { schema: z.strictObject({}) });
    const { info, pprof } = await profilingOf(ctx).get(idOf((request.params as { id: string }).id));
    return sendPprof(
      reply,
      { kind: info.kind, pprof, startedAtMs: info.startedAtMs, durationMs: info.durationMs },
      `${info.kind}-${info.id}`,
    );
  });
  app.get('/api/profiles/:id/flamegraph', async (request): Promise<FlameGraphResponse> => {
    const { values } = parseQuery(request.query, { schema: z.strictObject({ sample_type: SampleType }) });
    return {
      status: 'success',
      data: await profilingOf(ctx).flamegraph(
        idOf((request.params as { id: string }).id),
        values.sample_type,
      ),
    };
  });
}
