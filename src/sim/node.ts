/**
 * One simulated DWCP node: link conditions with noise, daily seasonality and correlated effects, mode
 * selection, per-mode dynamics (inventory 7.1/7.3), v1/v3 migrations under a rollout percentage, and injected
 * faults. It records everything through the SDK (v1 wrappers, v3 collector, production recorder) into its own
 * prom-client Registry and serves it with the SDK metrics server.
 */
import { Registry } from 'prom-client';
import { metricsOf } from '../catalog/index.ts';
import { InvalidInputError } from '../errors.ts';
import { COMPONENTS, ROLLOUT_STAGES, type HealthState, type Mode } from '../model/dwcp.ts';
import { startMetricsServer, type MetricsServer, type MetricsServerRoute } from '../sdk/metrics-server.ts';
import { ProductionMetrics } from '../sdk/production.ts';
import { createCatalogMetrics, type CatalogMetrics } from '../sdk/registry.ts';
import { AmstMetrics } from '../sdk/v1/amst.ts';
import { FederationMetrics } from '../sdk/v1/federation.ts';
import { HdeMetrics } from '../sdk/v1/hde.ts';
import { MigrationMetrics } from '../sdk/v1/migration.ts';
import { SystemMetrics } from '../sdk/v1/system.ts';
import { DwcpV3Collector, type CompressionAlgorithm } from '../sdk/v3/collector.ts';
import { validateLevelShift, withLevelShifts, type LevelShift } from './events.ts';
import { effectsAt, NO_FAULT, type FaultEffects, type ScheduledFault } from './faults.ts';
import { ModeDetector } from './mode.ts';
import { Prng } from './prng.ts';

/** Which kind of network path a node sits on (decides its mode). */
export type LinkClass = 'datacenter' | 'internet' | 'hybrid';

/** Base link conditions of a node (before noise, seasonality and faults). */
export interface LinkProfile {
  readonly linkClass: LinkClass;
  /** One-way latency in ms (hybrid: centre of a slow oscillation of +-20 ms). */
  readonly latencyMs: number;
  /** Available bandwidth in bits per second. */
  readonly bandwidthBps: number;
  /** Packet loss 0..1. */
  readonly loss: number;
  /** Datacenter RDMA throughput target in bytes per second (2.4-3 GB/s). */
  readonly rdmaBytesPerSecond: number;
}

/**
 * Deterministic link class for the region at `regionIndex`: region 1 internet, region 2 hybrid, all others
 * datacenter (so with 3 regions the modes differ across regions).
 */
export function linkClassForRegion(regionIndex: number): LinkClass {
  if (regionIndex % 3 === 1) return 'internet';
  if (regionIndex % 3 === 2) return 'hybrid';
  return 'datacenter';
}

/** Base link parameters drawn from `prng` for a class (inventory 7.1/7.2 ranges). */
export function linkProfile(linkClass: LinkClass, prng: Prng): LinkProfile {
  switch (linkClass) {
    case 'datacenter':
      return {
        linkClass,
        latencyMs: prng.uniform(1.5, 4),
        bandwidthBps: prng.uniform(32e9, 40e9),
        loss: prng.uniform(0.00005, 0.0002),
        rdmaBytesPerSecond: prng.uniform(2.5e9, 2.9e9),
      };
    case 'internet':
      return {
        linkClass,
        latencyMs: prng.uniform(70, 140),
        bandwidthBps: prng.uniform(300e6, 800e6),
        loss: prng.uniform(0.002, 0.012),
        rdmaBytesPerSecond: 0,
      };
    case 'hybrid':
      return {
        linkClass,
        latencyMs: prng.uniform(22, 28),
        bandwidthBps: prng.uniform(2e9, 5e9),
        loss: prng.uniform(0.0005, 0.002),
        rdmaBytesPerSecond: prng.uniform(1.2e9, 1.8e9),
      };
  }
}

export interface SimNodeOptions {
  /** `node-<n>` */
  readonly id: string;
  readonly region: string;
  readonly profile: LinkProfile;
  readonly seed: number;
  /** Share of migrations done with v3, 0..100. */
  readonly rolloutPercent: number;
  /** Period of the daily seasonality in seconds (86400 = real day; smaller compresses a day for demos). */
  readonly daySeconds: number;
  /** Simulation start, Unix ms (fault times are relative to it). */
  readonly startMs: number;
  /** Faults scheduled on this node. */
  readonly faults: readonly ScheduledFault[];
  /**
   * Benign permanent level shifts on this node (deploy-like steps, see events.ts); default none. They act
   * through the same effects as faults (`currentEffects` includes them) but are never labelled.
   */
  readonly levelShifts?: readonly LevelShift[];
  /** Other node ids (migration destinations). */
  readonly peers: readonly string[];
  /** Other regions (federation remotes). */
  readonly remoteRegions: readonly string[];
  /** Period of the hybrid latency oscillation in seconds; default 240. */
  readonly hybridPeriodSeconds?: number;
  /**
   * Duration of a DWCP-enabled v1 migration relative to a v3 migration of the same VM under the same conditions
   * (before noise and faults). Default {@link DEFAULT_V1_DURATION_FACTOR} (v3 is 30 % faster by design); 1 makes
   * the two versions perform equally, so that a v3_regression of magnitude m is a true v3/v1 ratio of m.
   */
  readonly v1DurationFactor?: number;
  /** Called with warnings (server restart failures, label overflow); default console.warn. */
  readonly warn?: (message: string) => void;
}

