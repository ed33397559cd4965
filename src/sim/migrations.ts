/**
 * Migrations of a simulated node: v1 and v3 migrations started at MIGRATIONS_PER_SECOND, split by the rollout
 * percentage, with durations from VM size, effective throughput, mode overhead and faults. A successful v3
 * migration also records its switchover downtime (./downtime.ts) in `dwcp_v3_migration_latency_seconds`. Both versions are
 * recorded when they start, with the duration drawn for them (v1 through its wrapper's start/complete on the
 * event clock), so that over any window both histograms hold the same selection of migrations (recording v1
 * only at completion made short windows see only its short migrations). Successful migrations of both versions
 * also record what they used (./migration-resources.ts: CPU, peak host memory, bytes sent), drawing nothing.
 */
import type { Mode } from '../model/dwcp.ts';
import { switchoverDowntime } from './downtime.ts';
import { migrationResources } from './migration-resources.ts';
import { exemplarOfTraceparent, type TraceExemplar } from '../sdk/exemplar.ts';
import type { MigrationTraceSink } from './tracing.ts';
import type { FaultEffects } from './faults.ts';
import type { ModeParams } from './mode-params.ts';
import type { Prng } from './prng.ts';
import type { NodeTelemetry } from './telemetry.ts';

/** Default v1 duration factor: v1 DWCP migrations take 1.3x as long as v3 ones. */
export const DEFAULT_V1_DURATION_FACTOR = 1.3;
/** Migrations per second started by a node. */
const MIGRATIONS_PER_SECOND = 4;
/**
 * Success chance of a healthy v3 migration: 99.98 %, a fifth of the 99.9 % availability SLO's error budget (a
 * healthy system runs well inside its SLO; 99.8 % burned the budget twice as fast as it accrues).
 */
const HEALTHY_V3_SUCCESS = 0.9998;
/** Success chance of a v3 migration while a fault slows v3 down (3 % fail). */
const DEGRADED_V3_SUCCESS = 0.97;
/** VM sizes, picked uniformly per migration. */
const VM_SIZES = [
  { name: 'small', bytes: 2 * 2 ** 30 },
  { name: 'medium', bytes: 8 * 2 ** 30 },
  { name: 'large', bytes: 32 * 2 ** 30 },
] as const;

/** Options of {@link MigrationDriver}. */
export interface MigrationDriverOptions {
  readonly id: string;
  /** Destinations (the node itself when alone). */
  readonly peers: readonly string[];
  /** Share of v3 migrations, 0..100. */
  readonly rolloutPercent: number;
  /** v1 DWCP duration relative to v3 under the same conditions (before noise and faults). */
  readonly v1DurationFactor: number;
  /** Sets the event clock the v1 wrappers read (Unix ms). */
  readonly setEventMs: (ms: number) => void;
  /** Generator of the switchover downtimes: its own stream, so that no other draw of the node depends on it. */
  readonly downtimePrng: Prng;
  /** Receives every migration for tracing (src/sim/tracing.ts); default none. Draws nothing from the PRNG. */
  readonly trace?: MigrationTraceSink;
}

/**
 * Failed transfer attempts traced for a migration under `eff`: one while latency is at least doubled or
 * throughput at least halved, else none.
 */
export function transferRetries(eff: FaultEffects): number {
  return eff.latencyFactor >= 2 || eff.throughputFactor <= 0.5 ? 1 : 0;
}

/** Conditions of the tick the migrations run in. */
export interface MigrationTick {
  readonly nowMs: number;
  readonly dt: number;
  readonly mode: Mode;
  readonly params: ModeParams;
  /** Measured one-way link latency, ms (the switchover waits for the last pages to arrive). */
  readonly latencyMs: number;
  /** Transfer throughput, bytes/s. */
  readonly throughput: number;
  /** Compression ratio in effect. */
  readonly ratio: number;
  readonly eff: FaultEffects;
}

/** Starts and records the migrations of one node (holds the fractional migration credit between ticks). */
export class MigrationDriver {
  private readonly opts: MigrationDriverOptions;
  private readonly tel: NodeTelemetry;
  private readonly prng: Prng;
  private readonly downtimePrng: Prng;
  private v1Credit = 0;
  private v3Credit = 0;
  private rolloutPercent: number;
  private seq = 0;
  private vmSeq = 0;

  constructor(tel: NodeTelemetry, prng: Prng, opts: MigrationDriverOptions) {
    this.tel = tel;
    this.prng = prng;
    this.opts = opts;
    this.downtimePrng = opts.downtimePrng;
    this.rolloutPercent = opts.rolloutPercent;
  }

  /** Share of v3 migrations (0..100) from the next tick on (a rollout stage change). */
  setRolloutPercent(percent: number): void {
    this.rolloutPercent = percent;
  }

