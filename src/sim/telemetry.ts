/**
 * The telemetry of one simulated node: its own prom-client Registry with the v1, v3 and production catalog
 * metric sets, recorded through the SDK (v1 wrappers, v3 collector, production recorder), exactly as a real
 * DWCP node instrumented with the SDK would export them.
 */
import { Registry } from 'prom-client';
import { metricsOf } from '../catalog/index.ts';
import { ProductionMetrics } from '../sdk/production.ts';
import { createCatalogMetrics, type CatalogMetrics } from '../catalog/registry.ts';
import { AmstMetrics } from '../sdk/v1/amst.ts';
import { FederationMetrics } from '../sdk/v1/federation.ts';
import { HdeMetrics } from '../sdk/v1/hde.ts';
import { MigrationMetrics } from '../sdk/v1/migration.ts';
import { SystemMetrics } from '../sdk/v1/system.ts';
import { DwcpV3Collector } from '../sdk/v3/collector.ts';

/** In-flight v1 migrations the v1 wrapper holds at most (each is started and completed within one tick). */
export const MAX_PENDING_MIGRATIONS = 1024;
/** AMST error types initialised at zero. */
const AMST_ERROR_TYPES = ['connection_timeout', 'packet_loss'] as const;
/** Features reported as enabled on every node (`v3_enabled` follows the rollout). */
const ENABLED_FEATURES = [
  'amst_enabled',
  'hde_enabled',
  'pba_enabled',
  'ass_enabled',
  'acp_enabled',
  'itp_enabled',
] as const;

/** Options of {@link NodeTelemetry}. */
export interface NodeTelemetryOptions {
  readonly id: string;
  readonly region: string;
  /** Clock the v1 wrappers read (Unix ms): the node sets it to exact event times during a tick. */
  readonly clock: () => number;
  readonly warn: (message: string) => void;
}

/** Options of {@link NodeTelemetry.initialize}. */
export interface NodeIdentity {
  readonly id: string;
  readonly seed: number;
  readonly startMs: number;
  /** Share of v3 migrations in percent (v3 is reported enabled above 0). */
  readonly rolloutPercent: number;
  /** Migration destinations (the node itself when alone). */
  readonly peers: readonly string[];
}

/** The SDK objects of one node over its own registry. */
export class NodeTelemetry {
  readonly registry = new Registry();
  readonly amst: AmstMetrics;
  readonly hde: HdeMetrics;
  readonly migration: MigrationMetrics;
  readonly federation: FederationMetrics;
  readonly system: SystemMetrics;
  readonly v3: DwcpV3Collector;
  readonly production: ProductionMetrics;
  /** The v3 metric set (for series the collector has no method for: the inter-region probes). */
  readonly v3Metrics: CatalogMetrics;

  /** Registers the v1, v3 and production sets (in that order) and creates the SDK wrappers. */
  constructor(opts: NodeTelemetryOptions) {
    const v1 = createCatalogMetrics(this.registry, metricsOf('v1'));
    const v3 = createCatalogMetrics(this.registry, metricsOf('v3'));
    const prod = createCatalogMetrics(this.registry, metricsOf('production'));
    const base = { cluster: opts.region, node: opts.id };
    this.amst = new AmstMetrics(v1, base, { clock: opts.clock, warn: (m) => opts.warn(`${opts.id}: ${m}`) });
    this.hde = new HdeMetrics(v1, base);
    this.migration = new MigrationMetrics(v1, base, {
      clock: opts.clock,
      maxInFlight: MAX_PENDING_MIGRATIONS,
    });
    this.federation = new FederationMetrics(v1, base);
    this.system = new SystemMetrics(v1, base);
    this.v3 = new DwcpV3Collector(v3, opts.id);
    this.production = new ProductionMetrics(prod, { node: opts.id, region: opts.region });
    this.v3Metrics = v3;
  }

  /**
   * Creates the series a node exports from the start at zero (error types, migration pairs, production error
   * kinds), its version and feature flags.
   */
  initialize(node: NodeIdentity): void {
    this.amst.initialize(AMST_ERROR_TYPES);
    this.migration.initialize(node.id, node.peers.length > 0 ? node.peers : [node.id]);
    this.v3.initialize(['internal', 'timeout']);
    this.production.initialize([
      { component: 'amst', errorType: 'stream_failure', severity: 'warning' },
      { component: 'acp', errorType: 'consensus_timeout', severity: 'critical' },
      { component: 'acp', errorType: 'byzantine', severity: 'critical' },
      { component: 'migration', errorType: 'migration_failed', severity: 'critical' },
    ]);
    this.system.setVersionInfo(
      '3.0.0-sim',
      (node.seed >>> 0).toString(16).padStart(8, '0'),
      new Date(node.startMs).toISOString().slice(0, 10),
    );
    for (const f of ENABLED_FEATURES) this.system.onFeatureToggle(f, true);
    this.system.onFeatureToggle('v3_enabled', node.rolloutPercent > 0);
  }
}