/** In-flight v1 migrations the v1 wrapper holds at most (each is started and completed within one tick). */
export const MAX_PENDING_MIGRATIONS = 1024;
/** Default {@link SimNodeOptions.v1DurationFactor}: v1 DWCP migrations take 1.3x as long as v3 ones. */
export const DEFAULT_V1_DURATION_FACTOR = 1.3;
/** Migrations per second started by a node. */
const MIGRATIONS_PER_SECOND = 4;
const VM_SIZES = [
  { name: 'small', bytes: 2 * 2 ** 30 },
  { name: 'medium', bytes: 8 * 2 ** 30 },
  { name: 'large', bytes: 32 * 2 ** 30 },
] as const;
const SLA_THROUGHPUT: Readonly<Record<Mode, number>> = { datacenter: 2.2e9, internet: 12.5e6, hybrid: 1e8 };
const SLA_LATENCY_S: Readonly<Record<Mode, number>> = { datacenter: 0.1, internet: 0.5, hybrid: 0.25 };
const ALGORITHM: Readonly<Record<Mode, CompressionAlgorithm>> = {
  datacenter: 'lz4',
  internet: 'zstd-max',
  hybrid: 'zstd',
};
const BASE_RATIO: Readonly<Record<Mode, number>> = { datacenter: 2.6, internet: 4.2, hybrid: 3.4 };
const AMST_ERROR_TYPES = ['connection_timeout', 'packet_loss'] as const;
/** Probe packets a node sends to each remote region per second. */
export const PROBES_PER_SECOND = 10;
/** Capacity of an inter-region WAN path of a datacenter or hybrid node (bits/s); internet nodes use their link. */
const WAN_PATH_BPS = 10e9;
/** Share of a node's throughput that crosses to remote regions (federation, cross-region migrations). */
const INTER_REGION_SHARE = 0.3;
/** Mean queueing delay added to a probe's RTT (ms, exponential): the source of jitter beyond the noise. */
const QUEUE_MS: Readonly<Record<LinkClass, number>> = { datacenter: 0.3, hybrid: 1.5, internet: 4 };
/** Seed offset of the probe generator, so probes never change the draws of the node's other telemetry. */
const PROBE_SEED_SALT = 0x6e657477;

/**
 * Base round-trip time in ms of the WAN path between two regions, 20-160 ms and the same in both directions
 * (FNV-1a hash of the sorted pair, so every node of a cluster agrees without shared state).
 */
export function interRegionBaseRttMs(a: string, b: string): number {
  const key = a < b ? `${a}|${b}` : `${b}|${a}`;
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193) >>> 0;
  return 20 + 140 * (h / 4294967296);
}

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

function clamp(v: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, v));
}

/** Name of the rollout stage reached at `percent` (largest milestone <= percent). */
export function rolloutStage(percent: number): string {
  const names: Record<number, string> = {
    0: 'disabled',
    10: 'canary',
    25: 'early_adopters',
    50: 'half',
    75: 'majority',
    100: 'complete',
  };
  let stage = 0;
  for (const s of ROLLOUT_STAGES) if (percent >= s) stage = s;
  return names[stage]!;
}

/** One simulated node. Call `tick(nowMs)` once per tick; `listen()` to serve its metrics. */
export class SimNode {
  readonly id: string;
  readonly region: string;
  readonly profile: LinkProfile;
  readonly registry = new Registry();
  /** Extra GET routes of the metrics server (set before `listen`). */
  serverRoutes: ReadonlyMap<string, MetricsServerRoute> | undefined;
  private readonly opts: SimNodeOptions;
  private readonly prng: Prng;
  private readonly detector = new ModeDetector();
  private readonly amst: AmstMetrics;
  private readonly hde: HdeMetrics;
  private readonly migration: MigrationMetrics;
  private readonly federation: FederationMetrics;
  private readonly system: SystemMetrics;
  private readonly v3: DwcpV3Collector;
  private readonly production: ProductionMetrics;
  /** v3 metric set (the inter-region probe gauges and counters are set directly). */
  private readonly v3Metrics: CatalogMetrics;
  /** Noise of the inter-region probes: separate from `prng` so that probes leave the other series unchanged. */
  private readonly probePrng: Prng;
  private readonly probePaths: readonly ProbePath[];
  /** Clock the v1 wrappers read: set to exact event times during a tick. */
  private eventMs: number;
  private lastTickMs: number | undefined;
  private ticks = 0;
  private mode: Mode;
  private streamSlots = 0;
  private readonly v3Active = new Map<Mode, number>();
  private v1Credit = 0;
  private v3Credit = 0;
  private migrationSeq = 0;
  /** Mean number of HDE baselines (max 1000 in the original). */
  private readonly baselines = 120;
  private effects: FaultEffects = NO_FAULT;
  private server: MetricsServer | undefined;
  private listenHost = '127.0.0.1';
  private listenPort = 0;
  private serverOp: Promise<void> = Promise.resolve();
  private stopped = false;
  private readonly warn: (message: string) => void;

