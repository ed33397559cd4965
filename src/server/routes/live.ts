/**
 * GET /api/live: a websocket pushing {@link LiveEvent}s as JSON text messages, one event per message. The first
 * message after connecting is a `targets` snapshot. Bounded: at most `limits.liveMaxClients` clients, and
 * `limits.liveMaxClientsPerAddress` from one remote address (more are refused with 429 before the upgrade), and a client whose unsent backlog exceeds `limits.liveMaxBufferedBytes`
 * misses messages (counted in the live dropped counter) instead of growing the server's memory. Clients that do
 * not answer a ping within `limits.livePingIntervalMs` are terminated. A tenant-scoped client (scope taken at the
 * upgrade, src/server/tenancy.ts) gets the anomalies and targets of its own nodes only, and no
 * `anomaly_resolved` events (they carry only an id, which could be another tenant's); it re-reads
 * GET /api/anomalies for resolutions.
 */
import type { FastifyInstance } from 'fastify';
import { Counter, Gauge, type Registry } from 'prom-client';
import type { WebSocket } from 'ws';
import { z } from 'zod';
import { getMetric } from '../../catalog/index.ts';
import type { LiveEvent } from '../../contract/live.ts';
import { InvalidInputError, LimitExceededError } from '../../errors.ts';
import { allowsLabels, type TenantScope } from '../../model/tenant-scope.ts';
import { WarnGate } from '../../model/warn-gate.ts';
import type { ApiContext } from '../deps.ts';
import { parseQuery } from '../params.ts';
import { tenantScope } from '../tenancy.ts';
import { redactTarget } from './targets.ts';
import { startHeartbeat, watchClient } from './ws-liveness.ts';

const NoParams = z.strictObject({});
/** Close code 1013 "try again later" (RFC 6455 registry). */
const CLOSE_TRY_AGAIN_LATER = 1013;

interface LiveMetrics {
  readonly clients: Gauge<string>;
  readonly dropped: Counter<string>;
}

/** Creates (or reuses, when an earlier app registered them in the same registry) the live-feed metrics. */
function liveMetrics(registry: Registry): LiveMetrics {
  const cDef = getMetric('dwcp_monitor_live_clients');
  const dDef = getMetric('dwcp_monitor_live_messages_dropped_total');
  const existingC = registry.getSingleMetric(cDef.name);
  const existingD = registry.getSingleMetric(dDef.name);
  const clients =
    existingC instanceof Gauge
      ? existingC
      : new Gauge({ name: cDef.name, help: cDef.help, labelNames: [...cDef.labels], registers: [registry] });
  const dropped =
    existingD instanceof Counter
      ? existingD
      : new Counter({
          name: dDef.name,
          help: dDef.help,
          labelNames: [...dDef.labels],
          registers: [registry],
        });
  return { clients, dropped };
}

/**
 * Registers GET /api/live (requires `@fastify/websocket` registered on an ancestor instance). Subscribes to
 * `deps.live` once; the subscription ends when the app closes, which also terminates every client.
 * Errors before the upgrade: 400 for query parameters, 429 DWCP_LIMIT_EXCEEDED when the client limit is reached.
 */
export async function liveRoutes(app: FastifyInstance, ctx: ApiContext): Promise<void> {
  const { limits } = ctx;
  const metrics = liveMetrics(ctx.deps.registry);
  const clients = new Map<WebSocket, { alive: boolean; address: string; scope: TenantScope }>();
  const clientsFrom = (address: string): number =>
    [...clients.values()].filter((c) => c.address === address).length;
  const updateGauge = (): void => metrics.clients.set(clients.size);
  updateGauge();

  const dropWarnings = new WarnGate();
  const unsubscribe = ctx.deps.live.subscribe((e: LiveEvent) => {
    if (clients.size === 0) return;
    // One encoding per tenant scope (clients of one tenant share it); null: the event is not for that tenant.
    const encoded = new Map<string, string | null>();
    for (const [socket, state] of clients) {
      if (socket.readyState !== socket.OPEN) continue;
      const key = state.scope.kind === 'all' ? '' : state.scope.tenant;
      let data = encoded.get(key);
      if (data === undefined) {
        const visible = eventFor(e, state.scope);
        data = visible === null ? null : JSON.stringify(visible);
        encoded.set(key, data);
      }
      if (data === null) continue;
      if (socket.bufferedAmount > limits.liveMaxBufferedBytes) {
        metrics.dropped.inc({ reason: 'slow_client' });
        const held = dropWarnings.pass('slow_client', ctx.now());
        if (held !== undefined) {
          ctx.warnLog?.warn(
            { reason: 'slow_client', bufferedBytes: socket.bufferedAmount, heldBackSinceLastWarning: held },
            'live feed message dropped for a slow websocket client',
          );
        }
        continue;
      }
      socket.send(data);
    }
  });

  const ping = startHeartbeat(() => clients, limits.livePingIntervalMs);

  app.addHook('onClose', async () => {
    unsubscribe();
    clearInterval(ping);
    for (const socket of clients.keys()) socket.terminate();
    clients.clear();
    updateGauge();
  });

  app.route({
    method: 'GET',
    url: '/api/live',
    preValidation: async (request) => {
      parseQuery(request.query, { schema: NoParams });
      if (clients.size >= limits.liveMaxClients) {
        throw new LimitExceededError(
          `the live feed already has its maximum of ${limits.liveMaxClients} clients`,
        );
      }
      if (clientsFrom(request.ip) >= limits.liveMaxClientsPerAddress) {
        throw new LimitExceededError(
          `the live feed already has its maximum of ${limits.liveMaxClientsPerAddress} clients from ${request.ip}`,
        );
      }
    },
    // A plain HTTP GET (no upgrade) gets the API's error body instead of an empty 404.
    handler: async () => {
      throw new InvalidInputError('GET /api/live is a websocket: send the request with "Upgrade: websocket"');
    },
    wsHandler: (socket, request) => {
      // Upgrades that passed preValidation concurrently may still exceed the limits: close those.
      if (
        clients.size >= limits.liveMaxClients ||
        clientsFrom(request.ip) >= limits.liveMaxClientsPerAddress
      ) {
        socket.close(CLOSE_TRY_AGAIN_LATER, 'too many live clients');
        return;
      }
      const state = { alive: true, address: request.ip, scope: tenantScope(request) };
      clients.set(socket, state);
      updateGauge();
      const remove = (): void => {
        if (clients.delete(socket)) updateGauge();
      };
      // Clients are not expected to send anything; messages are ignored.
      watchClient(socket, state, remove);
      const hello = eventFor({ type: 'targets', targets: ctx.deps.targets() }, state.scope);
      socket.send(JSON.stringify(hello));
    },
  });
}

/**
 * The event as a client of `scope` sees it (target URLs and errors redacted), or null when it is not for it:
 * another tenant's anomaly, or a resolution sent to a tenant-scoped client.
 */
export function eventFor(e: LiveEvent, scope: TenantScope): LiveEvent | null {
  if (e.type === 'targets')
    return { ...e, targets: e.targets.filter((t) => allowsLabels(scope, t.labels)).map(redactTarget) };
  if (scope.kind === 'all') return e;
  if (e.type === 'anomaly') return allowsLabels(scope, e.anomaly.labels) ? e : null;
  return null;
}
