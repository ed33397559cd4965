/**
 * Minimal metrics server on node:http (seed 001 "Metrics Endpoint": /metrics, /health, /ready).
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';
import { InvalidInputError } from '../errors.ts';
import { OPENMETRICS_CONTENT_TYPE, prefersOpenMetrics, renderOpenMetrics } from './openmetrics.ts';

export interface MetricsServerOptions {
  readonly registry: Registry;
  /** Listen address; default 127.0.0.1. */
  readonly host?: string;
  /** TCP port; 0 picks an ephemeral port. */
  readonly port: number;
  /** Service name reported by /health. */
  readonly service: string;
  /** /ready answers 200 while this returns true, 503 otherwise. Default: always ready. */
  readonly ready?: () => boolean;
  /** Milliseconds clock for uptime; default Date.now. */
  readonly clock?: () => number;
  /** Extra GET paths (e.g. `/debug/pprof/profile`), each answered by its handler; at most 16. */
  readonly routes?: ReadonlyMap<string, MetricsServerRoute>;
  /**
   * Version of the registry's content (e.g. a simulator's tick count). While it is unchanged, /metrics answers
   * with the body rendered for the first scrape of that version (one per format), so scrapers arriving between
   * two updates cost one render. Default: every scrape renders.
   */
  readonly contentVersion?: () => number;
}

/** The answer of an extra route. */
export interface RouteResponse {
  readonly status: number;
  readonly contentType: string;
  readonly body: string | Uint8Array;
  /** Extra headers, e.g. Content-Disposition. */
  readonly headers?: Readonly<Record<string, string>>;
}

/** Handler of an extra GET path: gets the query string, answers with status, type and body. */
export type MetricsServerRoute = (query: URLSearchParams) => Promise<RouteResponse>;

export interface MetricsServer {
  readonly port: number;
  /** Base URL, e.g. http://127.0.0.1:9100 */
  readonly url: string;
  /** Stops listening and closes open connections. */
  close(): Promise<void>;
}

/**
 * Starts an HTTP server: GET|HEAD /metrics (Prometheus text, `registry.contentType`; OpenMetrics with exemplars
 * when the `Accept` header prefers it, as Prometheus' scrapes do), /health
 * (JSON `{"status":"healthy","service":..,"uptime_seconds":..}`), /ready (200 `{"status":"ready"}` or 503
 * `{"status":"not_ready"}`), 404 for other paths, 405 (with Allow) for other methods.
 * @returns the bound port and URL once listening.
 * @throws InvalidInputError on a bad port or empty service; rejects with the listen error (e.g. EADDRINUSE).
 */
export async function startMetricsServer(options: MetricsServerOptions): Promise<MetricsServer> {
  const { registry, service } = options;
  const host = options.host ?? '127.0.0.1';
  if (!Number.isInteger(options.port) || options.port < 0 || options.port > 65535) {
    throw new InvalidInputError(`port must be an integer in 0..65535, got ${options.port}`);
  }
  if (!service) throw new InvalidInputError('service name must not be empty');
  const ready = options.ready ?? (() => true);
  const routes = options.routes ?? new Map<string, MetricsServerRoute>();
  if (routes.size > 16) throw new InvalidInputError(`at most 16 extra routes, got ${routes.size}`);
  const clock = options.clock ?? Date.now;
  const startedAt = clock();

  const send = (
    res: ServerResponse,
    req: IncomingMessage,
    status: number,
    type: string,
    body: string | Uint8Array,
  ): void => {
    res.statusCode = status;
    res.setHeader('Content-Type', type);
    res.setHeader('Content-Length', typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength);
    res.end(req.method === 'HEAD' ? undefined : body);
  };
  const json = 'application/json; charset=utf-8';

  const rendered = new Map<
    'openmetrics' | 'text',
    { readonly version: number; readonly body: Promise<string> }
  >();
  /** The exposition in `format`, reused while `contentVersion` is unchanged (a failed render is not kept). */
  const render = (format: 'openmetrics' | 'text'): Promise<string> => {
    const fresh = () => (format === 'openmetrics' ? renderOpenMetrics(registry) : registry.metrics());
    const version = options.contentVersion?.();
    if (version === undefined) return fresh();
    const hit = rendered.get(format);
    if (hit !== undefined && hit.version === version) return hit.body;
    const body = fresh();
    rendered.set(format, { version, body });
    body.catch(() => {
      if (rendered.get(format)?.body === body) rendered.delete(format);
    });
    return body;
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const [path = '/', query = ''] = (req.url ?? '/').split('?', 2);
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('Allow', 'GET, HEAD');
      send(res, req, 405, json, JSON.stringify({ error: 'method not allowed' }));
      return;
    }
    switch (path) {
      case '/metrics': {
        if (prefersOpenMetrics(req.headers.accept))
          send(res, req, 200, OPENMETRICS_CONTENT_TYPE, await render('openmetrics'));
        else send(res, req, 200, registry.contentType, await render('text'));
        return;
      }
      case '/health':
        send(
          res,
          req,
          200,
          json,
          JSON.stringify({ status: 'healthy', service, uptime_seconds: (clock() - startedAt) / 1000 }),
        );
        return;
      case '/ready': {
        const ok = ready();
        send(res, req, ok ? 200 : 503, json, JSON.stringify({ status: ok ? 'ready' : 'not_ready', service }));
        return;
      }
      default: {
        const route = routes.get(path);
        if (!route) {
          send(res, req, 404, json, JSON.stringify({ error: 'not found' }));
          return;
        }
        const r = await route(new URLSearchParams(query));
        for (const [k, v] of Object.entries(r.headers ?? {})) res.setHeader(k, v);
        send(res, req, r.status, r.contentType, r.body);
      }
    }
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent)
        send(
          res,
          req,
          500,
          json,
          JSON.stringify({ error: err instanceof Error ? err.message : String(err) }),
        );
      else res.destroy();
    });
  });
  server.keepAliveTimeout = 5_000;

  await new Promise<void>((resolve, reject) => {
    const onError = (err: Error): void => reject(err);
    server.once('error', onError);
    server.listen(options.port, host, () => {
      server.off('error', onError);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const urlHost = host.includes(':') ? `[${host}]` : host;
  let closed: Promise<void> | undefined;
  return {
    port,
    url: `http://${urlHost}:${port}`,
    close() {
      closed ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closed;
    },
  };
}
