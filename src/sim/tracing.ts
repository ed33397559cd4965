/**
 * Tracing of a simulated cluster: one {@link NodeTracing} per node (its own resource and exporter), and the sink
 * the migration drivers call for each migration: the source node records its side and hands the W3C
 * `traceparent` to the destination node, which records its side under it — so a migration between regions is
 * one trace with spans from two services.
 */
import type { SpanExporter } from '@opentelemetry/sdk-trace-base';
import { InvalidInputError } from '../errors.ts';
import type { HeadSamplerName } from '../sdk/head-sampler.ts';
import { NodeTracing, type MigrationTraceInput, type TraceCarrier } from '../sdk/migration-tracing.ts';

/** Receives every migration a node runs; returns the trace context the source handed over, when traced. */
export type MigrationTraceSink = (m: MigrationTraceInput) => TraceCarrier | undefined;

/** Options of {@link ClusterTracing}. */
export interface ClusterTracingOptions {
  /** The exporter of one node (each node gets its own, as separate processes would). */
  readonly exporter: (nodeId: string) => SpanExporter;
  /** Head sampling ratio 0..1 of the nodes' tracers; default 1. */
  readonly sampleRatio?: number;
  /** Head sampler of the nodes' tracers; default `parentbased_traceidratio`. */
  readonly sampler?: HeadSamplerName;
  /** Export each span when it ends instead of batching (tests); default false. */
  readonly simple?: boolean;
}

/** The tracers of a cluster's nodes. */
export class ClusterTracing {
  private readonly byNode = new Map<string, NodeTracing>();
  /** Calls the source's and then the destination's tracer; migrations of unknown nodes are not traced. */
  readonly sink: MigrationTraceSink;

  /** @throws InvalidInputError on duplicate node ids or a bad sample ratio. */
  constructor(
    nodes: readonly { readonly id: string; readonly region: string }[],
    opts: ClusterTracingOptions,
  ) {
    for (const n of nodes) {
      if (this.byNode.has(n.id)) throw new InvalidInputError(`duplicate node id ${n.id}`);
      this.byNode.set(
        n.id,
        new NodeTracing({
          nodeId: n.id,
          region: n.region,
          exporter: opts.exporter(n.id),
          ...(opts.sampleRatio !== undefined ? { sampleRatio: opts.sampleRatio } : {}),
          ...(opts.sampler !== undefined ? { sampler: opts.sampler } : {}),
          ...(opts.simple !== undefined ? { simple: opts.simple } : {}),
        }),
      );
    }
    this.sink = (m) => this.record(m);
  }

  /** Traces one migration on its source and destination; returns the carrier the source handed over (undefined for an unknown source). */
  record(m: MigrationTraceInput): TraceCarrier | undefined {
    const source = this.byNode.get(m.sourceNode);
    if (!source) return undefined;
    const carrier = source.traceSource(m);
    this.byNode.get(m.destinationNode)?.traceDestination(carrier, m);
    return carrier;
  }

  /** Exports the spans ended so far on every node. */
  async forceFlush(): Promise<void> {
    await Promise.all([...this.byNode.values()].map((t) => t.forceFlush()));
  }

  /**
   * Flushes and shuts every node's tracer down. Never rejects: a node whose last spans cannot be exported (its
   * endpoint is gone) is reported through `warn`, so stopping a cluster always completes.
   */
  async shutdown(warn: (message: string) => void): Promise<void> {
    const ids = [...this.byNode.keys()];
    const results = await Promise.allSettled([...this.byNode.values()].map((t) => t.shutdown()));
    results.forEach((r, i) => {
      if (r.status === 'rejected')
        warn(
          `tracing of ${ids[i]}: the last spans were not exported (${(r.reason as Error)?.message ?? String(r.reason)})`,
        );
    });
  }
}
