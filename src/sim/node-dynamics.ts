/**
 * One tick of a simulated node's component dynamics, driven by the per-mode table (./mode-params.ts): transfer
 * throughput and latency, AMST streams, HDE compression, PBA prediction, ASS sync, ACP consensus, ITP
 * placement, generic component operations, federation, and the health, resource and SLA series derived from
 * them. Each stage draws from the node's generator in a fixed order (the simulator's output for a seed depends
 * on it), then records through the node's telemetry.
 */
import { COMPONENTS, type Component, type HealthState, type Mode } from '../model/dwcp.ts';
import type { FaultEffects } from './faults.ts';
import { clamp, LINK_CLASSES, noise, type LinkConditions, type LinkProfile } from './link-model.ts';
import type { ModeParams, TransferModel } from './mode-params.ts';
import type { Prng } from './prng.ts';
import type { SlaWindow } from './sla-window.ts';
import type { NodeTelemetry } from './telemetry.ts';

/** The modes, in the order per-mode series are written. */
const MODE_ORDER = ['datacenter', 'internet', 'hybrid'] as const;
/** Mean number of HDE baselines (the original keeps at most 1000). */
const HDE_BASELINES = 120;
/** ACP consensus rounds per tick. */
const CONSENSUS_ROUNDS = 2;
/** Objective of the consensus error-rate SLA (share of failed rounds). */
const ERROR_RATE_OBJECTIVE = 0.01;
/** ITP placements per second. */
const PLACEMENTS_PER_SECOND = 10;

/** What one tick's stages share. */
export interface Tick {
  readonly tel: NodeTelemetry;
  readonly prng: Prng;
  readonly profile: LinkProfile;
  readonly eff: FaultEffects;
  /** Seconds since the previous tick. */
  readonly dt: number;
  /** Daily seasonality, -1..1. */
  readonly season: number;
  readonly mode: Mode;
  readonly params: ModeParams;
  readonly link: LinkConditions;
}

/** Throughput of the tick and what follows from it. */
export interface Transfer {
  /** Transfer throughput, bytes/s. */
  readonly throughput: number;
  /** Share carried over RDMA. */
  readonly rdmaShare: number;
  /** Link capacity, bytes/s. */
  readonly capacity: number;
  /** Bytes moved in the tick. */
  readonly bytes: number;
  /** Operation latency, seconds. */
  readonly opLatency: number;
}

/**
 * Throughput (bytes/s) of a transfer model before faults and seasonality (one Gaussian draw). RDMA and mixed
 * transfers start from the smaller of the RDMA engine's rate and the link's capacity (`bandwidth / 8`): no mode
 * moves more than its path carries.
 */
function modelThroughput(
  m: TransferModel,
  p: LinkProfile,
  link: LinkConditions,
  latencyRatio: number,
  r: Prng,
): number {
  switch (m.model) {
    case 'rdma':
      return (
        (Math.min(link.bandwidthBps / 8, p.rdmaBytesPerSecond || m.fallbackBytesPerSecond) *
          noise(r) *
          (1 - m.lossPenalty * link.loss)) /
        (1 + m.rttSensitivity * (latencyRatio - 1))
      );
    case 'tcp':
      return (
        ((link.bandwidthBps / 8) * m.efficiency * noise(r) * (1 - m.lossPenalty * link.loss)) /
        Math.max(1, latencyRatio)
      );
    case 'mixed':
      return (
        (Math.min(link.bandwidthBps / 8, p.rdmaBytesPerSecond || m.fallbackBytesPerSecond) *
          m.efficiency *
          noise(r) *
          (1 - m.lossPenalty * link.loss)) /
        Math.sqrt(Math.max(1, latencyRatio))
      );
  }
}

/**
 * The tick's transfer: the mode's throughput model times the fault's throughput factor and -5 % seasonality,
 * and the operation latency (one-way latency, which includes retransmissions, x the mode's factor range).
 */
export function transferOf(k: Tick): Transfer {
  const { link, params } = k;
  const latencyRatio = link.latencyMs / Math.max(0.1, link.baseLatencyMs);
  let throughput = modelThroughput(params.transfer, k.profile, link, latencyRatio, k.prng);
  throughput = Math.max(0, throughput * k.eff.throughputFactor * (1 - 0.05 * k.season));
  const opLatency =
    (link.latencyMs / 1000) * k.prng.uniform(params.opLatencyFactor[0], params.opLatencyFactor[1]);
  return {
    throughput,
    rdmaShare: params.rdmaShare,
    capacity: link.bandwidthBps / 8,
    bytes: throughput * k.dt,
    opLatency,
  };
}

