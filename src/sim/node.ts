/**
 * One simulated DWCP node: link conditions (./link-model.ts), mode selection (./mode.ts), per-mode dynamics
 * from a table (./mode-params.ts, drawn and recorded by ./node-dynamics.ts), v1/v3 migrations under a rollout
 * percentage (./migrations.ts), inter-region probes (./probes.ts) and injected faults, recorded through the SDK
 * into the node's own registry (./telemetry.ts) and served over HTTP (./node-server.ts).
 *
 * For a given seed the output is fixed: every draw comes from the node's generator in the order of `step`
 * (the probes from their own generator), so reordering stages changes every series after them.
 */
import type { Registry } from 'prom-client';
import { InvalidInputError } from '../errors.ts';
import type { Mode } from '../model/dwcp.ts';
import { validateLevelShift, withLevelShifts, type LevelShift } from './events.ts';
import { effectsAt, NO_FAULT, type FaultEffects, type ScheduledFault } from './faults.ts';
import { clamp, DEFAULT_HYBRID_PERIOD_SECONDS, linkConditions, type LinkProfile } from './link-model.ts';
import { DEFAULT_V1_DURATION_FACTOR, MigrationDriver } from './migrations.ts';
import type { MigrationTraceSink } from './tracing.ts';
import { ModeDetector } from './mode.ts';
import { MODE_PARAMS } from './mode-params.ts';
import {
  recordComponentOperations,
  recordCompression,
  recordConsensus,
  recordFederation,
  recordHealth,
  recordPlacements,
  recordPrediction,
  recordSync,
  recordTransport,
  streamCount,
  StreamSlots,
  transferOf,
  type Tick,
} from './node-dynamics.ts';
import type { MetricsServerRoute } from '../sdk/metrics-server.ts';
import { NodeServer } from './node-server.ts';
import { ProbeSet } from './probes.ts';
import { Prng } from './prng.ts';
import { rolloutStage } from './rollout-stage.ts';
import { SlaWindow } from './sla-window.ts';
import { NodeTelemetry } from './telemetry.ts';

/** Salt of the switchover-downtime generator's seed (its own stream: adding it moved no other draw). */
const DOWNTIME_SEED_SALT = 0x5d0e7a1e;

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
  /** Receives every migration for tracing (./tracing.ts); default none. */
  readonly trace?: MigrationTraceSink;
  /** Called when the node's network mode switches (./logging.ts); default none. */
  readonly onModeSwitch?: (from: Mode, to: Mode, nowMs: number) => void;
}

/** Validates the options of a node. @throws InvalidInputError on a bad rollout percent, day length, v1 duration factor or level shift. */
function validate(opts: SimNodeOptions): void {
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
}

/** One simulated node. Call `tick(nowMs)` once per tick; `listen()` to serve its metrics. */
export class SimNode {
  readonly id: string;
  readonly region: string;
  readonly profile: LinkProfile;
  private readonly opts: SimNodeOptions;
  private readonly prng: Prng;
  private readonly detector = new ModeDetector();
  private readonly tel: NodeTelemetry;
  private readonly probes: ProbeSet;
  private readonly migrations: MigrationDriver;
  private readonly streams = new StreamSlots();
  private readonly slaWindow = new SlaWindow();
  private readonly server: NodeServer;
  private readonly remotes: readonly string[];
  /** Clock the v1 wrappers read: set to exact event times during a tick. */
  private eventMs: number;
  private lastTickMs: number | undefined;
  private ticks = 0;
  private mode: Mode;
  private effects: FaultEffects = NO_FAULT;
  private rolloutPercent: number;

  /** @throws InvalidInputError on a bad rollout percent, day length, v1 duration factor or level shift. */
  constructor(opts: SimNodeOptions) {
    validate(opts);
    this.opts = opts;
    this.rolloutPercent = opts.rolloutPercent;
    this.id = opts.id;
    this.region = opts.region;
    this.profile = opts.profile;
    this.prng = new Prng(opts.seed);
    const warn = opts.warn ?? ((m: string) => console.warn(m));
    this.eventMs = opts.startMs;
    this.tel = new NodeTelemetry({ id: opts.id, region: opts.region, clock: () => this.eventMs, warn });
    this.probes = new ProbeSet(this.tel.v3Metrics, {
      nodeId: opts.id,
      region: opts.region,
      remoteRegions: opts.remoteRegions,
      profile: opts.profile,
      seed: opts.seed,
    });
    this.tel.initialize(opts);
    this.migrations = new MigrationDriver(this.tel, this.prng, {
      id: opts.id,
      peers: opts.peers,
      rolloutPercent: opts.rolloutPercent,
      v1DurationFactor: opts.v1DurationFactor ?? DEFAULT_V1_DURATION_FACTOR,
      downtimePrng: new Prng((opts.seed ^ DOWNTIME_SEED_SALT) >>> 0),
      setEventMs: (ms) => {
        this.eventMs = ms;
      },
      ...(opts.trace ? { trace: opts.trace } : {}),
    });
    this.server = new NodeServer({
      id: opts.id,
      registry: this.tel.registry,
      ready: () => this.ready,
      warn,
      contentVersion: () => this.ticks,
    });
    this.remotes = opts.remoteRegions.length > 0 ? opts.remoteRegions : [`${opts.region}-dr`];
    this.mode = this.detector.mode;
    this.tel.v3.setMode(this.mode);
  }

