/**
 * Inter-region probes of a simulated node: per remote region, probe packets sent and lost, the RTT of the
 * latest answered one, the link capacity and the bandwidth used in each direction. Probes draw from their own
 * generator, so adding or removing them never changes the node's other telemetry.
 */
import type { CatalogMetrics } from '../catalog/registry.ts';
import type { FaultEffects } from './faults.ts';
import { clamp, interRegionBaseRttMs, LINK_CLASSES, type LinkProfile } from './link-model.ts';
import { Prng } from './prng.ts';

/** Probe packets a node sends to each remote region per second. */
export const PROBES_PER_SECOND = 10;
/** Capacity of an inter-region WAN path of a datacenter or hybrid node (bits/s); internet nodes use their link. */
const WAN_PATH_BPS = 10e9;
/** Share of a node's throughput that crosses to remote regions (federation, cross-region migrations). */
const INTER_REGION_SHARE = 0.3;
/** Seed offset of the probe generator, so probes never change the draws of the node's other telemetry. */
const PROBE_SEED_SALT = 0x6e657477;

/** A node's probe path to one remote region. */
interface ProbePath {
  readonly remote: string;
  /** WAN part of the RTT in ms (the node's own access latency is added twice per probe). */
  readonly baseRttMs: number;
  /** Loss of the WAN part, 0..1 (the node's link loss is added). */
  readonly loss: number;
  /** Per direction, bytes per second. */
  readonly capacityBytesPerSecond: number;
}

/** Options of {@link ProbeSet}. */
export interface ProbeSetOptions {
  readonly nodeId: string;
  readonly region: string;
  /** Remote regions probed; none: one disaster-recovery peer `<region>-dr`. */
  readonly remoteRegions: readonly string[];
  readonly profile: LinkProfile;
  /** The node's seed (the probe generator is seeded from it). */
  readonly seed: number;
}

/** The probe paths of one node and their telemetry. */
export class ProbeSet {
  private readonly metrics: CatalogMetrics;
  private readonly nodeId: string;
  private readonly profile: LinkProfile;
  private readonly prng: Prng;
  private readonly paths: readonly ProbePath[];

  /** Draws each path's WAN loss and creates its counters (at 0) and capacity gauge on `metrics` (the v3 set). */
  constructor(metrics: CatalogMetrics, opts: ProbeSetOptions) {
    this.metrics = metrics;
    this.nodeId = opts.nodeId;
    this.profile = opts.profile;
    this.prng = new Prng((opts.seed ^ PROBE_SEED_SALT) >>> 0);
    const remotes = opts.remoteRegions.length > 0 ? opts.remoteRegions : [`${opts.region}-dr`];
    const capacityBps =
      opts.profile.linkClass === 'internet'
        ? opts.profile.bandwidthBps
        : Math.min(opts.profile.bandwidthBps, WAN_PATH_BPS);
    this.paths = remotes.map((remote) => ({
      remote,
      baseRttMs: interRegionBaseRttMs(opts.region, remote),
      loss: this.prng.uniform(0.0001, 0.001),
      capacityBytesPerSecond: capacityBps / 8,
    }));
    for (const path of this.paths) {
      const l = { node_id: opts.nodeId, remote_region: path.remote };
      metrics.counter('dwcp_v3_network_probes_sent_total').inc(l, 0);
      metrics.counter('dwcp_v3_network_probes_lost_total').inc(l, 0);
      metrics.gauge('dwcp_v3_network_link_capacity_bytes_per_second').set(l, path.capacityBytesPerSecond);
    }
  }

  /**
   * One tick of inter-region probes per remote region: PROBES_PER_SECOND x dt probes, each lost with the path's
   * loss (link + WAN, seasonal), the RTT of the latest answered one = (WAN RTT + 2 x access latency) with
   * seasonality, 2 % noise, exponential queueing delay and loss-driven retransmit delay, all times the fault's
   * latency factor; throughput to each remote is an even share of INTER_REGION_SHARE of the node's throughput.
   * Draws only from the probe generator (a fixed number of draws per tick for a given dt).
   */
  probe(dt: number, season: number, accessLatencyMs: number, throughput: number, eff: FaultEffects): void {
    const r = this.prng;
    const m = this.metrics;
    const sent = Math.max(1, Math.round(PROBES_PER_SECOND * dt));
    const queueMs = LINK_CLASSES[this.profile.linkClass].probeQueueMs;
    for (const path of this.paths) {
      const l = { node_id: this.nodeId, remote_region: path.remote };
      const loss = clamp(
        (this.profile.loss + path.loss) * (1 + 0.2 * season) * (1 + r.gaussian(0, 0.05)),
        0,
        0.5,
      );
      let lost = 0;
      for (let i = 0; i < sent; i++) if (r.chance(loss)) lost++;
      const queue = -Math.log(1 - r.next()) * queueMs;
      const rttMs =
        ((path.baseRttMs + 2 * accessLatencyMs) *
          (1 + 0.05 * season) *
          (1 + r.gaussian(0, 0.02)) *
          (1 + 5 * loss) +
          queue) *
        eff.latencyFactor;
      if (lost < sent) m.gauge('dwcp_v3_network_rtt_seconds').set(l, Math.max(0, rttMs) / 1000);
      m.counter('dwcp_v3_network_probes_sent_total').inc(l, sent);
      if (lost > 0) m.counter('dwcp_v3_network_probes_lost_total').inc(l, lost);
      const tx =
        ((throughput * INTER_REGION_SHARE) / this.paths.length) * Math.max(0, 1 + r.gaussian(0, 0.03));
      const rx = tx * 0.6 * Math.max(0, 1 + r.gaussian(0, 0.03));
      m.gauge('dwcp_v3_network_bandwidth_bytes_per_second').set({ ...l, direction: 'tx' }, tx);
      m.gauge('dwcp_v3_network_bandwidth_bytes_per_second').set({ ...l, direction: 'rx' }, rx);
    }
  }
}