/** AMST stream count of the tick (a draw only for the seasonal rule). */
export function streamCount(k: Tick): number {
  const s = k.params.streams;
  if (s.rule === 'seasonal')
    return Math.round(
      clamp(s.base * (1 + s.seasonalAmplitude * k.season) * noise(k.prng, s.noiseSd), s.min, s.max),
    );
  return Math.round(clamp(k.link.bandwidthBps / 1e6 / (k.link.latencyMs * 0.2), s.min, s.max));
}

/**
 * SYN attempts within AMST's 30 s connect timeout (Linux: initial RTO 1 s, doubling: 0, 1, 3, 7, 15 s; the next
 * would be at 31 s).
 */
const CONNECT_ATTEMPTS = 5;
/** Consecutive losses of one segment that abort a stream (its retransmissions exhaust the 60 s write timeout). */
const ABORT_LOSSES = 6;
/** Chunks per second a stream sends, each of which could start such a run (64 KB chunks at the 100 Mbit/s TCP pacing). */
const CHUNKS_PER_SECOND = 200;

/**
 * Chance that opening a stream fails with `connection_timeout` at packet loss `loss` (0..1): every SYN attempt
 * within the connect timeout is lost, `loss^CONNECT_ATTEMPTS` (independent losses). Healthy WAN loss (<= 1.5 %)
 * gives < 1e-9; a 30 % loss path fails 0.2 % of opens; capped at 0.5.
 * @see TCP retransmission timeout, RFC 6298; AMST connect timeout 30 s (NovaCron inventory, AMST)
 */
export function connectFailureChance(loss: number): number {
  return Math.min(0.5, loss ** CONNECT_ATTEMPTS);
}

/**
 * Rate (per stream and second) at which streams abort with `packet_loss` at loss `loss`: a chunk lost on its
 * first send and on every retransmission before the write timeout, `CHUNKS_PER_SECOND x loss^ABORT_LOSSES`.
 * Healthy WAN loss leaves TCP to recover by retransmission (practically no aborts); the rate only matters on a
 * path losing tens of percent.
 * @see RFC 6298 (retransmission timer); AMST read/write timeout 60 s (NovaCron inventory, AMST)
 */
export function streamAbortRate(loss: number): number {
  return CHUNKS_PER_SECOND * loss ** ABORT_LOSSES;
}

/**
 * AMST stream slots of a node: keeps `target` slots open, one or two slots reconnect every tick, bytes spread
 * over the slots; the v3 active-stream gauges follow the target in the current mode.
 */
export class StreamSlots {
  private slots = 0;
  private readonly v3Active = new Map<Mode, number>();

  update(k: Tick, target: number, bytes: number): void {
    const r = k.prng;
    const { amst, v3, production } = k.tel;
    const { mode, dt } = k;
    const loss = k.link.loss;
    while (this.slots < target) amst.onStreamStart(`stream-${this.slots++}`);
    while (this.slots > target) amst.onStreamEnd(`stream-${--this.slots}`);
    for (let i = 0; i < 2 && this.slots > 0; i++) {
      const slot = `stream-${r.int(0, this.slots - 1)}`;
      amst.onStreamEnd(slot);
      if (r.chance(connectFailureChance(loss))) {
        amst.onStreamOpenFailed('connection_timeout');
        v3.amst.failedStream(mode);
        production.error('amst', 'stream_failure', 'warning');
      }
      amst.onStreamStart(slot);
    }
    if (r.chance(Math.min(1, this.slots * dt * streamAbortRate(loss))))
      amst.onStreamError(`stream-0`, 'packet_loss');
    const per = this.slots > 0 ? bytes / this.slots : 0;
    for (let i = 0; i < this.slots; i++) amst.onStreamData(`stream-${i}`, per, per * 0.05);
    for (const m of MODE_ORDER) {
      const want = m === mode ? target : 0;
      const have = this.v3Active.get(m) ?? 0;
      if (want > have) v3.amst.streamsOpened(m, want - have);
      else if (want < have) v3.amst.streamsClosed(m, have - want);
      this.v3Active.set(m, want);
    }
  }
}

