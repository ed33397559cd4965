/**
 * Recorder for the seed-002 Phase 6 production metrics (inventory 1.3, production_metrics.go): migration
 * latency, throughput, errors, component health 0/1/2, resource utilisation, rollout progress, SLA
 * compliance and anomaly detections. Methods throw InvalidInputError on bad values.
 */
import type { Counter, Gauge, Histogram } from 'prom-client';
import { InvalidInputError } from '../errors.ts';
import { HEALTH, isMode, type HealthState, type Mode } from '../model/dwcp.ts';
import type { CatalogMetrics } from '../catalog/registry.ts';
import { inRange, nonEmpty, nonNegative } from './validate.ts';

export type ResourceType = 'cpu' | 'memory' | 'network' | 'disk';
export type SlaType = 'latency' | 'throughput' | 'error_rate';
export type ErrorSeverity = 'warning' | 'critical';

export interface ProductionLabels {
  /** Value of the `node` label of resource utilisation. */
  readonly node: string;
  /** Value of the `region` label of rollout progress. */
  readonly region: string;
}

/** Production recorder for one node. */
export class ProductionMetrics {
  private readonly labels: ProductionLabels;
  private readonly latency: Histogram<string>;
  private readonly throughputG: Gauge<string>;
  private readonly errors: Counter<string>;
  private readonly health: Gauge<string>;
  private readonly resources: Gauge<string>;
  private readonly rollout: Gauge<string>;
  /** The stage last reported by {@link rolloutProgress} (its series is removed when the stage changes). */
  private rolloutStage: string | undefined;
  private readonly sla: Gauge<string>;
  private readonly anomalies: Counter<string>;

  /** @param metrics a set created with the production catalog group. */
  constructor(metrics: CatalogMetrics, labels: ProductionLabels) {
    this.labels = { node: nonEmpty(labels.node, 'node'), region: nonEmpty(labels.region, 'region') };
    this.latency = metrics.histogram('dwcp_v3_migration_latency_seconds');
    this.throughputG = metrics.gauge('dwcp_v3_throughput_bytes_per_second');
    this.errors = metrics.counter('dwcp_v3_errors_total');
    this.health = metrics.gauge('dwcp_v3_component_health');
    this.resources = metrics.gauge('dwcp_v3_resource_utilization_percent');
    this.rollout = metrics.gauge('dwcp_v3_rollout_progress_percent');
    this.sla = metrics.gauge('dwcp_v3_sla_compliance');
    this.anomalies = metrics.counter('dwcp_v3_anomaly_detections_total');
  }

  /**
   * Exports 0 for the given error series and every anomaly_type x severity combination, so the series exist
   * before the first event.
   */
  initialize(errors: readonly { component: string; errorType: string; severity: ErrorSeverity }[]): void {
    for (const e of errors) this.error(e.component, e.errorType, e.severity, 0);
    for (const anomaly_type of ['latency', 'throughput'])
      for (const severity of ['warning', 'critical']) this.anomalies.inc({ anomaly_type, severity }, 0);
  }

  /**
   * Switchover downtime of one v3 migration in seconds: the pause the VM sees between its stop on the source and
   * its resume on the destination, as QEMU's query-migrate reports `downtime` (vmSize e.g. "small", "large").
   * Whole-migration time belongs in `dwcp_v3_migration_duration_seconds` (DwcpV3Collector.recordMigration).
   * @see https://www.qemu.org/docs/master/interop/qemu-qmp-ref.html (MigrationInfo.downtime)
   */
  migrationDowntime(r: {
    source: string;
    destination: string;
    vmSize: string;
    mode: Mode;
    seconds: number;
  }): void {
    if (!isMode(r.mode)) throw new InvalidInputError(`unknown mode ${String(r.mode)}`);
    this.latency.observe(
      {
        source: nonEmpty(r.source, 'source'),
        destination: nonEmpty(r.destination, 'destination'),
        vm_size: nonEmpty(r.vmSize, 'vm size'),
        mode: r.mode,
      },
      nonNegative(r.seconds, 'migration downtime'),
    );
  }