  /**
   * Moves the node to another rollout percentage from the next tick on, as a rollout stage change does: the share
   * of its migrations sent over v3, its `v3_enabled` flag and its rollout progress.
   * @throws InvalidInputError outside 0..100.
   */
  setRolloutPercent(percent: number): void {
    if (!Number.isFinite(percent) || percent < 0 || percent > 100)
      throw new InvalidInputError(`rollout percent must be in 0..100, got ${percent}`);
    this.rolloutPercent = percent;
    this.migrations.setRolloutPercent(percent);
    this.tel.system.onFeatureToggle('v3_enabled', percent > 0);
  }

  /** Extra GET routes of the node's metrics server (e.g. /debug/pprof/profile); set before `listen`. */
  set serverRoutes(routes: ReadonlyMap<string, MetricsServerRoute> | undefined) {
    this.server.routes = routes;
  }

  /** The node's registry (every series it exports). */
  get registry(): Registry {
    return this.tel.registry;
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
    return this.server.url;
  }

  /** Port the node serves on (the last bound port; 0 before listen). */
  get port(): number {
    return this.server.port;
  }

  /**
   * Starts the metrics server (GET /metrics, /health, /ready).
   * @returns the bound port (useful when `port` is 0).
   * @throws the listen error (e.g. EADDRINUSE).
   */
  listen(host: string, port: number): Promise<number> {
    return this.server.listen(host, port);
  }

  /** Stops the server for good (pending restarts are cancelled). */
  close(): Promise<void> {
    return this.server.close();
  }

  /** Resolves when server stop/restart work started by ticks has finished (for tests). */
  settled(): Promise<void> {
    return this.server.settled();
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
    if (eff.down !== wasDown) this.server.setServing(!eff.down);
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

  /** One tick of telemetry at `t` seconds since the start (see the module comment on draw order). */
  private step(nowMs: number, t: number, dt: number, eff: FaultEffects): void {
    const season = Math.sin((2 * Math.PI * t) / this.opts.daySeconds);
    const link = linkConditions(
      this.profile,
      t,
      season,
      eff,
      this.prng,
      this.opts.hybridPeriodSeconds ?? DEFAULT_HYBRID_PERIOD_SECONDS,
    );
    const mode = this.observeMode(link.latencyMs, link.bandwidthBps, nowMs);
    const k: Tick = {
      tel: this.tel,
      prng: this.prng,
      profile: this.profile,
      eff,
      dt,
      season,
      mode,
      params: MODE_PARAMS[mode],
      link,
    };
    const transfer = transferOf(k);
    const streams = streamCount(k);
    this.streams.update(k, streams, transfer.bytes);
    recordTransport(k, transfer, streams);
    const ratio = recordCompression(k, transfer.bytes);
    recordPrediction(k, transfer.throughput);
    const syncLatency = recordSync(k);
    const consensus = recordConsensus(k);
    recordPlacements(k);
    recordComponentOperations(k, transfer.opLatency, syncLatency);
    const { v3Slowdown } = this.migrations.run({
      nowMs,
      dt,
      mode,
      params: k.params,
      latencyMs: link.latencyMs,
      throughput: transfer.throughput,
      ratio,
      eff,
    });
    recordFederation(k, this.remotes, transfer.bytes);
    this.probes.probe(dt, season, link.baseLatencyMs, transfer.throughput, eff);
    recordHealth(k, {
      transfer,
      load: 1 + 0.1 * season,
      degradedCompression: eff.compressionRatio !== undefined,
      consensus,
      v3Slowdown,
      rolloutStage: rolloutStage(this.rolloutPercent),
      rolloutPercent: this.rolloutPercent,
      slaWindow: this.slaWindow,
    });
  }

  /** Feeds the mode detector; records a mode switch (and a PBA model switch between internet and the rest). */
  private observeMode(latencyMs: number, bandwidthBps: number, nowMs: number): Mode {
    const previous = this.mode;
    const mode = this.detector.observe(latencyMs, bandwidthBps);
    if (mode !== previous) {
      this.tel.v3.recordModeSwitch(previous, mode);
      this.opts.onModeSwitch?.(previous, mode, nowMs);
      // PBA keeps two models: internet, and datacenter (also used in hybrid).
      if ((mode === 'internet') !== (previous === 'internet')) this.tel.v3.pba.modelSwitch();
      this.mode = mode;
    }
    return mode;
  }
}