/** AMST latency and bandwidth, and the v3 per-mode transport series (throughput, transfers, RDMA, TCP streams, loss, congestion). */
export function recordTransport(k: Tick, x: Transfer, streams: number): void {
  const r = k.prng;
  const { amst, v3 } = k.tel;
  const { mode, eff } = k;
  const loss = k.link.loss;
  amst.onBandwidthUpdate(x.throughput, x.capacity);
  for (let i = 0; i < 3; i++) amst.observeLatency('chunk_send', x.opLatency * noise(r, 0.1));
  for (const m of MODE_ORDER) v3.setModeThroughput(m, m === mode ? x.throughput : 0);
  for (let i = 0; i < 5; i++) {
    const share = x.bytes / 5;
    v3.recordTransfer({
      mode,
      operation: 'send',
      latencySeconds: x.opLatency * noise(r, 0.1),
      sentBytes: share,
      receivedBytes: share * 0.05,
    });
  }
  v3.setAdaptiveDecisionAccuracy(
    clamp(LINK_CLASSES[k.profile.linkClass].adaptiveDecisionAccuracy * noise(r, 0.01), 0, 1),
  );
  v3.recordRdma({
    throughputBps: x.throughput * x.rdmaShare,
    utilisation: x.rdmaShare > 0 ? clamp((x.throughput * x.rdmaShare) / Math.max(1, x.capacity), 0, 1) : 0,
    latencySeconds: x.rdmaShare > 0 ? r.uniform(5e-6, 40e-6) * eff.latencyFactor : 0,
  });
  v3.setTcpStreams(k.params.tcpStreams === 'amst' ? streams : k.params.tcpStreams);
  for (const m of MODE_ORDER) v3.setPacketLoss(m, m === mode ? loss : 0);
  const congestion = r.poisson(loss * 200 * k.dt);
  if (congestion > 0) v3.amst.congestion(mode, congestion);
  v3.amst.efficiency(clamp(0.95 * noise(r, 0.01) * (1 - 3 * loss), 0, 1));
}

/**
 * HDE: compression of memory and disk data at the mode's ratio (or the fault's forced ratio), delta hits ~78 %
 * (15 % while degraded), baselines, dictionary efficiency, CRDT merges. Returns the compression ratio in effect.
 */
export function recordCompression(k: Tick, bytes: number): number {
  const r = k.prng;
  const { hde, v3 } = k.tel;
  const c = k.params.compression;
  const degraded = k.eff.compressionRatio !== undefined;
  const targetRatio = degraded ? k.eff.compressionRatio! : c.baseRatio;
  for (const dataType of ['vm_memory', 'vm_disk']) {
    const original = Math.max(1, Math.round((bytes / 2) * noise(r, 0.05)));
    const ratio = Math.max(1, targetRatio * noise(r, 0.03));
    const hit = r.chance(degraded ? 0.15 : 0.78);
    hde.onCompressionComplete(dataType, original, Math.max(1, Math.round(original / ratio)), hit);
    hde.onDecompressionComplete(r.chance(0.999));
    v3.hde.compression({
      algorithm: c.algorithm,
      originalBytes: original,
      compressedBytes: Math.max(1, Math.round(original / ratio)),
      latencySeconds: c.latencySeconds * noise(r, 0.1),
      deltaHit: hit,
    });
  }
  const baselines = Math.round(clamp(HDE_BASELINES * noise(r, 0.02), 0, 1000));
  hde.onBaselineUpdate('vm_state', baselines);
  hde.onBaselineUpdate('vm_memory', Math.round(baselines * 0.6));
  hde.onDictionaryUpdate(clamp((degraded ? 35 : 82) * noise(r, 0.02), 0, 100));
  v3.hde.crdtMerges(r.poisson(k.params.crdtMergesPerSecond * k.dt));
  v3.hde.algorithmSelectionAccuracy(clamp(0.91 * noise(r, 0.01), 0, 1));
  return targetRatio;
}

/** PBA: one bandwidth prediction per tick at the mode's accuracy. */
export function recordPrediction(k: Tick, throughput: number): void {
  const r = k.prng;
  k.tel.v3.pba.prediction({
    mode: k.mode,
    accuracy: clamp(k.params.predictionAccuracy * noise(r, 0.01), 0, 1),
    latencySeconds: r.uniform(0.005, 0.04),
    predictedBps: throughput * noise(r, 0.03),
  });
}