  /** @throws InvalidInputError on a bad rollout percent, day length, v1 duration factor or level shift. */
  constructor(opts: SimNodeOptions) {
    if (!Number.isFinite(opts.rolloutPercent) || opts.rolloutPercent < 0 || opts.rolloutPercent > 100) {
      throw new InvalidInputError(`rollout percent must be in 0..100, got ${opts.rolloutPercent}`);
    }
    if (!Number.isFinite(opts.daySeconds) || opts.daySeconds <= 0)
      throw new InvalidInputError(`day seconds must be > 0, got ${opts.daySeconds}`);
    if (
      opts.v1DurationFactor !== undefined &&
      (!Number.isFinite(opts.v1DurationFactor) || opts.v1DurationFactor <= 0)
    )
      throw new InvalidInputError(`v1 duration factor must be > 0, got ${opts.v1DurationFactor}`);
    for (const s of opts.levelShifts ?? []) validateLevelShift(s);
    this.opts = opts;
    this.id = opts.id;
    this.region = opts.region;
    this.profile = opts.profile;
    this.prng = new Prng(opts.seed);
    this.warn = opts.warn ?? ((m) => console.warn(m));
    this.eventMs = opts.startMs;
    const v1 = createCatalogMetrics(this.registry, metricsOf('v1'));
    const v3 = createCatalogMetrics(this.registry, metricsOf('v3'));
    const prod = createCatalogMetrics(this.registry, metricsOf('production'));
    const base = { cluster: opts.region, node: opts.id };
    const clock = (): number => this.eventMs;
    this.amst = new AmstMetrics(v1, base, { clock, warn: (m) => this.warn(`${opts.id}: ${m}`) });
    this.hde = new HdeMetrics(v1, base);
    this.migration = new MigrationMetrics(v1, base, { clock, maxInFlight: MAX_PENDING_MIGRATIONS });
    this.federation = new FederationMetrics(v1, base);
    this.system = new SystemMetrics(v1, base);
    this.v3 = new DwcpV3Collector(v3, opts.id);
    this.production = new ProductionMetrics(prod, { node: opts.id, region: opts.region });
    this.v3Metrics = v3;
    this.probePrng = new Prng((opts.seed ^ PROBE_SEED_SALT) >>> 0);
    const remotes = opts.remoteRegions.length > 0 ? opts.remoteRegions : [`${opts.region}-dr`];
    const capacityBps =
      opts.profile.linkClass === 'internet'
        ? opts.profile.bandwidthBps
        : Math.min(opts.profile.bandwidthBps, WAN_PATH_BPS);
    this.probePaths = remotes.map((remote) => ({
      remote,
      baseRttMs: interRegionBaseRttMs(opts.region, remote),
      loss: this.probePrng.uniform(0.0001, 0.001),
      capacityBytesPerSecond: capacityBps / 8,
    }));
    for (const path of this.probePaths) {
      const l = { node_id: opts.id, remote_region: path.remote };
      v3.counter('dwcp_v3_network_probes_sent_total').inc(l, 0);
      v3.counter('dwcp_v3_network_probes_lost_total').inc(l, 0);
      v3.gauge('dwcp_v3_network_link_capacity_bytes_per_second').set(l, path.capacityBytesPerSecond);
    }

    this.amst.initialize(AMST_ERROR_TYPES);
    this.migration.initialize(opts.id, opts.peers.length > 0 ? opts.peers : [opts.id]);
    this.v3.initialize(['internal', 'timeout']);
    this.production.initialize([
      { component: 'amst', errorType: 'stream_failure', severity: 'warning' },
      { component: 'acp', errorType: 'consensus_timeout', severity: 'critical' },
      { component: 'acp', errorType: 'byzantine', severity: 'critical' },
      { component: 'migration', errorType: 'migration_failed', severity: 'critical' },
    ]);
    this.system.setVersionInfo(
      '3.0.0-sim',
      (opts.seed >>> 0).toString(16).padStart(8, '0'),
      new Date(opts.startMs).toISOString().slice(0, 10),
    );
    for (const f of [
      'amst_enabled',
      'hde_enabled',
      'pba_enabled',
      'ass_enabled',
      'acp_enabled',
      'itp_enabled',
    ])
      this.system.onFeatureToggle(f, true);
    this.system.onFeatureToggle('v3_enabled', opts.rolloutPercent > 0);
    this.mode = this.detector.mode;
    this.v3.setMode(this.mode);
  }

