/**
 * Switchover downtime of a simulated v3 live migration: the pause the VM sees between its stop on the source and
 * its resume on the destination, what QEMU's `query-migrate` reports as `downtime` and what
 * `dwcp_v3_migration_latency_seconds` records. Whole-migration time is the duration metric.
 *
 * Model (pre-copy live migration): after the iterative rounds the source stops the VM, sends the last dirty pages
 * and the device state, and the destination resumes once they have arrived, so
 *
 *     downtime = (fixedSeconds + oneWayLatency + finalRoundBytes / (throughput x compression ratio)) x v3Factor x noise
 *
 * with a log-normal noise of `noiseSd` (one Gaussian draw). The mode's row (mode-params.ts `downtime`) sets the
 * fixed cost (device state, vCPU stop/start) and the final dirty set, which QEMU keeps small enough to meet its
 * downtime limit (default 300 ms) on a healthy link. Faults move it through the link latency (latency_spike), the
 * throughput (throughput_drop, and the latency's effect on TCP), the compression ratio (compression_degradation)
 * and the v3 factor (v3_regression). Healthy values: ~25-40 ms in the datacenter (RDMA), ~40-80 ms hybrid,
 * ~100-200 ms on the internet (one-way latency 70-140 ms) — every mode's P99 under the Phase 6 500 ms target.
 * @see QEMU migration/options.c `DEFAULT_MIGRATE_SET_DOWNTIME` (300 ms) and the QMP `MigrationInfo.downtime`
 *   field (https://www.qemu.org/docs/master/interop/qemu-qmp-ref.html)
 * @see C. Clark et al., "Live Migration of Virtual Machines", NSDI 2005 (LAN downtimes of 60-210 ms on 1 Gbit/s)
 * @see A. J. Mashtizadeh et al., "XvMotion: Unified Virtual Machine Migration over Long Distance", USENIX ATC 2014
 *   (switchover over long-distance links stays sub-second)
 */
import type { Prng } from './prng.ts';

/** Per-mode downtime parameters (a row of mode-params.ts). */
export interface DowntimeParams {
  /** Fixed part: device state transfer, vCPU stop and start, s. */
  readonly fixedSeconds: number;
  /** Dirty memory sent while the VM is stopped (after the compression ratio), bytes. */
  readonly finalRoundBytes: number;
  /** Standard deviation of the log-normal noise (natural log). */
  readonly noiseSd: number;
}

/** Conditions of the migration's switchover. */
export interface SwitchoverConditions {
  /** Measured one-way link latency, ms. */
  readonly latencyMs: number;
  /** Transfer throughput, bytes/s. */
  readonly throughput: number;
  /** Compression ratio in effect (>= 1 counts; below 1 is treated as 1). */
  readonly ratio: number;
  /** v3 slow-down factor of a regression (1 = none). */
  readonly v3Factor: number;
}

/**
 * One switchover downtime in seconds (see the module comment); one Gaussian draw from `prng`.
 * Never below 1 ms.
 */
export function switchoverDowntime(p: DowntimeParams, c: SwitchoverConditions, prng: Prng): number {
  const effective = Math.max(1e6, c.throughput) * Math.max(1, c.ratio);
  const base = p.fixedSeconds + Math.max(0, c.latencyMs) / 1000 + p.finalRoundBytes / effective;
  return Math.max(0.001, base * c.v3Factor * Math.exp(prng.gaussian(0, p.noiseSd)));
}