/** ASS: one state sync at the mode's latency (times the fault's latency factor), conflicts, CRDT operations. Returns the sync latency. */
export function recordSync(k: Tick): number {
  const r = k.prng;
  const { v3 } = k.tel;
  const p = k.params;
  const syncLatency = r.uniform(p.syncLatencySeconds[0], p.syncLatencySeconds[1]) * k.eff.latencyFactor;
  v3.ass.sync({
    type: r.chance(0.05) ? 'full' : 'incremental',
    ok: r.chance(0.998),
    latencySeconds: syncLatency,
    mode: k.mode,
  });
  if (p.syncConflictsPerSecond !== null) v3.ass.conflictsResolved(r.poisson(p.syncConflictsPerSecond * k.dt));
  v3.ass.crdtOperations(r.poisson(p.crdtOperationsPerSecond * k.dt));
  return syncLatency;
}

/** Outcome of the tick's consensus rounds. */
export interface ConsensusOutcome {
  readonly rounds: number;
  /** Rounds that timed out or failed. */
  readonly errors: number;
}

/**
 * ACP: CONSENSUS_ROUNDS rounds of the mode's protocol (timeouts and latency from the faults), failovers,
 * Byzantine detections and leader changes.
 */
export function recordConsensus(k: Tick): ConsensusOutcome {
  const r = k.prng;
  const { v3, production } = k.tel;
  const { eff, mode } = k;
  const { protocol, latencySeconds } = k.params.consensus;
  let errors = 0;
  for (let i = 0; i < CONSENSUS_ROUNDS; i++) {
    const base = r.uniform(latencySeconds[0], latencySeconds[1]);
    const timedOut = r.chance(eff.consensusTimeoutShare);
    const result = timedOut ? 'timeout' : r.chance(0.001) ? 'failure' : 'success';
    if (result !== 'success') errors++;
    v3.acp.consensus({
      protocol,
      latencySeconds: base * eff.consensusLatencyFactor * noise(r, 0.05),
      result,
    });
    v3.componentOperation('acp', 'consensus_round', base * eff.consensusLatencyFactor);
    if (timedOut) {
      v3.componentError('acp', 'timeout');
      production.error('acp', 'consensus_timeout', 'critical');
    }
  }
  if (eff.consensusTimeoutShare >= 0.5) v3.recordFailover(mode);
  if (eff.byzantinePerSecond > 0) {
    const n = Math.max(1, r.poisson(eff.byzantinePerSecond * k.dt));
    v3.acp.byzantine(n);
    v3.recordFailover(mode);
    v3.acp.leaderChange();
    production.error('acp', 'byzantine', 'critical', n);
  } else if (r.chance(0.002 * k.dt)) {
    v3.acp.leaderChange();
  }
  return { rounds: CONSENSUS_ROUNDS, errors };
}

/** ITP: PLACEMENTS_PER_SECOND placements (at least one per tick), score 0-100. */
export function recordPlacements(k: Tick): void {
  const r = k.prng;
  for (let i = 0; i < Math.max(1, Math.round(PLACEMENTS_PER_SECOND * k.dt)); i++) {
    k.tel.v3.itp.placement({
      optimal: r.chance(0.9),
      score: clamp(90 * noise(r, 0.03), 0, 100),
      predictionAccuracy: clamp(0.93 * noise(r, 0.01), 0, 1),
      geoOptimized: r.chance(k.params.geoOptimizedShare),
    });
  }
}

/**
 * Generic operation latency of every component but ACP (whose rounds are recorded with consensus), slowed by
 * a v3 regression: AMST the operation latency, ASS a tenth of the sync latency, the others fixed.
 */
export function recordComponentOperations(k: Tick, opLatency: number, syncLatency: number): void {
  const base: Readonly<Record<Exclude<Component, 'acp'>, number>> = {
    amst: opLatency,
    hde: 0.003,
    pba: 0.02,
    ass: syncLatency / 10,
    itp: 0.01,
  };
  for (const c of COMPONENTS) {
    if (c === 'acp') continue;
    k.tel.v3.componentOperation(c, 'process', base[c] * k.eff.v3Factor * noise(k.prng, 0.05));
  }
}

/** Federation: one delta sync per remote region (the mode's base time + 4 one-way latencies), bandwidth saved 2 %. */
export function recordFederation(k: Tick, remotes: readonly string[], bytes: number): void {
  for (const remote of remotes) {
    const seconds =
      k.params.federationBaseSeconds + (k.link.latencyMs / 1000) * 4 * (1 + k.prng.gaussian(0, 0.05));
    k.tel.federation.onSync(remote, 'delta', Math.max(0.001, seconds));
    k.tel.federation.onBandwidthSaved(remote, Math.round(bytes * 0.02));
  }
}