  /** The node's current network mode. */
  get currentMode(): Mode {
    return this.mode;
  }

  /** Effects of the faults active at the last tick. */
  get currentEffects(): FaultEffects {
    return this.effects;
  }

  /** Whether the node has produced telemetry (the /ready condition). */
  get ready(): boolean {
    return this.ticks > 0 && !this.effects.down;
  }

  /** Ticks processed so far (skipped ticks while down are not counted). */
  get tickCount(): number {
    return this.ticks;
  }

  /** URL of the running server, or undefined while not serving. */
  get url(): string | undefined {
    return this.server?.url;
  }

  /** Port the node serves on (the last bound port; 0 before listen). */
  get port(): number {
    return this.listenPort;
  }

  /**
   * Starts the metrics server (GET /metrics, /health, /ready).
   * @returns the bound port (useful when `port` is 0).
   * @throws the listen error (e.g. EADDRINUSE).
   */
  async listen(host: string, port: number): Promise<number> {
    this.listenHost = host;
    this.server = await startMetricsServer({
      registry: this.registry,
      host,
      port,
      service: `dwcp-sim-${this.id}`,
      ready: () => this.ready,
      ...(this.serverRoutes ? { routes: this.serverRoutes } : {}),
    });
    this.listenPort = this.server.port;
    return this.listenPort;
  }

  /** Stops the server for good (pending restarts are cancelled). */
  async close(): Promise<void> {
    this.stopped = true;
    await this.serverOp;
    const s = this.server;
    this.server = undefined;
    if (s) await s.close();
  }

  /** Resolves when server stop/restart work started by ticks has finished (for tests). */
  settled(): Promise<void> {
    return this.serverOp;
  }

  private setServing(up: boolean): void {
    this.serverOp = this.serverOp.then(async () => {
      if (this.stopped) return;
      if (!up && this.server) {
        const s = this.server;
        this.server = undefined;
        await s.close();
      } else if (up && !this.server && this.listenPort !== 0) {
        try {
          this.server = await startMetricsServer({
            registry: this.registry,
            host: this.listenHost,
            port: this.listenPort,
            service: `dwcp-sim-${this.id}`,
            ready: () => this.ready,
            ...(this.serverRoutes ? { routes: this.serverRoutes } : {}),
          });
        } catch (e) {
          this.warn(
            `${this.id}: restarting the metrics server on port ${this.listenPort} failed: ${(e as Error).message}`,
          );
        }
      }
    });
  }

  /**
   * Advances the simulation to `nowMs` (Unix ms) and records one tick of telemetry. While a node_down fault is
   * active the server is closed and no telemetry is produced; it is reopened on the same port afterwards.
   * @throws InvalidInputError when nowMs is not finite.
   */
  tick(nowMs: number): void {
    if (!Number.isFinite(nowMs)) throw new InvalidInputError(`tick time must be finite, got ${nowMs}`);
    const rel = nowMs - this.opts.startMs;
    const eff = withLevelShifts(effectsAt(this.opts.faults, rel), this.opts.levelShifts ?? [], rel);
    const wasDown = this.effects.down;
    this.effects = eff;
    if (eff.down !== wasDown && this.listenPort !== 0) this.setServing(!eff.down);
    if (eff.down) {
      this.lastTickMs = nowMs;
      return;
    }
    const dt = clamp(this.lastTickMs === undefined ? 1 : (nowMs - this.lastTickMs) / 1000, 0.001, 60);
    this.lastTickMs = nowMs;
    this.eventMs = nowMs;
    this.ticks++;
    this.step(nowMs, rel / 1000, dt, eff);
  }

