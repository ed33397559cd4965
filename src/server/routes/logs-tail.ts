/**
 * WS /loki/api/v1/tail?query=&start=&limit=&delay_for=: Loki's live tail. On connecting the client gets the
 * newest `limit` entries since `start` (default: the hour before now) matching the LogQL log query, then every
 * matching entry as it is stored, in messages `{streams, dropped_entries}` (Loki's shape; `values` oldest
 * first). Entries are sent in batches every `delay_for` seconds (0..5, default 0 → every 250 ms). A client whose
 * unsent backlog exceeds `limits.liveMaxBufferedBytes` is sent nothing until it catches up; meanwhile its
 * entries wait in the hub's bounded buffer and, once that is full, are dropped and reported in
 * `dropped_entries`. Clients that do not answer a ping within `limits.livePingIntervalMs` are terminated.
 * Errors before the upgrade: 400 for a query that does not parse, a metric query or a bad parameter, 429 at the
 * hub's client limit, 404 when logs are off; a history query failing after the upgrade closes with 1011. A
 * tenant-scoped caller (src/server/tenancy.ts) gets only entries of its nodes or regions, history and live.
 * @see https://grafana.com/docs/loki/latest/reference/loki-http-api/#stream-logs
 */
import type { FastifyInstance } from 'fastify';
import type { WebSocket } from 'ws';
import { z } from 'zod';
import type { LokiTailMessage } from '../../contract/logs.ts';
import { InvalidInputError, LimitExceededError } from '../../errors.ts';
import { configured, type ApiContext, type LogSource, type LogTailSubscriptionHandle } from '../deps.ts';
import { intParam, parseQuery } from '../params.ts';
import { tenantScope } from '../tenancy.ts';
import { parseLokiTime } from './logs.ts';
import { startHeartbeat, watchClient } from './ws-liveness.ts';

/** Close codes (RFC 6455 registry): try again later, internal error. */
const CLOSE_TRY_AGAIN_LATER = 1013;
const CLOSE_INTERNAL_ERROR = 1011;
/** Longest close reason a WebSocket close frame carries, bytes (RFC 6455 §5.5: 125-byte control payloads). */
const MAX_CLOSE_REASON_BYTES = 123;

/** A close reason cut to whole characters within {@link MAX_CLOSE_REASON_BYTES} UTF-8 bytes. */
export function closeReason(text: string): string {
  let out = '';
  let bytes = 0;
  for (const ch of text) {
    const n = Buffer.byteLength(ch);
    if (bytes + n > MAX_CLOSE_REASON_BYTES) break;
    out += ch;
    bytes += n;
  }
  return out;
}

/** Batch period when `delay_for` is 0, ms. */
const DEFAULT_BATCH_MS = 250;
/** Loki's bounds: `delay_for` at most 5 s, `limit` at most 5000 entries. */
const MAX_DELAY_FOR_S = 5;
const MAX_LIMIT = 5000;
const DEFAULT_LIMIT = 100;
const DEFAULT_LOOKBACK_US = 3_600_000_000;

const TailSchema = z.strictObject({
  query: z.string().min(1, 'query is required'),
  start: z.string().optional(),
  limit: intParam(1, MAX_LIMIT).optional(),
  delay_for: intParam(0, MAX_DELAY_FOR_S).optional(),
});

interface TailParams {
  readonly query: string;
  readonly startUs: number;
  readonly limit: number;
  readonly batchMs: number;
}

/** @throws InvalidInputError (400) for a bad parameter or a query the hub refuses */
function tailParams(logs: LogSource, raw: unknown, nowUs: number): TailParams {
  const q = parseQuery(raw, { schema: TailSchema }).values;
  const startUs = q.start === undefined ? nowUs - DEFAULT_LOOKBACK_US : parseLokiTime(q.start, 'start');
  if (startUs > nowUs) throw new InvalidInputError('start must not be in the future');
  logs.tail.parse(q.query);
  const delayS = q.delay_for ?? 0;
  return {
    query: q.query,
    startUs,
    limit: q.limit ?? DEFAULT_LIMIT,
    batchMs: delayS === 0 ? DEFAULT_BATCH_MS : delayS * 1000,
  };
}

function entryKey(ns: string, labels: Record<string, string>, line: string): string {
  return JSON.stringify([
    ns,
    Object.keys(labels)
      .sort()
      .map((k) => [k, labels[k]]),
    line,
  ]);
}