/** What the health, resource and SLA series are derived from. */
export interface HealthInput {
  readonly transfer: Transfer;
  /** 1 + 10 % seasonality. */
  readonly load: number;
  readonly degradedCompression: boolean;
  readonly consensus: ConsensusOutcome;
  /** Current v3 migration slowdown (duration / baseline), when v3 migrations ran. */
  readonly v3Slowdown: number | undefined;
  /** Rollout stage name and percent. */
  readonly rolloutStage: string;
  readonly rolloutPercent: number;
  /** The node's SLA window (./sla-window.ts): this tick is added to it and the SLA judged over it. */
  readonly slaWindow: SlaWindow;
}

/**
 * Component health (measured from the effects), resource utilisation, rollout progress, throughput per
 * transport and SLA compliance against the mode's SLA over the node's SLA window (p95 latency, mean
 * throughput, error share of the consensus rounds; a v3 slowdown beyond 1.5x misses the latency SLA at once),
 * with anomaly detections when an SLA is missed.
 */
export function recordHealth(k: Tick, h: HealthInput): void {
  const r = k.prng;
  const { system, production } = k.tel;
  const { eff } = k;
  const { throughput, capacity, rdmaShare, opLatency } = h.transfer;
  const sla = k.params.sla;
  const health = (bad: boolean, worse: boolean): HealthState =>
    worse ? 'down' : bad ? 'degraded' : 'healthy';
  const states: Record<Component, HealthState> = {
    amst: health(eff.throughputFactor < 0.6 || eff.latencyFactor > 2, false),
    hde: health(h.degradedCompression, false),
    pba: 'healthy',
    ass: health(eff.latencyFactor > 2, false),
    acp: health(eff.consensusTimeoutShare > 0 || eff.byzantinePerSecond > 0, false),
    itp: 'healthy',
  };
  for (const c of COMPONENTS) {
    system.onComponentHealthChange(c, states[c]);
    production.componentHealth(c, 'v3', eff.v3Factor > 1 && states[c] === 'healthy' ? 'degraded' : states[c]);
  }
  production.resourceUtilisation(
    'cpu',
    clamp(35 * h.load * noise(r, 0.03) + 10 * (throughput / Math.max(1, capacity)), 0, 100),
  );
  production.resourceUtilisation('memory', clamp(42 * noise(r, 0.01) + eff.memoryLeakPercent, 0, 99));
  production.resourceUtilisation('network', clamp((throughput / Math.max(1, capacity)) * 100, 0, 100));
  production.resourceUtilisation('disk', clamp(55 * noise(r, 0.005), 0, 100));
  production.rolloutProgress(h.rolloutStage, h.rolloutPercent);
  production.throughput('amst', 'tx', 'rdma', throughput * rdmaShare);
  production.throughput('amst', 'rx', 'rdma', throughput * rdmaShare * 0.95);
  production.throughput('amst', 'tx', 'tcp', throughput * (1 - rdmaShare));
  production.throughput('amst', 'rx', 'tcp', throughput * (1 - rdmaShare) * 0.95);
  const w = h.slaWindow.add(k.mode, {
    latencySeconds: opLatency,
    throughputBytesPerSecond: throughput,
    rounds: h.consensus.rounds,
    errors: h.consensus.errors,
  });
  const latencyOk =
    w.p95LatencySeconds < sla.latencySeconds && eff.v3Factor <= 1.5 && (h.v3Slowdown ?? 1) <= 1.5;
  const throughputOk = w.meanThroughputBytesPerSecond >= sla.throughputBytesPerSecond;
  production.slaCompliance('latency', 'p95_transfer_latency', latencyOk);
  production.slaCompliance('throughput', 'transfer_throughput', throughputOk);
  // Error rate <= 1 % of the window's rounds; before the window is full, violated only once the errors exceed 1 %
  // of a full window's rounds (certain whatever the rest of the window brings): 2 failed rounds of the first 40
  // are not a 1 % rate.
  const fullWindowRounds = (w.rounds / w.ticks) * h.slaWindow.capacity;
  production.slaCompliance(
    'error_rate',
    'consensus_error_rate',
    w.errors <= ERROR_RATE_OBJECTIVE * Math.max(w.rounds, fullWindowRounds),
  );
  if (!latencyOk)
    production.anomalyDetection(
      'latency',
      w.p95LatencySeconds > 2 * sla.latencySeconds || eff.v3Factor > 2 ? 'critical' : 'warning',
    );
  if (!throughputOk)
    production.anomalyDetection(
      'throughput',
      w.meanThroughputBytesPerSecond < sla.throughputBytesPerSecond / 2 ? 'critical' : 'warning',
    );
}