  private step(nowMs: number, t: number, dt: number, eff: FaultEffects): void {
    const r = this.prng;
    const p = this.profile;
    const noise = (sd = 0.02): number => 1 + r.gaussian(0, sd);
    const season = Math.sin((2 * Math.PI * t) / this.opts.daySeconds);
    const load = 1 + 0.1 * season;

    // Link conditions: loss up -> latency up, bandwidth and throughput down (correlated effects).
    const loss = clamp(p.loss * noise(0.05) * (1 + 0.2 * season), 0, 0.5);
    let baseLatency = p.latencyMs;
    if (p.linkClass === 'hybrid')
      baseLatency += 20 * Math.sin((2 * Math.PI * t) / (this.opts.hybridPeriodSeconds ?? 240));
    const latencyMs = Math.max(
      0.1,
      baseLatency * noise() * (1 + 0.05 * season) * (1 + 20 * loss) * eff.latencyFactor,
    );
    const bandwidthBps = Math.max(1e6, p.bandwidthBps * noise() * (1 - 2 * loss));

    const previous = this.mode;
    const mode = this.detector.observe(latencyMs, bandwidthBps);
    if (mode !== previous) {
      this.v3.recordModeSwitch(previous, mode);
      // PBA keeps two models: internet, and datacenter (also used in hybrid).
      if ((mode === 'internet') !== (previous === 'internet')) this.v3.pba.modelSwitch();
      this.mode = mode;
    }

    // Throughput (bytes/s) per mode; TCP throughput falls with RTT (Mathis), RDMA barely.
    const latencyRatio = latencyMs / Math.max(0.1, baseLatency);
    let throughput: number;
    let rdmaShare: number;
    if (mode === 'datacenter') {
      throughput =
        ((p.rdmaBytesPerSecond || 2.6e9) * noise() * (1 - 5 * loss)) / (1 + 0.1 * (latencyRatio - 1));
      rdmaShare = 1;
    } else if (mode === 'internet') {
      throughput = ((bandwidthBps / 8) * 0.85 * noise() * (1 - 10 * loss)) / Math.max(1, latencyRatio);
      rdmaShare = 0;
    } else {
      throughput =
        (Math.min(bandwidthBps / 8, p.rdmaBytesPerSecond || 1.5e9) * 0.6 * noise() * (1 - 5 * loss)) /
        Math.sqrt(Math.max(1, latencyRatio));
      rdmaShare = 0.6;
    }
    throughput = Math.max(0, throughput * eff.throughputFactor * (1 - 0.05 * season));
    const capacity = bandwidthBps / 8;
    const bytes = throughput * dt;
    // Loss causes retransmissions: operation latency grows with loss on top of the RTT effect.
    const opLatency =
      (latencyMs / 1000) * (mode === 'datacenter' ? r.uniform(3, 8) : r.uniform(1.5, 3)) * (1 + 15 * loss);

    // Streams (AMST): datacenter 32-512, internet 4-16 (bandwidth_Mbps / (latency_ms x 0.2)), hybrid 16-64.
    const mbps = bandwidthBps / 1e6;
    const streams =
      mode === 'datacenter'
        ? Math.round(clamp(128 * (1 + 0.2 * season) * noise(0.03), 32, 512))
        : mode === 'internet'
          ? Math.round(clamp(mbps / (latencyMs * 0.2), 4, 16))
          : Math.round(clamp(mbps / (latencyMs * 0.2), 16, 64));
    this.updateStreams(streams, bytes, mode, loss, dt);
    this.amst.onBandwidthUpdate(throughput, capacity);
    for (let i = 0; i < 3; i++) this.amst.observeLatency('chunk_send', opLatency * noise(0.1));

    // v3 mode-level telemetry.
    for (const m of ['datacenter', 'internet', 'hybrid'] as const)
      this.v3.setModeThroughput(m, m === mode ? throughput : 0);
    for (let i = 0; i < 5; i++) {
      const share = bytes / 5;
      this.v3.recordTransfer({
        mode,
        operation: 'send',
        latencySeconds: opLatency * noise(0.1),
        sentBytes: share,
        receivedBytes: share * 0.05,
      });
    }
    this.v3.setAdaptiveDecisionAccuracy(clamp((p.linkClass === 'hybrid' ? 0.88 : 0.96) * noise(0.01), 0, 1));
    this.v3.recordRdma({
      throughputBps: throughput * rdmaShare,
      utilisation: rdmaShare > 0 ? clamp((throughput * rdmaShare) / Math.max(1, capacity), 0, 1) : 0,
      latencySeconds: rdmaShare > 0 ? r.uniform(5e-6, 40e-6) * eff.latencyFactor : 0,
    });
    this.v3.setTcpStreams(mode === 'datacenter' ? 0 : mode === 'internet' ? streams : 8);
    for (const m of ['datacenter', 'internet', 'hybrid'] as const)
      this.v3.setPacketLoss(m, m === mode ? loss : 0);
    const congestion = this.poisson(loss * 200 * dt);
    if (congestion > 0) this.v3.amst.congestion(mode, congestion);
    this.v3.amst.efficiency(clamp(0.95 * noise(0.01) * (1 - 3 * loss), 0, 1));

    // HDE: compression ratio (datacenter lz4 ~2.6x, internet zstd-max ~4.2x), delta hits ~75 %.
    const degraded = eff.compressionRatio !== undefined;
    const targetRatio = degraded ? eff.compressionRatio! : BASE_RATIO[mode];
    for (const dataType of ['vm_memory', 'vm_disk']) {
      const original = Math.max(1, Math.round((bytes / 2) * noise(0.05)));
      const ratio = Math.max(1, targetRatio * noise(0.03));
      const hit = r.chance(degraded ? 0.15 : 0.78);
      this.hde.onCompressionComplete(dataType, original, Math.max(1, Math.round(original / ratio)), hit);
      this.hde.onDecompressionComplete(r.chance(0.999));
      this.v3.hde.compression({
        algorithm: ALGORITHM[mode],
        originalBytes: original,
        compressedBytes: Math.max(1, Math.round(original / ratio)),
        latencySeconds: (mode === 'datacenter' ? 0.0015 : 0.006) * noise(0.1),
        deltaHit: hit,
      });
    }
    const baselines = Math.round(clamp(this.baselines * noise(0.02), 0, 1000));
    this.hde.onBaselineUpdate('vm_state', baselines);
    this.hde.onBaselineUpdate('vm_memory', Math.round(baselines * 0.6));
    this.hde.onDictionaryUpdate(clamp((degraded ? 35 : 82) * noise(0.02), 0, 100));
    this.v3.hde.crdtMerges(this.poisson((mode === 'datacenter' ? 2 : 10) * dt));
    this.v3.hde.algorithmSelectionAccuracy(clamp(0.91 * noise(0.01), 0, 1));

    // PBA: one prediction per tick; accuracy targets datacenter 0.85, internet 0.70.
    this.v3.pba.prediction({
      mode,
      accuracy: clamp((mode === 'datacenter' ? 0.88 : mode === 'internet' ? 0.74 : 0.8) * noise(0.01), 0, 1),
      latencySeconds: r.uniform(0.005, 0.04),
      predictedBps: throughput * noise(0.03),
    });

    // ASS: Raft in datacenter (<100 ms), CRDT on the internet (convergence 5-30 s).
    const syncLatency =
      (mode === 'datacenter'
        ? r.uniform(0.002, 0.02)
        : mode === 'internet'
          ? r.uniform(5, 12)
          : r.uniform(0.05, 0.4)) * eff.latencyFactor;
    this.v3.ass.sync({
      type: r.chance(0.05) ? 'full' : 'incremental',
      ok: r.chance(0.998),
      latencySeconds: syncLatency,
      mode,
    });
    if (mode !== 'datacenter') this.v3.ass.conflictsResolved(this.poisson(0.5 * dt));
    this.v3.ass.crdtOperations(this.poisson((mode === 'datacenter' ? 5 : 40) * dt));

    // ACP: Raft < 100 ms in datacenter/hybrid, PBFT 1-5 s on the internet.
    const protocol = mode === 'internet' ? 'pbft' : 'raft';
    let consensusErrors = 0;
    const rounds = 2;
    for (let i = 0; i < rounds; i++) {
      const base = protocol === 'raft' ? r.uniform(0.005, 0.05) : r.uniform(1.2, 3.5);
      const timedOut = r.chance(eff.consensusTimeoutShare);
      const result = timedOut ? 'timeout' : r.chance(0.001) ? 'failure' : 'success';
      if (result !== 'success') consensusErrors++;
      this.v3.acp.consensus({
        protocol,
        latencySeconds: base * eff.consensusLatencyFactor * noise(0.05),
        result,
      });
      this.v3.componentOperation('acp', 'consensus_round', base * eff.consensusLatencyFactor);
      if (timedOut) {
        this.v3.componentError('acp', 'timeout');
        this.production.error('acp', 'consensus_timeout', 'critical');
      }
    }
    if (eff.consensusTimeoutShare >= 0.5) this.v3.recordFailover(mode);
    if (eff.byzantinePerSecond > 0) {
      const n = Math.max(1, this.poisson(eff.byzantinePerSecond * dt));
      this.v3.acp.byzantine(n);
      this.v3.recordFailover(mode);
      this.v3.acp.leaderChange();
      this.production.error('acp', 'byzantine', 'critical', n);
    } else if (r.chance(0.002 * dt)) {
      this.v3.acp.leaderChange();
    }

    // ITP: 10 placements per second, score 0-100.
    for (let i = 0; i < Math.max(1, Math.round(10 * dt)); i++) {
      this.v3.itp.placement({
        optimal: r.chance(0.9),
        score: clamp(90 * noise(0.03), 0, 100),
        predictionAccuracy: clamp(0.93 * noise(0.01), 0, 1),
        geoOptimized: r.chance(mode === 'datacenter' ? 0.1 : 0.5),
      });
    }

    // Generic component operations (v3 regression slows v3 operations).
    for (const c of COMPONENTS) {
      if (c === 'acp') continue;
      const lat =
        (c === 'amst'
          ? opLatency
          : c === 'hde'
            ? 0.003
            : c === 'pba'
              ? 0.02
              : c === 'ass'
                ? syncLatency / 10
                : 0.01) *
        eff.v3Factor *
        noise(0.05);
      this.v3.componentOperation(c, 'process', lat);
    }

    // Migrations and federation.
    const migrationLatencies = this.migrate(nowMs, dt, mode, throughput, targetRatio, eff);
    this.federate(mode, latencyMs, bytes);
    this.probe(dt, season, baseLatency, throughput, eff);

    // Health (measured from the effects), resources, rollout, SLA.
    const health = (bad: boolean, worse: boolean): HealthState =>
      worse ? 'down' : bad ? 'degraded' : 'healthy';
    const states: Record<(typeof COMPONENTS)[number], HealthState> = {
      amst: health(eff.throughputFactor < 0.6 || eff.latencyFactor > 2, false),
      hde: health(degraded, false),
      pba: 'healthy',
      ass: health(eff.latencyFactor > 2, false),
      acp: health(eff.consensusTimeoutShare > 0 || eff.byzantinePerSecond > 0, false),
      itp: 'healthy',
    };
    for (const c of COMPONENTS) {
      this.system.onComponentHealthChange(c, states[c]);
      this.production.componentHealth(
        c,
        'v3',
        eff.v3Factor > 1 && states[c] === 'healthy' ? 'degraded' : states[c],
      );
    }
    this.production.resourceUtilisation(
      'cpu',
      clamp(35 * load * noise(0.03) + 10 * (throughput / Math.max(1, capacity)), 0, 100),
    );
    this.production.resourceUtilisation('memory', clamp(42 * noise(0.01) + eff.memoryLeakPercent, 0, 99));
    this.production.resourceUtilisation('network', clamp((throughput / Math.max(1, capacity)) * 100, 0, 100));
    this.production.resourceUtilisation('disk', clamp(55 * noise(0.005), 0, 100));
    this.production.rolloutProgress(rolloutStage(this.opts.rolloutPercent), this.opts.rolloutPercent);
    this.production.throughput('amst', 'tx', 'rdma', throughput * rdmaShare);
    this.production.throughput('amst', 'rx', 'rdma', throughput * rdmaShare * 0.95);
    this.production.throughput('amst', 'tx', 'tcp', throughput * (1 - rdmaShare));
    this.production.throughput('amst', 'rx', 'tcp', throughput * (1 - rdmaShare) * 0.95);
    const latencyOk =
      opLatency < SLA_LATENCY_S[mode] && eff.v3Factor <= 1.5 && (migrationLatencies.v3Slowdown ?? 1) <= 1.5;
    const throughputOk = throughput >= SLA_THROUGHPUT[mode];
    this.production.slaCompliance('latency', 'p95_transfer_latency', latencyOk);
    this.production.slaCompliance('throughput', 'transfer_throughput', throughputOk);
    this.production.slaCompliance('error_rate', 'consensus_error_rate', consensusErrors / rounds < 0.01);
    if (!latencyOk)
      this.production.anomalyDetection(
        'latency',
        opLatency > 2 * SLA_LATENCY_S[mode] || eff.v3Factor > 2 ? 'critical' : 'warning',
      );
    if (!throughputOk)
      this.production.anomalyDetection(
        'throughput',
        throughput < SLA_THROUGHPUT[mode] / 2 ? 'critical' : 'warning',
      );
  }

