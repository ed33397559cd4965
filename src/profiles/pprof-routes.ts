/**
 * Go-compatible `/debug/pprof/profile?seconds=N` (CPU) and `/debug/pprof/heap` endpoints for the SDK's plain
 * node:http metrics server (src/sdk/metrics-server.ts `routes`), so every instrumented process, such as a
 * simulated node, can be profiled the way a Go service is. The monitor's own API serves the same paths through
 * its fastify route plugin. Bad `seconds` → 400; a CPU profile already running → 429 (with Retry-After).
 * @see https://pkg.go.dev/net/http/pprof
 */
import { DwcpError, InvalidInputError, LimitExceededError } from '../errors.ts';
import type { MetricsServerRoute, RouteResponse } from '../sdk/metrics-server.ts';
import { MAX_CPU_PROFILE_SECONDS, type CapturedProfile, type ProcessProfiler } from './runtime-profiler.ts';

/** Default length of a CPU profile when `seconds` is absent (Go's default). */
export const DEFAULT_CPU_PROFILE_SECONDS = 30;

/** Content type of pprof downloads (as net/http/pprof sends). */
export const PPROF_CONTENT_TYPE = 'application/octet-stream';

/**
 * Reads the `seconds` parameter: absent → {@link DEFAULT_CPU_PROFILE_SECONDS}; otherwise a decimal integer
 * 1..{@link MAX_CPU_PROFILE_SECONDS}.
 * @throws InvalidInputError naming the parameter and the accepted range.
 */
export function parseProfileSeconds(value: string | null | undefined): number {
  if (value === null || value === undefined) return DEFAULT_CPU_PROFILE_SECONDS;
  if (!/^\d{1,6}$/.test(value) || Number(value) < 1 || Number(value) > MAX_CPU_PROFILE_SECONDS) {
    throw new InvalidInputError(
      `seconds must be an integer 1..${MAX_CPU_PROFILE_SECONDS}, got ${JSON.stringify(value)}`,
    );
  }
  return Number(value);
}

/** Download headers of a captured profile (file name as Go's: `profile` / `heap`). */
export function pprofHeaders(p: CapturedProfile): Record<string, string> {
  return {
    'Content-Disposition': `attachment; filename="${p.kind === 'cpu' ? 'profile' : 'heap'}.pb.gz"`,
    'X-Content-Type-Options': 'nosniff',
  };
}

function errorResponse(e: unknown): RouteResponse {
  if (!(e instanceof DwcpError)) throw e;
  // This plain server has no fastify error handler; the two expected errors are answered here.
  const status = e instanceof InvalidInputError ? 400 : e instanceof LimitExceededError ? 429 : 500;
  return {
    status,
    contentType: 'application/json; charset=utf-8',
    body: JSON.stringify({ status: 'error', errorType: e.code, error: e.message }),
    ...(status === 429 ? { headers: { 'Retry-After': '5' } } : {}),
  };
}

/**
 * The two routes for a metrics server.
 * @param onCapture called after each profile (e.g. to count it); errors in it are the caller's.
 */
export function pprofRoutes(
  profiler: ProcessProfiler,
  onCapture?: (p: CapturedProfile) => void,
): ReadonlyMap<string, MetricsServerRoute> {
  const answer = (p: CapturedProfile): RouteResponse => {
    onCapture?.(p);
    return { status: 200, contentType: PPROF_CONTENT_TYPE, body: p.pprof, headers: pprofHeaders(p) };
  };
  return new Map<string, MetricsServerRoute>([
    [
      '/debug/pprof/profile',
      async (q) => {
        try {
          return answer(await profiler.cpu(parseProfileSeconds(q.get('seconds'))));
        } catch (e) {
          return errorResponse(e);
        }
      },
    ],
    [
      '/debug/pprof/heap',
      async () => {
        try {
          return answer(await profiler.heap());
        } catch (e) {
          return errorResponse(e);
        }
      },
    ],
  ]);
}