/** The history message: each stream's values oldest first, and the keys of its entries. */
function historyMessage(streams: LokiTailMessage['streams']): {
  message: LokiTailMessage;
  keys: Set<string>;
} {
  const keys = new Set<string>();
  const sorted = streams.map((s) => {
    const values = [...s.values].sort((a, b) =>
      BigInt(a[0]) < BigInt(b[0]) ? -1 : BigInt(a[0]) > BigInt(b[0]) ? 1 : 0,
    );
    for (const [ns, line] of values) keys.add(entryKey(ns, s.stream, line));
    return { stream: s.stream, values };
  });
  return { message: { streams: sorted, dropped_entries: [] }, keys };
}

/** Registers WS /loki/api/v1/tail (requires `@fastify/websocket` on an ancestor instance). */
export async function logTailRoutes(app: FastifyInstance, ctx: ApiContext): Promise<void> {
  const clients = new Map<WebSocket, { alive: boolean; close: () => void }>();

  const ping = startHeartbeat(() => clients, ctx.limits.livePingIntervalMs);
  app.addHook('onClose', async () => {
    clearInterval(ping);
    for (const [socket, state] of clients) {
      state.close();
      socket.terminate();
    }
    clients.clear();
  });

  app.get(
    '/loki/api/v1/tail',
    {
      websocket: true,
      preValidation: async (request) => {
        const logs = configured(ctx.deps.logs, 'logs');
        tailParams(logs, request.query, ctx.now() * 1000);
        if (logs.tail.clients >= logs.tail.limits.maxClients)
          throw new LimitExceededError(
            `log tail already has its maximum of ${logs.tail.limits.maxClients} clients`,
          );
      },
    },
    async (socket, request) => {
      const logs = configured(ctx.deps.logs, 'logs');
      const nowUs = ctx.now() * 1000;
      const p = tailParams(logs, request.query, nowUs);
      // the scope taken at the upgrade filters the history query and every entry offered later
      const scope = tenantScope(request);
      let timer: NodeJS.Timeout | null = null;
      let history: Set<string> | null = null;
      let ready = false;
      let sub: LogTailSubscriptionHandle;
      const flush = (): void => {
        timer = null;
        if (!ready || socket.readyState !== socket.OPEN) return;
        if (socket.bufferedAmount > ctx.limits.liveMaxBufferedBytes) {
          schedule();
          return;
        }
        const seen = history;
        history = null;
        const msg = sub.take(
          seen === null
            ? undefined
            : (timeUs, labels, line) => seen.has(entryKey(`${timeUs}000`, labels, line)),
        );
        if (msg.streams.length > 0 || msg.dropped_entries.length > 0) socket.send(JSON.stringify(msg));
      };
      const schedule = (): void => {
        if (timer === null) timer = setTimeout(flush, p.batchMs);
      };
      try {
        // Concurrent upgrades that passed preValidation may exceed the limit: the hub refuses those.
        sub = logs.tail.subscribe(p.query, schedule, scope);
      } catch (e) {
        socket.close(
          CLOSE_TRY_AGAIN_LATER,
          closeReason(e instanceof Error ? e.message : 'log tail unavailable'),
        );
        return;
      }
      const state = {
        alive: true,
        close: () => {
          if (timer !== null) clearTimeout(timer);
          timer = null;
          sub.close();
        },
      };
      clients.set(socket, state);
      const remove = (): void => {
        if (clients.delete(socket)) state.close();
      };
      watchClient(socket, state, remove);
      try {
        const res = await logs.queryRange({
          query: p.query,
          startUs: p.startUs,
          endUs: nowUs + 1,
          limit: p.limit,
          stepMs: 1000,
          direction: 'backward',
          scope,
        });
        if (res.data.resultType !== 'streams') throw new InvalidInputError('tail takes a log query');
        const h = historyMessage(res.data.result);
        if (socket.readyState !== socket.OPEN) return;
        if (h.message.streams.length > 0) socket.send(JSON.stringify(h.message));
        history = h.keys;
        ready = true;
        if (sub.pending > 0) flush();
      } catch (e) {
        socket.close(
          CLOSE_INTERNAL_ERROR,
          closeReason(`history query failed: ${e instanceof Error ? e.message : String(e)}`),
        );
      }
    },
  );
}