  /** Keeps `target` AMST stream slots open; one or two slots reconnect every tick; bytes spread over slots. */
  private updateStreams(target: number, bytes: number, mode: Mode, loss: number, dt: number): void {
    const r = this.prng;
    while (this.streamSlots < target) this.amst.onStreamStart(`stream-${this.streamSlots++}`);
    while (this.streamSlots > target) this.amst.onStreamEnd(`stream-${--this.streamSlots}`);
    for (let k = 0; k < 2 && this.streamSlots > 0; k++) {
      const slot = `stream-${r.int(0, this.streamSlots - 1)}`;
      this.amst.onStreamEnd(slot);
      if (r.chance(Math.min(0.5, loss * 20))) {
        this.amst.onStreamOpenFailed('connection_timeout');
        this.v3.amst.failedStream(mode);
        this.production.error('amst', 'stream_failure', 'warning');
      }
      this.amst.onStreamStart(slot);
    }
    if (r.chance(Math.min(1, loss * 50 * dt))) this.amst.onStreamError(`stream-0`, 'packet_loss');
    const per = this.streamSlots > 0 ? bytes / this.streamSlots : 0;
    for (let i = 0; i < this.streamSlots; i++) this.amst.onStreamData(`stream-${i}`, per, per * 0.05);
    for (const m of ['datacenter', 'internet', 'hybrid'] as const) {
      const want = m === mode ? target : 0;
      const have = this.v3Active.get(m) ?? 0;
      if (want > have) this.v3.amst.streamsOpened(m, want - have);
      else if (want < have) this.v3.amst.streamsClosed(m, have - want);
      this.v3Active.set(m, want);
    }
  }

