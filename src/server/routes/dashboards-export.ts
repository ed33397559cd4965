/**
 * GET /api/dashboards/{id}/export.png and /export.pdf?var[name]=v1,v2: the dashboard as the console shows it
 * (`#/dashboards?id=<id>&export=1&var-<name>=…`, without the console's header, with the viewer's variable selection), rendered by headless Chromium from this
 * server's own address with the caller's credentials once every widget has data. 404 for an unknown (or another tenant's) dashboard; 503 when
 * the console is not served, Chromium is missing or fails or times out; 429 when too many exports wait.
 */
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { UnavailableError } from '../../errors.ts';
import { configured, type ApiContext } from '../deps.ts';
import { parseQuery } from '../params.ts';
import { forwardableToken } from '../auth.ts';
import { dashboardId, scopeOf, variableValues } from './dashboards.ts';

/** What the console's dashboard sets once its first data has arrived. */
export const EXPORT_READY_SELECTOR = '[data-export-ready]';

const CONTENT_TYPE = { png: 'image/png', pdf: 'application/pdf' } as const;

/** The server's own base URL on a loopback or bound address (`0.0.0.0`/`::` → loopback). */
export function ownBaseUrl(address: AddressInfo): string {
  const host =
    address.address === '0.0.0.0' ? '127.0.0.1' : address.address === '::' ? '::1' : address.address;
  return `http://${host.includes(':') ? `[${host}]` : host}:${address.port}`;
}

/** File name of an export: the title in lowercase words joined by `-` (`dashboard` when nothing is left). */
export function exportFileName(title: string, format: 'png' | 'pdf'): string {
  const base =
    title
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 80) || 'dashboard';
  return `${base}.${format}`;
}

/** The console's route parameters of the exported page: the dashboard alone, with the selection as `var-<name>=v1,v2`. */
export function consoleQuery(id: string, vars: Readonly<Record<string, readonly string[]>>): string {
  const q = new URLSearchParams({ id, export: '1' });
  for (const [name, values] of Object.entries(vars))
    if (values.length > 0) q.set(`var-${name}`, values.join(','));
  return q.toString();
}

export async function dashboardExportRoutes(app: FastifyInstance, ctx: ApiContext): Promise<void> {
  for (const format of ['png', 'pdf'] as const) {
    app.get<{ Params: { id: string } }>(`/api/dashboards/:id/export.${format}`, async (request, reply) => {
      const vars = variableValues(
        parseQuery(request.query, { schema: z.strictObject({}), families: ['var'] }).families.get('var'),
      );
      const api = configured(ctx.deps.dashboards, 'dashboards');
      const id = dashboardId(request.params.id);
      const rec = await api.get(scopeOf(request, api), id);
      if (ctx.deps.webRoot === undefined)
        throw new UnavailableError(
          'PNG and PDF export render the web console, which this server does not serve (run `npm run build:web`)',
        );
      if (api.render === undefined)
        throw new UnavailableError(
          'PNG and PDF export need Chromium, which is not configured on this server',
        );
      const address = app.server.address();
      if (address === null || typeof address === 'string')
        throw new UnavailableError('PNG and PDF export need the server to listen on a TCP address');
      const url = `${ownBaseUrl(address)}/#/dashboards?${consoleQuery(id, vars)}`;
      // The page loads with the caller's own credentials, so it shows what the caller may see.
      const token = forwardableToken(request);
      const body = await api.render(
        url,
        format,
        EXPORT_READY_SELECTOR,
        token === undefined ? {} : { authorization: `Bearer ${token}` },
      );
      reply.header('content-type', CONTENT_TYPE[format]);
      reply.header(
        'content-disposition',
        `attachment; filename="${exportFileName(rec.dashboard.title, format)}"`,
      );
      return reply.send(body);
    });
  }
}
