/** GET /api/network: inter-region RTT, RFC 3550 jitter, probe loss, bandwidth and tunnel health per region pair. */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { InvalidInputError } from '../../errors.ts';
import type { NetworkResponse } from '../../contract/network.ts';
import { configured, type ApiContext } from '../deps.ts';
import { durationParam, parseQuery } from '../params.ts';

/** Shortest, longest and default `window` of GET /api/network. */
export const MIN_NETWORK_WINDOW_MS = 10_000;
export const MAX_NETWORK_WINDOW_MS = 24 * 3_600_000;
export const DEFAULT_NETWORK_WINDOW_MS = 15 * 60_000;

/**
 * Validates the query `{window?, region?}` (window: duration such as `15m` or seconds, in [10 s, 24 h], default
 * 15 m; region: a region name of letters, digits, `_ . -`, at most 128 characters); unknown parameters → 400.
 * @throws UnknownParameterError, InvalidInputError
 */
export function parseNetworkQuery(raw: unknown): { windowMs: number; region: string | undefined } {
  const schema = z.strictObject({
    window: durationParam().optional(),
    region: z
      .string()
      .regex(/^[A-Za-z0-9_.-]{1,128}$/, { message: 'must be 1-128 letters, digits, _ . or -' })
      .optional(),
  });
  const { window, region } = parseQuery(raw, { schema }).values;
  const ms = window ?? DEFAULT_NETWORK_WINDOW_MS;
  if (!(ms >= MIN_NETWORK_WINDOW_MS && ms <= MAX_NETWORK_WINDOW_MS)) {
    throw new InvalidInputError(`window: must be between 10s and 24h, got ${ms / 1000}s`);
  }
  return { windowMs: Math.round(ms), region };
}

/**
 * Registers GET /api/network?window=15m&region=us-east → 200 `{status: 'success', data: {window, pairs: [{region,
 * remoteRegion, nodes, rtt: {samples, latestMs, minMs, avgMs, p50Ms, p95Ms, maxMs} | null, jitterMs, loss:
 * {probesSent, probesLost, ratio}, bandwidth: {txBytesPerSecond, rxBytesPerSecond, capacityBytesPerSecond,
 * utilization: {tx, rx, max}} | null, lastSeenMs, tunnel: {state, reasons}}], warnings}}`.
 */
export async function networkRoutes(app: FastifyInstance, ctx: ApiContext): Promise<void> {
  app.get('/api/network', async (request): Promise<NetworkResponse> => {
    const { windowMs, region } = parseNetworkQuery(request.query);
    return {
      status: 'success',
      data: await configured(ctx.deps.network, 'network telemetry').network(windowMs, ctx.now(), region),
    };
  });
}