  /**
   * Runs this tick's migrations; returns the current v3 slowdown (duration / baseline) when v3 ran. v1 and v3
   * migrations are both recorded when they start, with the duration drawn for them (v1 through its wrapper's
   * start/complete on the event clock), so that over any window both histograms hold the same selection of
   * migrations (recording v1 only at completion made short windows see only its short migrations).
   */
  private migrate(
    nowMs: number,
    dt: number,
    mode: Mode,
    throughput: number,
    ratio: number,
    eff: FaultEffects,
  ): { v3Slowdown: number | undefined } {
    const r = this.prng;
    const share = this.opts.rolloutPercent / 100;
    this.v3Credit += MIGRATIONS_PER_SECOND * dt * share;
    this.v1Credit += MIGRATIONS_PER_SECOND * dt * (1 - share);
    const peers = this.opts.peers.length > 0 ? this.opts.peers : [this.id];
    const effective = Math.max(1e6, throughput) * Math.max(1, ratio);
    const overhead = mode === 'internet' ? 2 : 0.05;
    const v1Factor = this.opts.v1DurationFactor ?? DEFAULT_V1_DURATION_FACTOR;
    let v3Slowdown: number | undefined;
    while (this.v3Credit >= 1) {
      this.v3Credit -= 1;
      const vm = VM_SIZES[r.int(0, VM_SIZES.length - 1)]!;
      const baseline = vm.bytes / effective + overhead;
      const seconds = baseline * eff.v3Factor * (1 + r.gaussian(0, 0.03));
      const ok = r.chance(eff.v3Factor > 1 ? 0.97 : 0.998);
      const dest = peers[r.int(0, peers.length - 1)]!;
      this.v3.recordMigration({
        mode,
        success: ok,
        durationSeconds: Math.max(0.01, seconds),
        bytes: vm.bytes / Math.max(1, ratio),
      });
      if (ok)
        this.production.migrationLatency({
          source: this.id,
          destination: dest,
          vmSize: vm.name,
          mode,
          seconds: Math.max(0.01, seconds),
        });
      else this.production.error('migration', 'migration_failed', 'critical');
      v3Slowdown = seconds / baseline;
    }
    while (this.v1Credit >= 1) {
      this.v1Credit -= 1;
      const vm = VM_SIZES[r.int(0, VM_SIZES.length - 1)]!;
      const dwcp = r.chance(0.9);
      const dwcpSeconds = (vm.bytes / effective + overhead) * v1Factor * (1 + r.gaussian(0, 0.03));
      const seconds = dwcp ? dwcpSeconds : dwcpSeconds * 5 * eff.throughputFactor;
      const id = `mig-${this.id}-${++this.migrationSeq}`;
      const dest = peers[r.int(0, peers.length - 1)]!;
      const ok = r.chance(0.995);
      // Recorded now, like v3 above: the wrapper measures start -> start + duration on the event clock.
      this.eventMs = nowMs;
      this.migration.onMigrationStart(id);
      this.eventMs = nowMs + Math.max(0.01, seconds) * 1000;
      this.migration.onMigrationComplete(id, this.id, dest, ok, dwcp);
    }
    this.eventMs = nowMs;
    for (const vm of VM_SIZES)
      this.migration.onSpeedupCalculated(
        `${vm.name}_vm`,
        Math.max(0.1, 5 * eff.throughputFactor * (1 + r.gaussian(0, 0.02))),
      );
    return { v3Slowdown };
  }

