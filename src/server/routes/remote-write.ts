/**
 * POST /api/v1/write: the Prometheus remote-write 1.0 receiver (Snappy-compressed protobuf WriteRequest), so an
 * existing Prometheus can feed the monitor with `remote_write: [{url: http://monitor/api/v1/write}]`. Success is
 * 204 with no body, as Prometheus' own receiver answers; refused series and samples are counted in the monitor's
 * metrics and the rest of the request is kept; a body that does not decode is 400 (the sender does not retry).
 * A tenant's token writes only series of its nodes or regions: the others are refused and counted as
 * `foreign_node`, and a request with none of its series is 403 (src/server/tenancy.ts).
 * @see https://prometheus.io/docs/concepts/remote_write_spec/
 */
import type { FastifyInstance } from 'fastify';
import type { ApiContext, RemoteWriteSink } from '../deps.ts';
import { tenantScope } from '../tenancy.ts';

async function receiverRoutes(app: FastifyInstance, sink: RemoteWriteSink): Promise<void> {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: sink.maxBodyBytes }, (_req, body, done) =>
    done(null, body),
  );
  app.addHook('onError', async (_request, _reply, err) => {
    if ((err as { code?: unknown }).code === 'FST_ERR_CTP_BODY_TOO_LARGE')
      sink.countRejectedRequest('too_large');
  });
  app.post('/api/v1/write', { bodyLimit: sink.maxBodyBytes }, async (request, reply) => {
    const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
    await sink.receive({
      body,
      contentType: request.headers['content-type'],
      contentEncoding: request.headers['content-encoding'],
      scope: tenantScope(request),
    });
    return reply.code(204).send();
  });
}

/** Registers POST /api/v1/write when the monitor has a remote-write receiver (otherwise the route is 404). */
export async function remoteWriteRoutes(app: FastifyInstance, ctx: ApiContext): Promise<void> {
  const sink = ctx.deps.remoteWrite;
  if (sink) await app.register(receiverRoutes, sink);
}
