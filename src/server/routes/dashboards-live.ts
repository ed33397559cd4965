/**
 * WS /ws/dashboards/{id}?var[name]=v1,v2: pushes the dashboard's widget data (`{type: 'data', data}`) on
 * connecting and then at the dashboard's refresh interval (at least `live.minRefreshMs`; once only when refresh
 * is `off`). Viewers of one dashboard with the same variable values, user and role form a group (grants decide
 * what each user sees): one evaluation per refresh is sent to all of them (and evaluations of every group go
 * through the engine's shared query cache). When the dashboard is deleted, or no longer granted to the group's
 * user, the viewers get `{type: 'error'}` and are closed.
 * Bounds: `live.maxClients` sockets in all and `live.maxClientsPerDashboard` per dashboard (429 before the
 * upgrade); a client whose unsent backlog exceeds `live.maxBufferedBytes` skips updates until it catches up;
 * clients that do not answer a ping within `limits.livePingIntervalMs` are terminated.
 */
import type { FastifyInstance } from 'fastify';
import type { WebSocket } from 'ws';
import { z } from 'zod';
import type { DashboardLiveMessage } from '../../contract/dashboards.ts';
import { LimitExceededError, NotFoundError } from '../../errors.ts';
import { configured, type ApiContext } from '../deps.ts';
import type { DashboardScope, DashboardsApi } from '../dashboards-deps.ts';
import { parseQuery } from '../params.ts';
import { dashboardId, scopeOf, variableValues } from './dashboards.ts';
import { startHeartbeat, watchClient } from './ws-liveness.ts';

/** Close code 1013 "try again later" and 1000 "normal closure" (RFC 6455 registry). */
const CLOSE_TRY_AGAIN_LATER = 1013;
const CLOSE_NORMAL = 1000;

interface Client {
  alive: boolean;
}

/** The viewers of one dashboard with one set of variable values, as one user. */
interface Group {
  readonly scope: DashboardScope;
  readonly id: string;
  readonly vars: Record<string, string[]>;
  readonly clients: Map<WebSocket, Client>;
  timer: NodeJS.Timeout | null;
  busy: boolean;
}

export async function dashboardLiveRoutes(app: FastifyInstance, ctx: ApiContext): Promise<void> {
  const groups = new Map<string, Group>();
  let total = 0;
  const Query = z.strictObject({});

  const ping = startHeartbeat(function* () {
    for (const g of groups.values()) yield* g.clients;
  }, ctx.limits.livePingIntervalMs);

  const send = (g: Group, msg: DashboardLiveMessage, api: DashboardsApi, only?: WebSocket): void => {
    const text = JSON.stringify(msg);
    for (const socket of only ? [only] : g.clients.keys()) {
      if (socket.readyState !== socket.OPEN || socket.bufferedAmount > api.live.maxBufferedBytes) continue;
      socket.send(text);
    }
  };

  const viewers = (tenantId: string, id: string): number => {
    let n = 0;
    for (const g of groups.values()) if (g.id === id && g.scope.tenantId === tenantId) n += g.clients.size;
    return n;
  };

  const stopGroup = (key: string, g: Group): void => {
    if (g.timer) clearInterval(g.timer);
    g.timer = null;
    groups.delete(key);
  };

  /** Evaluates once and sends to the group (or one new client); a deleted (or no longer granted) dashboard closes the group. */
  const push = async (key: string, g: Group, api: DashboardsApi, only?: WebSocket): Promise<void> => {
    if (!only) {
      if (g.busy) return;
      g.busy = true;
    }
    try {
      const data = await api.data(g.scope, g.id, g.vars);
      send(g, { type: 'data', data }, api, only);
    } catch (e) {
      const message = e instanceof Error ? e.message : 'evaluation failed';
      send(
        g,
        { type: 'error', error: e instanceof NotFoundError ? message : `widget data failed: ${message}` },
        api,
        only,
      );
      if (e instanceof NotFoundError) {
        for (const socket of g.clients.keys()) socket.close(CLOSE_NORMAL, 'dashboard not found');
        stopGroup(key, g);
      }
    } finally {
      if (!only) g.busy = false;
    }
  };

  app.addHook('onClose', async () => {
    clearInterval(ping);
    for (const [key, g] of groups) {
      for (const socket of g.clients.keys()) socket.terminate();
      stopGroup(key, g);
    }
    total = 0;
  });

  app.get<{ Params: { id: string } }>(
    '/ws/dashboards/:id',
    {
      websocket: true,
      preValidation: async (request) => {
        const api = configured(ctx.deps.dashboards, 'dashboards');
        const parsed = parseQuery(request.query, { schema: Query, families: ['var'] });
        variableValues(parsed.families.get('var'));
        const id = dashboardId(request.params.id);
        if (total >= api.live.maxClients)
          throw new LimitExceededError(
            `dashboard live updates already have their maximum of ${api.live.maxClients} clients`,
          );
        const scope = scopeOf(request, api);
        if (viewers(scope.tenantId, id) >= api.live.maxClientsPerDashboard)
          throw new LimitExceededError(
            `dashboard ${id} already has its maximum of ${api.live.maxClientsPerDashboard} live viewers`,
          );
        await api.get(scope, id);
      },
    },
    async (socket, request) => {
      const api = configured(ctx.deps.dashboards, 'dashboards');
      const scope = scopeOf(request, api);
      const id = dashboardId(request.params.id);
      const vars = variableValues(
        parseQuery(request.query, { schema: Query, families: ['var'] }).families.get('var'),
      );
      const key = JSON.stringify([
        scope.tenantId,
        scope.actor,
        scope.role ?? null,
        id,
        Object.entries(vars).sort(([a], [b]) => (a < b ? -1 : 1)),
      ]);
      let g = groups.get(key);
      // Upgrades that passed preValidation concurrently may still exceed a limit: close those.
      if (total >= api.live.maxClients || viewers(scope.tenantId, id) >= api.live.maxClientsPerDashboard) {
        socket.close(CLOSE_TRY_AGAIN_LATER, 'too many dashboard viewers');
        return;
      }
      if (g === undefined) {
        g = { scope, id, vars, clients: new Map(), timer: null, busy: false };
        groups.set(key, g);
      }
      const group = g;
      const state: Client = { alive: true };
      group.clients.set(socket, state);
      total++;
      const remove = (): void => {
        if (!group.clients.delete(socket)) return;
        total--;
        if (group.clients.size === 0) stopGroup(key, group);
      };
      watchClient(socket, state, remove);
      if (group.timer === null) {
        const rec = await api.get(scope, id).catch(() => undefined);
        const every = rec ? api.refreshMs(rec.dashboard) : null;
        if (every !== null && group.clients.size > 0 && groups.get(key) === group) {
          group.timer = setInterval(() => void push(key, group, api), Math.max(every, api.live.minRefreshMs));
          group.timer.unref();
        }
      }
      await push(key, group, api, socket);
    },
  );
}
