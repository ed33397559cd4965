/**
 * Report routes: the stored reports (scheduled hourly, daily and weekly ones and on-demand ones), their documents,
 * and generating a report of any range on demand.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { InvalidInputError, NotFoundError } from '../../errors.ts';
import type { ApiContext } from '../deps.ts';
import {
  REPORT_FORMATS,
  REPORT_KINDS,
  type ReportFormat,
  type ReportsCreatedResponse,
  type ReportsResponse,
} from '../../contract/reports.ts';
import type { ReportsApi } from '../ops-deps.ts';
import { intParam, parseQuery, parseTime } from '../params.ts';

const CONTENT_TYPES: Readonly<Record<ReportFormat, string>> = {
  html: 'text/html; charset=utf-8',
  md: 'text/markdown; charset=utf-8',
  pdf: 'application/pdf',
};
const ID = /^[1-9]\d{0,15}$/;

function reportsOf(ctx: ApiContext): ReportsApi {
  const r = ctx.deps.reports;
  if (!r) throw new NotFoundError('reports are not enabled');
  return r;
}

const CreateBody = z.strictObject({
  from: z.string().min(1),
  to: z.string().min(1),
  formats: z.array(z.enum(REPORT_FORMATS)).min(1).max(3).default(['html']),
});

/**
 * Registers
 * - GET /api/reports?kind=&limit= → stored reports, newest first (limit 1..1000, default 100).
 * - GET /api/reports/:id → the document (text/html, application/pdf or text/markdown), inline.
 * - POST /api/reports `{from, to, formats?}` (times RFC3339 or Unix seconds; formats of html, pdf, md, default
 *   html) → 201 the stored reports. 400 for an empty, reversed, too long or future range.
 * Without reports configured every route answers 404.
 */
export async function reportRoutes(app: FastifyInstance, ctx: ApiContext): Promise<void> {
  app.get('/api/reports', async (request): Promise<ReportsResponse> => {
    const { values } = parseQuery(request.query, {
      schema: z.strictObject({ kind: z.enum(REPORT_KINDS).optional(), limit: intParam(1, 1000).optional() }),
    });
    return {
      status: 'success',
      data: await reportsOf(ctx).list({
        limit: values.limit ?? 100,
        ...(values.kind ? { kind: values.kind } : {}),
      }),
    };
  });
  app.get('/api/reports/:id', async (request, reply) => {
    parseQuery(request.query, { schema: z.strictObject({}) });
    const raw = String((request.params as { id: string }).id);
    if (!ID.test(raw)) throw new NotFoundError(`report ${raw} not found`);
    const { info, content } = await reportsOf(ctx).get(Number(raw));
    return reply
      .type(CONTENT_TYPES[info.format])
      .header('Content-Disposition', `inline; filename="dwcp-${info.kind}-report-${info.id}.${info.format}"`)
      .send(Buffer.from(content));
  });
  app.post('/api/reports', async (request, reply): Promise<ReportsCreatedResponse> => {
    const body = CreateBody.safeParse(request.body ?? {});
    if (!body.success)
      throw new InvalidInputError(
        body.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; '),
      );
    const fromMs = parseTime(body.data.from, 'from');
    const toMs = parseTime(body.data.to, 'to');
    const data = await reportsOf(ctx).generate(fromMs, toMs, body.data.formats);
    reply.code(201);
    return { status: 'success', data };
  });
}