  private federate(mode: Mode, latencyMs: number, bytes: number): void {
    const remotes = this.opts.remoteRegions.length > 0 ? this.opts.remoteRegions : [`${this.region}-dr`];
    for (const remote of remotes) {
      const seconds =
        (mode === 'datacenter' ? 0.05 : 0.3) + (latencyMs / 1000) * 4 * (1 + this.prng.gaussian(0, 0.05));
      this.federation.onSync(remote, 'delta', Math.max(0.001, seconds));
      this.federation.onBandwidthSaved(remote, Math.round(bytes * 0.02));
    }
  }

  /**
   * One tick of inter-region probes per remote region: PROBES_PER_SECOND x dt probes, each lost with the path's
   * loss (link + WAN, seasonal), the RTT of the latest answered one = (WAN RTT + 2 x access latency) with
   * seasonality, 2 % noise, exponential queueing delay and loss-driven retransmit delay, all times the fault's
   * latency factor; throughput to each remote is an even share of INTER_REGION_SHARE of the node's throughput.
   * Draws only from `probePrng` (a fixed number of draws per tick for a given dt).
   */
  private probe(
    dt: number,
    season: number,
    accessLatencyMs: number,
    throughput: number,
    eff: FaultEffects,
  ): void {
    const r = this.probePrng;
    const m = this.v3Metrics;
    const sent = Math.max(1, Math.round(PROBES_PER_SECOND * dt));
    const queueMs = QUEUE_MS[this.profile.linkClass];
    for (const path of this.probePaths) {
      const l = { node_id: this.id, remote_region: path.remote };
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
        ((throughput * INTER_REGION_SHARE) / this.probePaths.length) * Math.max(0, 1 + r.gaussian(0, 0.03));
      const rx = tx * 0.6 * Math.max(0, 1 + r.gaussian(0, 0.03));
      m.gauge('dwcp_v3_network_bandwidth_bytes_per_second').set({ ...l, direction: 'tx' }, tx);
      m.gauge('dwcp_v3_network_bandwidth_bytes_per_second').set({ ...l, direction: 'rx' }, rx);
    }
  }

  /** Poisson sample (Knuth; lambda capped at 50 to bound the loop). */
  private poisson(lambda: number): number {
    const l = Math.exp(-Math.min(50, Math.max(0, lambda)));
    let k = 0;
    let p = 1;
    do {
      k++;
      p *= this.prng.next();
    } while (p > l && k < 200);
    return k - 1;
  }
}
