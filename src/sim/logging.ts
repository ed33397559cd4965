/**
 * Logs of a simulated cluster: one {@link NodeLogging} per node (pino JSON lines shipped through the OTel logs
 * SDK), and the lines an operator expects from what the nodes do, at the simulator's event times: for each
 * migration the source logs its start, every transfer attempt that timed out and the retry, and the outcome
 * (an error when it failed); the destination logs the receive. Lines carry `trace_id`/`span_id` of the
 * migration's transfer span when the cluster is traced (taken from the W3C `traceparent` the source hands to
 * the destination), and a `component`. Mode switches are logged by the node that switched.
 * @see https://www.w3.org/TR/trace-context/#traceparent-header
 */
import type { LogRecordExporter } from '@opentelemetry/sdk-logs';
import { InvalidInputError } from '../errors.ts';
import type { Mode } from '../model/dwcp.ts';
import { migrationTimeline, type MigrationTraceInput, type TraceCarrier } from '../sdk/migration-tracing.ts';
import { NodeLogging } from '../sdk/node-logging.ts';

/** Options of {@link ClusterLogging}. */
export interface ClusterLoggingOptions {
  /** The log exporter of one node (each node gets its own, as separate processes would). */
  readonly exporter: (nodeId: string) => LogRecordExporter;
  /** Export each record when emitted instead of batching (tests); default false. */
  readonly simple?: boolean;
}

const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-[0-9a-f]{2}$/;

/** `{trace_id, span_id}` of a W3C carrier, or `{}` when it has no valid `traceparent`. */
export function traceFields(carrier: TraceCarrier | undefined): { trace_id?: string; span_id?: string } {
  const m = TRACEPARENT.exec(carrier?.['traceparent'] ?? '');
  return m ? { trace_id: m[1]!, span_id: m[2]! } : {};
}

/** The loggers of a cluster's nodes. */
export class ClusterLogging {
  private readonly byNode = new Map<string, NodeLogging>();
  /** Event time of the line being written, Unix ms (read by every node's pino `time`). */
  private nowMs = 0;

  /** @throws InvalidInputError on duplicate node ids. */
  constructor(
    nodes: readonly { readonly id: string; readonly region: string }[],
    opts: ClusterLoggingOptions,
  ) {
    for (const n of nodes) {
      if (this.byNode.has(n.id)) throw new InvalidInputError(`duplicate node id ${n.id}`);
      this.byNode.set(
        n.id,
        new NodeLogging({
          nodeId: n.id,
          region: n.region,
          exporter: opts.exporter(n.id),
          clock: () => this.nowMs,
          ...(opts.simple !== undefined ? { simple: opts.simple } : {}),
        }),
      );
    }
  }

  /** Logs one migration on its source and destination (see the module comment). */
  migration(m: MigrationTraceInput, carrier: TraceCarrier | undefined): void {
    const ids = traceFields(carrier);
    const fields = { vm_id: m.vmId, mode: m.mode, version: m.version, ...ids };
    const tl = migrationTimeline(m);
    const end = m.startMs + m.durationMs;
    const source = this.byNode.get(m.sourceNode)?.logger;
    if (source) {
      this.at(m.startMs);
      source.info(
        { ...fields, component: 'migration', destination: m.destinationNode, bytes: m.bytes },
        `migration of ${m.vmId} to ${m.destinationNode} started`,
      );
      for (let a = 0; a < m.retries; a++) {
        this.at(tl.attempts[a]![1]);
        source.warn(
          { ...fields, component: 'transport', attempt: a + 1 },
          `transfer attempt ${a + 1} to ${m.destinationNode} timed out, retrying`,
        );
      }
      this.at(end);
      if (m.ok)
        source.info(
          { ...fields, component: 'migration', duration_ms: Math.round(m.durationMs) },
          `migration of ${m.vmId} to ${m.destinationNode} completed`,
        );
      else
        source.error(
          { ...fields, component: 'migration', error_type: 'migration_failed' },
          `migration of ${m.vmId} to ${m.destinationNode} failed`,
        );
    }
    const dest = this.byNode.get(m.destinationNode)?.logger;
    if (dest) {
      this.at(tl.attempts[m.retries]![0]);
      dest.info(
        { ...fields, component: 'migration', source: m.sourceNode },
        `receiving ${m.vmId} from ${m.sourceNode}`,
      );
      if (!m.ok) {
        this.at(tl.sync[1]);
        dest.error(
          { ...fields, component: 'state_sync', error_type: 'state_sync_failed' },
          `state sync of ${m.vmId} failed`,
        );
      }
    }
  }

  /** Logs a node's network mode switch. */
  modeSwitch(nodeId: string, from: Mode, to: Mode, nowMs: number): void {
    this.at(nowMs);
    this.byNode
      .get(nodeId)
      ?.logger.info({ component: 'mode', from, to }, `network mode switched from ${from} to ${to}`);
  }

  /** Exports the records emitted so far on every node. */
  async forceFlush(): Promise<void> {
    await Promise.all([...this.byNode.values()].map((l) => l.forceFlush()));
  }

  /** Flushes and shuts every node's logger down; never rejects (failures go to `warn`). */
  async shutdown(warn: (message: string) => void): Promise<void> {
    const ids = [...this.byNode.keys()];
    const results = await Promise.allSettled([...this.byNode.values()].map((l) => l.shutdown()));
    results.forEach((r, i) => {
      if (r.status === 'rejected')
        warn(
          `logging of ${ids[i]}: the last records were not exported (${(r.reason as Error)?.message ?? String(r.reason)})`,
        );
    });
  }

  private at(ms: number): void {
    this.nowMs = ms;
  }
}