  /** Throughput in bytes per second for a component, direction and transport. */
  throughput(
    component: string,
    direction: 'tx' | 'rx',
    transport: 'rdma' | 'tcp',
    bytesPerSecond: number,
  ): void {
    if (direction !== 'tx' && direction !== 'rx')
      throw new InvalidInputError(`direction must be tx or rx, got ${String(direction)}`);
    if (transport !== 'rdma' && transport !== 'tcp')
      throw new InvalidInputError(`transport must be rdma or tcp, got ${String(transport)}`);
    this.throughputG.set(
      { component: nonEmpty(component, 'component'), direction, transport },
      nonNegative(bytesPerSecond, 'throughput'),
    );
  }

  /** One error (count `n`, default 1). */
  error(component: string, errorType: string, severity: ErrorSeverity, n = 1): void {
    if (severity !== 'warning' && severity !== 'critical')
      throw new InvalidInputError(`severity must be warning or critical, got ${String(severity)}`);
    this.errors.inc(
      {
        component: nonEmpty(component, 'component'),
        error_type: nonEmpty(errorType, 'error type'),
        severity,
      },
      nonNegative(n, 'error count'),
    );
  }

  /** Component health 0 down, 1 degraded, 2 healthy, for a protocol version label ("v1"/"v3"). */
  componentHealth(component: string, version: string, state: HealthState): void {
    if (!Object.hasOwn(HEALTH, state))
      throw new InvalidInputError(`health state must be healthy, degraded or down, got ${String(state)}`);
    this.health.set(
      { component: nonEmpty(component, 'component'), version: nonEmpty(version, 'version') },
      HEALTH[state],
    );
  }

  /** Resource utilisation of this node in percent (0..100). */
  resourceUtilisation(resource: ResourceType, percent: number): void {
    if (!['cpu', 'memory', 'network', 'disk'].includes(resource))
      throw new InvalidInputError(`unknown resource type ${String(resource)}`);
    this.resources.set(
      { resource_type: resource, node: this.labels.node },
      inRange(percent, 0, 100, 'utilisation percent'),
    );
  }

  /**
   * v3 rollout progress (0..100 percent) of the node's current stage in its region. When the stage changes, the
   * previous stage's series is removed, so the exposition shows only the stage the node is in.
   * @throws InvalidInputError for an empty stage or a percent outside 0..100.
   */
  rolloutProgress(stage: string, percent: number): void {
    const value = inRange(percent, 0, 100, 'rollout percent');
    const current = nonEmpty(stage, 'stage');
    if (this.rolloutStage !== undefined && this.rolloutStage !== current)
      this.rollout.remove({ stage: this.rolloutStage, region: this.labels.region });
    this.rolloutStage = current;
    this.rollout.set({ stage: current, region: this.labels.region }, value);
  }

  /** SLA compliance: 1 compliant, 0 violated. */
  slaCompliance(slaType: SlaType, metric: string, compliant: boolean): void {
    if (!['latency', 'throughput', 'error_rate'].includes(slaType))
      throw new InvalidInputError(`unknown sla type ${String(slaType)}`);
    this.sla.set({ sla_type: slaType, metric: nonEmpty(metric, 'sla metric') }, compliant ? 1 : 0);
  }

  /** An anomaly detected on the node (anomaly_type latency/throughput, severity warning/critical). */
  anomalyDetection(anomalyType: 'latency' | 'throughput', severity: ErrorSeverity): void {
    if (anomalyType !== 'latency' && anomalyType !== 'throughput')
      throw new InvalidInputError(`anomaly type must be latency or throughput, got ${String(anomalyType)}`);
    if (severity !== 'warning' && severity !== 'critical')
      throw new InvalidInputError(`severity must be warning or critical, got ${String(severity)}`);
    this.anomalies.inc({ anomaly_type: anomalyType, severity });
  }
}