  /** Runs this tick's migrations; returns the current v3 slowdown (duration / baseline) when v3 ran. */
  run(k: MigrationTick): { v3Slowdown: number | undefined } {
    const r = this.prng;
    const { v3, production, migration } = this.tel;
    const { nowMs, dt, mode, eff, ratio } = k;
    const share = this.rolloutPercent / 100;
    this.v3Credit += MIGRATIONS_PER_SECOND * dt * share;
    this.v1Credit += MIGRATIONS_PER_SECOND * dt * (1 - share);
    const id = this.opts.id;
    const peers = this.opts.peers.length > 0 ? this.opts.peers : [id];
    const effective = Math.max(1e6, k.throughput) * Math.max(1, ratio);
    const overhead = k.params.migrationOverheadSeconds;
    const v1Factor = this.opts.v1DurationFactor;
    let v3Slowdown: number | undefined;
    while (this.v3Credit >= 1) {
      this.v3Credit -= 1;
      const vm = VM_SIZES[r.int(0, VM_SIZES.length - 1)]!;
      const baseline = vm.bytes / effective + overhead;
      const seconds = baseline * eff.v3Factor * (1 + r.gaussian(0, 0.03));
      const ok = r.chance(eff.v3Factor > 1 ? DEGRADED_V3_SUCCESS : HEALTHY_V3_SUCCESS);
      const dest = peers[r.int(0, peers.length - 1)]!;
      const exemplar = this.trace(
        k,
        'v3',
        vm.name,
        dest,
        nowMs,
        Math.max(0.01, seconds),
        vm.bytes / Math.max(1, ratio),
        ok,
      );
      v3.recordMigration({
        mode,
        success: ok,
        durationSeconds: Math.max(0.01, seconds),
        bytes: vm.bytes / Math.max(1, ratio),
        memoryBytes: vm.bytes,
        resources: migrationResources(vm.bytes, Math.max(0.01, seconds), ratio, eff.v3Factor),
        exemplar,
      });
      if (ok) {
        const downtime = switchoverDowntime(
          k.params.downtime,
          { latencyMs: k.latencyMs, throughput: k.throughput, ratio, v3Factor: eff.v3Factor },
          this.downtimePrng,
        );
        production.migrationDowntime({
          source: id,
          destination: dest,
          vmSize: vm.name,
          mode,
          seconds: downtime,
        });
      } else production.error('migration', 'migration_failed', 'critical');
      v3Slowdown = seconds / baseline;
    }
    while (this.v1Credit >= 1) {
      this.v1Credit -= 1;
      const vm = VM_SIZES[r.int(0, VM_SIZES.length - 1)]!;
      const dwcp = r.chance(0.9);
      const dwcpSeconds = (vm.bytes / effective + overhead) * v1Factor * (1 + r.gaussian(0, 0.03));
      const seconds = dwcp ? dwcpSeconds : dwcpSeconds * 5 * eff.throughputFactor;
      const migrationId = `mig-${id}-${++this.seq}`;
      const dest = peers[r.int(0, peers.length - 1)]!;
      const ok = r.chance(0.995);
      const exemplar = this.trace(
        k,
        'v1',
        vm.name,
        dest,
        nowMs,
        Math.max(0.01, seconds),
        vm.bytes / Math.max(1, ratio),
        ok,
      );
      // Recorded now, like v3 above: the wrapper measures start -> start + duration on the event clock.
      this.opts.setEventMs(nowMs);
      migration.onMigrationStart(migrationId);
      this.opts.setEventMs(nowMs + Math.max(0.01, seconds) * 1000);
      migration.onMigrationComplete(
        migrationId,
        id,
        dest,
        ok,
        dwcp,
        vm.bytes,
        exemplar,
        migrationResources(vm.bytes, Math.max(0.01, seconds), ratio),
      );
    }
    this.opts.setEventMs(nowMs);
    for (const vm of VM_SIZES)
      migration.onSpeedupCalculated(
        `${vm.name}_vm`,
        Math.max(0.1, 5 * eff.throughputFactor * (1 + r.gaussian(0, 0.02))),
      );
    return { v3Slowdown };
  }

  /** Traces one migration (when a sink is set); returns its span as an exemplar of the duration histogram when sampled. */
  private trace(
    k: MigrationTick,
    version: 'v1' | 'v3',
    vmSize: string,
    dest: string,
    startMs: number,
    seconds: number,
    bytes: number,
    ok: boolean,
  ): TraceExemplar | undefined {
    const sink = this.opts.trace;
    if (!sink) return undefined;
    const carrier = sink({
      vmId: `vm-${this.opts.id}-${++this.vmSeq}`,
      vmSize,
      sourceNode: this.opts.id,
      destinationNode: dest,
      mode: k.mode,
      version,
      startMs,
      durationMs: seconds * 1000,
      bytes: Math.round(bytes),
      ok,
      retries: transferRetries(k.eff),
    });
    return exemplarOfTraceparent(carrier?.['traceparent']);
  }
}
