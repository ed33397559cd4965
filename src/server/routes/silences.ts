/**
 * Silences of the built-in delivery: GET /api/silences, GET /api/silences/:id, POST /api/silences (create),
 * PUT /api/silences/:id (replace) and DELETE /api/silences/:id (expire now, as Alertmanager's DELETE does).
 * Bodies follow the contract's silence input (matchers, startsAt, endsAt, createdBy, comment).
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { AlertingResponse, Silence } from '../../contract/alerting.ts';
import type { ApiContext } from '../deps.ts';
import { parseQuery } from '../params.ts';
import { alertingOf, pathId } from './incidents.ts';

/** Registers the silence routes (400 for malformed bodies or regexes, 404 for unknown ids). */
export async function silenceRoutes(app: FastifyInstance, ctx: ApiContext): Promise<void> {
  const none = z.strictObject({});
  app.get('/api/silences', async (request): Promise<AlertingResponse<Silence[]>> => {
    parseQuery(request.query, { schema: none });
    return { status: 'success', data: await alertingOf(ctx).listSilences() };
  });
  app.get<{ Params: { id: string } }>(
    '/api/silences/:id',
    async (request): Promise<AlertingResponse<Silence>> => {
      return {
        status: 'success',
        data: await alertingOf(ctx).getSilence(pathId(request.params.id, 'silence')),
      };
    },
  );
  app.post('/api/silences', async (request, reply): Promise<AlertingResponse<Silence>> => {
    const s = await alertingOf(ctx).createSilence(request.body);
    void reply.code(201);
    return { status: 'success', data: s };
  });
  app.put<{ Params: { id: string } }>(
    '/api/silences/:id',
    async (request): Promise<AlertingResponse<Silence>> => {
      return {
        status: 'success',
        data: await alertingOf(ctx).updateSilence(pathId(request.params.id, 'silence'), request.body),
      };
    },
  );
  app.delete<{ Params: { id: string } }>(
    '/api/silences/:id',
    async (request): Promise<AlertingResponse<Silence>> => {
      return {
        status: 'success',
        data: await alertingOf(ctx).expireSilence(pathId(request.params.id, 'silence')),
      };
    },
  );
}
