/**
 * Browser-facing protections of the API, installed on the root instance before the routes:
 * - security headers (@fastify/helmet: Content-Security-Policy, X-Content-Type-Options, frame and referrer
 *   policies; no HSTS and no upgrade-insecure-requests, since the monitor itself serves plain HTTP);
 * - a Host allow-list against DNS rebinding: loopback names, IP literals (a rebinding attack needs a name),
 *   the listen host and the configured names; anything else → 403;
 * - an Origin check on state-changing requests (POST, PUT, PATCH, DELETE) and websocket upgrades: an `Origin`
 *   header, when present, must be the request's own origin or a configured one → else 403 (clients that send
 *   no Origin, such as curl and other servers, are not browsers and pass);
 * - CSRF-safe content types: a state-changing request whose `Content-Type` is one a cross-site HTML form or a
 *   preflight-free `fetch` can send (text/plain, application/x-www-form-urlencoded, multipart/form-data)
 *   → 415, with or without a body; except URL-encoded forms POSTed to the read-only Prometheus query routes
 *   (`READ_ONLY_FORM_PATHS`), which Prometheus clients send.
 *
 * @see https://owasp.org/www-community/attacks/csrf and the OWASP CSRF Prevention Cheat Sheet (Origin check)
 * @see https://fetch.spec.whatwg.org/#cors-safelisted-request-header (the content types a form can send)
 * @see https://github.com/fastify/fastify-helmet
 */
import { isIP } from 'node:net';
import fastifyHelmet from '@fastify/helmet';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ForbiddenError, UnsupportedMediaTypeError } from '../errors.ts';

/** Options of {@link registerSecurity}. */
export interface HttpSecurityOptions {
  /** Host names (no port) the `Host` header may name besides loopback names and IP literals. */
  readonly allowedHosts?: readonly string[];
  /** Origins (`scheme://host[:port]`) besides the request's own that may write and open the live websocket. */
  readonly allowedOrigins?: readonly string[];
}

/** Names that always reach the local machine. */
export const LOOPBACK_HOSTS: readonly string[] = Object.freeze(['localhost', '127.0.0.1', '::1']);

const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
/**
 * Read-only routes of the Prometheus query API that Prometheus clients (promtool, client_golang, Grafana) POST as
 * a form: URL-encoded form bodies are accepted there (they change nothing; the Origin check still applies).
 */
const READ_ONLY_FORM_PATHS = new Set([
  '/api/v1/query',
  '/api/v1/query_range',
  '/api/v1/series',
  '/api/v1/labels',
]);
/** Media types a cross-site form or a preflight-free fetch can send. */
const FORM_TYPES = new Set(['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data']);

/** The host name of a `Host` header value (`[::1]:9500` → `::1`, `Example.COM.:80` → `example.com`), or ''. */
export function hostName(host: string): string {
  const h = host.trim().toLowerCase();
  const name = h.startsWith('[')
    ? h.slice(1, h.indexOf(']') < 0 ? h.length : h.indexOf(']'))
    : h.replace(/:\d*$/, '');
  return name.endsWith('.') ? name.slice(0, -1) : name;
}

/** Normalises an origin (`HTTP://Example.com:80` → `http://example.com`); undefined when it is not one. */
export function normaliseOrigin(origin: string): string | undefined {
  try {
    const u = new URL(origin);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.origin : undefined;
  } catch {
    return undefined;
  }
}

function header(request: FastifyRequest, name: string): string | undefined {
  const v = request.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/** Truncated and JSON-quoted, for error messages. */
function shown(text: string): string {
  return JSON.stringify(text.length > 100 ? `${text.slice(0, 100)}…` : text);
}

/**
 * Installs helmet and the Host, Origin and content-type checks (module comment) on `app`. Call on the root
 * instance before the routes; the checks run in `onRequest`, before body parsing and websocket upgrades.
 * @throws nothing itself; requests failing a check get 403 DWCP_FORBIDDEN or 415 DWCP_UNSUPPORTED_MEDIA_TYPE
 */
export async function registerSecurity(
  app: FastifyInstance,
  options: HttpSecurityOptions = {},
): Promise<void> {
  await app.register(fastifyHelmet, {
    hsts: false,
    contentSecurityPolicy: { directives: { upgradeInsecureRequests: null } },
  });
  const hosts = new Set([...LOOPBACK_HOSTS, ...(options.allowedHosts ?? [])].map(hostName));
  const origins = new Set((options.allowedOrigins ?? []).map((o) => normaliseOrigin(o) ?? o));

  app.addHook('onRequest', async (request) => {
    const host = header(request, 'host') ?? '';
    const name = hostName(host);
    if (!(hosts.has(name) || isIP(name) !== 0)) {
      throw new ForbiddenError(`Host ${shown(host)} is not served here; add its name to listen.allowedHosts`);
    }
    const upgrade = (header(request, 'upgrade') ?? '').toLowerCase() === 'websocket';
    if (!STATE_CHANGING.has(request.method) && !upgrade) return;
    const origin = header(request, 'origin');
    if (origin !== undefined) {
      const o = normaliseOrigin(origin);
      const own = [`http://${host}`, `https://${host}`].map(normaliseOrigin);
      if (o === undefined || !(own.includes(o) || origins.has(o))) {
        throw new ForbiddenError(
          `requests from origin ${shown(origin)} are not allowed; add it to listen.allowedOrigins`,
        );
      }
    }
    const type = (header(request, 'content-type') ?? '').split(';')[0]!.trim().toLowerCase();
    const readOnlyForm =
      request.method === 'POST' &&
      type === 'application/x-www-form-urlencoded' &&
      READ_ONLY_FORM_PATHS.has(request.url.split('?')[0]!);
    if (STATE_CHANGING.has(request.method) && FORM_TYPES.has(type) && !readOnlyForm) {
      throw new UnsupportedMediaTypeError(
        `Unsupported Media Type: content-type ${shown(type)} is not accepted for ${request.method} (a cross-site form can send it); send application/json`,
      );
    }
  });
}
