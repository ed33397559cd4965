/**
 * GET /api/network: inter-region telemetry per directed region pair from the nodes' probe series: RTT
 * statistics, RFC 3550 interarrival jitter, probe loss, bandwidth utilisation per direction and tunnel health
 * (src/analysis/health/network.ts).
 *
 * @see https://www.rfc-editor.org/rfc/rfc3550#section-6.4.1 (interarrival jitter)
 */
import { z } from 'zod';
import { AnalysisWindowSchema, listOf, successOf, WarningsSchema } from './common.ts';

/** RTT over the window in ms (pooled samples of every probing node of the region; type 7 quantiles). */
export const PairRttSchema = z.strictObject({
  samples: z.number().int().positive(),
  latestMs: z.number(),
  minMs: z.number(),
  avgMs: z.number(),
  p50Ms: z.number(),
  p95Ms: z.number(),
  maxMs: z.number(),
});
export type PairRtt = z.infer<typeof PairRttSchema>;

/** Probe loss over the window (counter increases); `ratio` null when no probe was sent. */
export const PairLossSchema = z.strictObject({
  probesSent: z.number().nonnegative(),
  probesLost: z.number().nonnegative(),
  ratio: z.number().nullable(),
});

const Throughput = { txBytesPerSecond: z.number(), rxBytesPerSecond: z.number() };

/**
 * Latest throughput in bytes per second, summed over the region's probing nodes, and — when a node reported its
 * link capacity — the capacity and the utilisation of each direction (both null otherwise).
 */
export const PairBandwidthSchema = z.union([
  z.strictObject({
    ...Throughput,
    capacityBytesPerSecond: z.number().positive(),
    utilization: z.strictObject({ tx: z.number(), rx: z.number(), max: z.number() }),
  }),
  z.strictObject({ ...Throughput, capacityBytesPerSecond: z.null(), utilization: z.null() }),
]);
export type PairBandwidth = z.infer<typeof PairBandwidthSchema>;

/** Telemetry of one directed region pair; each measurement is null when its series had no data. */
export const PairNetworkSchema = z.strictObject({
  region: z.string(),
  remoteRegion: z.string(),
  /** Probing nodes, sorted. */
  nodes: listOf(z.string()),
  rtt: PairRttSchema.nullable(),
  /** RFC 3550 §6.4.1 jitter of successive RTT samples, ms; the largest over the region's nodes. */
  jitterMs: z.number().nullable(),
  loss: PairLossSchema,
  bandwidth: PairBandwidthSchema.nullable(),
  /** Newest sample time of any probe series of the pair, Unix ms. */
  lastSeenMs: z.number().nullable(),
  tunnel: z.strictObject({ state: z.enum(['up', 'degraded', 'down']), reasons: listOf(z.string()) }),
});
export type PairNetwork = z.infer<typeof PairNetworkSchema>;

/** `data` of GET /api/network. */
export const NetworkOverviewSchema = z.strictObject({
  window: AnalysisWindowSchema,
  /** Sorted by region, then remote region. */
  pairs: listOf(PairNetworkSchema),
  warnings: WarningsSchema,
});
export type NetworkOverview = z.infer<typeof NetworkOverviewSchema>;

/** Body of GET /api/network. */
export const NetworkResponseSchema = successOf(NetworkOverviewSchema);
export type NetworkResponse = z.infer<typeof NetworkResponseSchema>;
