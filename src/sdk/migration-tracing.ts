/**
 * Traces of VM migrations, one tracer provider per DWCP node (its own resource: `service.name`,
 * `service.instance.id`, `cloud.region`). A migration is one trace across two nodes: the source node records the
 * root span `dwcp.migration` and the phases it runs (ITP placement, ACP consensus, HDE encoding, AMST transfer
 * as a CLIENT span), then injects the transfer span's context as a W3C `traceparent` header; the destination
 * node extracts it and records a SERVER span `dwcp.migration.receive` with its phases (ASS sync, switchover).
 *
 * Migrations are recorded after the fact with explicit start/end times (the simulator draws a migration's
 * duration instead of running it), so no span is ever active in an async context. Phase durations are fixed
 * shares of the migration's duration ({@link MIGRATION_PHASE_SHARES}). Faults show as ERROR status with
 * `error.type` and an exception event, failed transfer attempts as extra `dwcp.amst.transfer` spans with
 * `dwcp.attempt`, and slow migrations as long spans.
 * @see https://www.w3.org/TR/trace-context/ (traceparent propagation)
 * @see https://opentelemetry.io/docs/specs/semconv/resource/ (service, cloud.region)
 */
import {
  defaultTextMapGetter,
  defaultTextMapSetter,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  type Attributes,
  type Context,
  type Span,
  type Tracer,
} from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  BasicTracerProvider,
  BatchSpanProcessor,
  SimpleSpanProcessor,
  type SpanExporter,
} from '@opentelemetry/sdk-trace-base';
import { InvalidInputError } from '../errors.ts';
import { isMode, type Mode } from '../model/dwcp.ts';
import { createHeadSampler, type HeadSamplerName } from './head-sampler.ts';
import {
  ATTR_CLOUD_REGION,
  ATTR_DWCP_ATTEMPT,
  ATTR_DWCP_BYTES,
  ATTR_DWCP_COMPONENT,
  ATTR_DWCP_DESTINATION_NODE,
  ATTR_DWCP_MODE,
  ATTR_DWCP_NODE_ID,
  ATTR_DWCP_REGION,
  ATTR_DWCP_SOURCE_NODE,
  ATTR_DWCP_VERSION,
  ATTR_DWCP_VM_ID,
  ATTR_DWCP_VM_SIZE,
  ATTR_ERROR_TYPE,
  ATTR_NETWORK_TRANSPORT,
  ATTR_SERVER_ADDRESS,
  ATTR_SERVICE_INSTANCE_ID,
  ATTR_SERVICE_NAME,
  ATTR_SERVICE_NAMESPACE,
} from '../model/trace-attributes.ts';

/** Instrumentation scope of the migration spans. */
export const MIGRATION_TRACER_NAME = 'dwcp-migration';
/** `service.name` of the simulated DWCP nodes. */
export const DWCP_NODE_SERVICE = 'dwcp-node';

/** The phases of a migration, in order, with the node that runs them. */
export const MIGRATION_PHASES = [
  'placement',
  'consensus',
  'encoding',
  'transfer',
  'sync',
  'switchover',
] as const;
export type MigrationPhase = (typeof MIGRATION_PHASES)[number];

/** Share of a migration's duration each phase takes (sum 1). The transfer span also covers sync and switchover. */
export const MIGRATION_PHASE_SHARES: Readonly<Record<MigrationPhase, number>> = {
  placement: 0.02,
  consensus: 0.03,
  encoding: 0.1,
  transfer: 0.75,
  sync: 0.07,
  switchover: 0.03,
};

/** Span name and DWCP component of each phase. */
const PHASE_SPAN: Readonly<Record<MigrationPhase, { name: string; component: string | undefined }>> = {
  placement: { name: 'dwcp.itp.placement', component: 'itp' },
  consensus: { name: 'dwcp.acp.consensus', component: 'acp' },
  encoding: { name: 'dwcp.hde.encode', component: 'hde' },
  transfer: { name: 'dwcp.amst.transfer', component: 'amst' },
  sync: { name: 'dwcp.ass.sync', component: 'ass' },
  switchover: { name: 'dwcp.migration.switchover', component: undefined },
};

/** Most failed transfer attempts recorded per migration. */
export const MAX_TRANSFER_RETRIES = 5;

/** One migration as the simulator drew it. */
export interface MigrationTraceInput {
  readonly vmId: string;
  /** small, medium, large. */
  readonly vmSize: string;
  readonly sourceNode: string;
  readonly destinationNode: string;
  readonly mode: Mode;
  readonly version: 'v1' | 'v3';
  /** Unix ms. */
  readonly startMs: number;
  /** > 0, ms. */
  readonly durationMs: number;
  /** Bytes transferred (after compression). */
  readonly bytes: number;
  /** False when the migration failed (at the destination's state sync). */
  readonly ok: boolean;
  /** Failed transfer attempts before the last one, 0..MAX_TRANSFER_RETRIES. */
  readonly retries: number;
}

/** The W3C trace-context headers one node sends another (`traceparent`, optionally `tracestate`). */
export type TraceCarrier = Record<string, string>;

/** Options of {@link NodeTracing}. */
export interface NodeTracingOptions {
  readonly nodeId: string;
  readonly region: string;
  /** `service.name`; default {@link DWCP_NODE_SERVICE}. */
  readonly serviceName?: string;
  /** `service.version` is not set; the protocol version is a span attribute (`dwcp.version`). */
  readonly exporter: SpanExporter;
  /** Head sampling: share 0..1 of new traces kept by the `*traceidratio` samplers; default 1. */
  readonly sampleRatio?: number;
  /** Head sampler (`OTEL_TRACES_SAMPLER` names); default `parentbased_traceidratio` (a destination follows its source). */
  readonly sampler?: HeadSamplerName;
  /** Export each span when it ends (tests) instead of batching; default false. */
  readonly simple?: boolean;
  /** Batch processor queue bound (spans beyond it are dropped by the SDK); default 2048. */
  readonly maxQueueSize?: number;
  /** How far this node's clock is off, ms: every span time it records is shifted by it (clock-skew tests); default 0. */
  readonly clockOffsetMs?: number;
}

const propagator = new W3CTraceContextPropagator();

/** When each phase of a migration runs, Unix ms: `[start, end]` pairs. */
export interface MigrationTimeline {
  readonly placement: readonly [number, number];
  readonly consensus: readonly [number, number];
  readonly encoding: readonly [number, number];
  /** Transfer attempts, failed ones first; the last attempt ends with the migration (it covers sync and switchover). */
  readonly attempts: readonly (readonly [number, number])[];
  readonly sync: readonly [number, number];
  readonly switchover: readonly [number, number];
}

/**
 * The phase times of a migration from {@link MIGRATION_PHASE_SHARES}: placement, consensus and encoding in turn,
 * then the transfer attempts sharing the data-transfer time equally, then sync and switchover on the destination
 * while the last transfer attempt is still open.
 */
export function migrationTimeline(
  m: Pick<MigrationTraceInput, 'startMs' | 'durationMs' | 'retries'>,
): MigrationTimeline {
  const s = MIGRATION_PHASE_SHARES;
  const at = (share: number): number => m.startMs + share * m.durationMs;
  const end = m.startMs + m.durationMs;
  const transferStart = at(s.placement + s.consensus + s.encoding);
  const syncStart = at(1 - s.sync - s.switchover);
  const switchStart = at(1 - s.switchover);
  const attemptMs = (syncStart - transferStart) / (m.retries + 1);
  const attempts: [number, number][] = [];
  for (let a = 0; a < m.retries; a++)
    attempts.push([transferStart + a * attemptMs, transferStart + (a + 1) * attemptMs]);
  attempts.push([transferStart + m.retries * attemptMs, end]);
  return {
    placement: [m.startMs, at(s.placement)],
    consensus: [at(s.placement), at(s.placement + s.consensus)],
    encoding: [at(s.placement + s.consensus), transferStart],
    attempts,
    sync: [syncStart, switchStart],
    switchover: [switchStart, end],
  };
}

function ms(t: number): Date {
  return new Date(t);
}

function fail(span: Span, type: string, message: string, atMs: number): void {
  span.setAttribute(ATTR_ERROR_TYPE, type);
  span.addEvent('exception', { 'exception.type': type, 'exception.message': message }, ms(atMs));
  span.setStatus({ code: SpanStatusCode.ERROR, message });
}

/**
 * The tracer of one DWCP node. Not registered globally (several nodes live in one simulator process).
 */
export class NodeTracing {
  readonly nodeId: string;
  readonly region: string;
  private readonly provider: BasicTracerProvider;
  private readonly tracer: Tracer;
  private readonly clockOffsetMs: number;

  /** @throws InvalidInputError on an empty node id or region, an unknown sampler or a sample ratio outside 0..1. */
  /** The migration as this node's (possibly offset) clock times it. */
  private local(m: MigrationTraceInput): MigrationTraceInput {
    return this.clockOffsetMs === 0 ? m : { ...m, startMs: m.startMs + this.clockOffsetMs };
  }

  constructor(opts: NodeTracingOptions) {
    if (!opts.nodeId || !opts.region) throw new InvalidInputError('nodeId and region must be non-empty');
    if (opts.clockOffsetMs !== undefined && !Number.isFinite(opts.clockOffsetMs))
      throw new InvalidInputError(`clock offset must be finite, got ${opts.clockOffsetMs}`);
    this.clockOffsetMs = opts.clockOffsetMs ?? 0;
    const sampler = createHeadSampler(opts.sampler ?? 'parentbased_traceidratio', opts.sampleRatio ?? 1);
    this.nodeId = opts.nodeId;
    this.region = opts.region;
    const processor = opts.simple
      ? new SimpleSpanProcessor(opts.exporter)
      : new BatchSpanProcessor(opts.exporter, { maxQueueSize: opts.maxQueueSize ?? 2048 });
    this.provider = new BasicTracerProvider({
      resource: resourceFromAttributes({
        [ATTR_SERVICE_NAME]: opts.serviceName ?? DWCP_NODE_SERVICE,
        [ATTR_SERVICE_NAMESPACE]: 'dwcp',
        [ATTR_SERVICE_INSTANCE_ID]: opts.nodeId,
        [ATTR_CLOUD_REGION]: opts.region,
      }),
      sampler,
      spanProcessors: [processor],
    });
    this.tracer = this.provider.getTracer(MIGRATION_TRACER_NAME);
  }

  private common(m: MigrationTraceInput): Attributes {
    return {
      [ATTR_DWCP_VM_ID]: m.vmId,
      [ATTR_DWCP_NODE_ID]: this.nodeId,
      [ATTR_DWCP_REGION]: this.region,
      [ATTR_DWCP_MODE]: m.mode,
      [ATTR_DWCP_VERSION]: m.version,
    };
  }

  private phase(
    parent: Context,
    phase: MigrationPhase,
    m: MigrationTraceInput,
    startMs: number,
    endMs: number,
    extra: Attributes = {},
    kind = SpanKind.INTERNAL,
  ): Span {
    const { name, component } = PHASE_SPAN[phase];
    return this.tracer.startSpan(
      name,
      {
        kind,
        startTime: ms(startMs),
        attributes: {
          ...this.common(m),
          ...(component ? { [ATTR_DWCP_COMPONENT]: component } : {}),
          ...extra,
        },
      },
      parent,
    );
  }

  /**
   * Records the source side of a migration (root span and the phases up to the transfer) and returns the
   * headers that carry the transfer span's context to the destination.
   * @throws InvalidInputError on a malformed migration (empty ids, unknown mode, non-positive duration,
   *   negative bytes, retries outside 0..MAX_TRANSFER_RETRIES)
   */
  traceSource(m0: MigrationTraceInput): TraceCarrier {
    validate(m0);
    const m = this.local(m0);
    const tl = migrationTimeline(m);
    const end = m.startMs + m.durationMs;
    const root = this.tracer.startSpan(
      'dwcp.migration',
      {
        kind: SpanKind.INTERNAL,
        startTime: ms(m.startMs),
        attributes: {
          ...this.common(m),
          [ATTR_DWCP_VM_SIZE]: m.vmSize,
          [ATTR_DWCP_SOURCE_NODE]: m.sourceNode,
          [ATTR_DWCP_DESTINATION_NODE]: m.destinationNode,
          [ATTR_DWCP_BYTES]: m.bytes,
        },
      },
      ROOT_CONTEXT,
    );
    const rootCtx = trace.setSpan(ROOT_CONTEXT, root);
    for (const p of ['placement', 'consensus', 'encoding'] as const)
      this.phase(rootCtx, p, m, tl[p][0], tl[p][1]).end(ms(tl[p][1]));
    const net: Attributes = {
      [ATTR_NETWORK_TRANSPORT]: m.mode === 'datacenter' ? 'rdma' : 'tcp',
      [ATTR_SERVER_ADDRESS]: m.destinationNode,
    };
    for (let a = 0; a < m.retries; a++) {
      const [from, to] = tl.attempts[a]!;
      const span = this.phase(
        rootCtx,
        'transfer',
        m,
        from,
        to,
        { ...net, [ATTR_DWCP_ATTEMPT]: a + 1 },
        SpanKind.CLIENT,
      );
      fail(span, 'timeout', `transfer attempt ${a + 1} to ${m.destinationNode} timed out`, to);
      span.end(ms(to));
    }
    const [last] = tl.attempts[m.retries]!;
    const transfer = this.phase(
      rootCtx,
      'transfer',
      m,
      last,
      end,
      { ...net, [ATTR_DWCP_ATTEMPT]: m.retries + 1, [ATTR_DWCP_BYTES]: m.bytes },
      SpanKind.CLIENT,
    );
    const carrier: TraceCarrier = {};
    propagator.inject(trace.setSpan(ROOT_CONTEXT, transfer), carrier, defaultTextMapSetter);
    if (!m.ok) {
      fail(transfer, 'migration_failed', `destination ${m.destinationNode} failed the migration`, end);
      fail(root, 'migration_failed', `migration of ${m.vmId} to ${m.destinationNode} failed`, end);
    } else {
      transfer.setStatus({ code: SpanStatusCode.OK });
      root.setStatus({ code: SpanStatusCode.OK });
    }
    transfer.end(ms(end));
    root.end(ms(end));
    return carrier;
  }

  /**
   * Records the destination side of a migration under the context received from the source: the SERVER span
   * `dwcp.migration.receive` (transfer received, then sync and switchover). A carrier without a valid
   * `traceparent` starts a new trace (as any W3C receiver does).
   * @throws InvalidInputError on a malformed migration (as {@link traceSource})
   */
  traceDestination(carrier: TraceCarrier, m0: MigrationTraceInput): void {
    validate(m0);
    const m = this.local(m0);
    const parent = propagator.extract(ROOT_CONTEXT, carrier, defaultTextMapGetter);
    const tl = migrationTimeline(m);
    const end = m.startMs + m.durationMs;
    const [transferStart] = tl.attempts[m.retries]!;
    const [syncStart, switchStart] = tl.sync;
    const receive = this.tracer.startSpan(
      'dwcp.migration.receive',
      {
        kind: SpanKind.SERVER,
        startTime: ms(transferStart),
        attributes: { ...this.common(m), [ATTR_DWCP_SOURCE_NODE]: m.sourceNode, [ATTR_DWCP_BYTES]: m.bytes },
      },
      parent,
    );
    const ctx = trace.setSpan(parent, receive);
    const sync = this.phase(ctx, 'sync', m, syncStart, switchStart);
    if (!m.ok) {
      fail(sync, 'state_sync_failed', `state sync of ${m.vmId} failed`, switchStart);
      sync.end(ms(switchStart));
      fail(receive, 'migration_failed', `migration of ${m.vmId} failed`, switchStart);
      receive.end(ms(switchStart));
      return;
    }
    sync.end(ms(switchStart));
    this.phase(ctx, 'switchover', m, switchStart, end).end(ms(end));
    receive.setStatus({ code: SpanStatusCode.OK });
    receive.end(ms(end));
  }

  /** Exports the spans ended so far. */
  forceFlush(): Promise<void> {
    return this.provider.forceFlush();
  }

  /** Flushes and shuts the provider (and its exporter) down. */
  shutdown(): Promise<void> {
    return this.provider.shutdown();
  }
}

function validate(m: MigrationTraceInput): void {
  if (!m.vmId || !m.sourceNode || !m.destinationNode)
    throw new InvalidInputError('vmId, sourceNode and destinationNode must be non-empty');
  if (!isMode(m.mode)) throw new InvalidInputError(`unknown mode ${String(m.mode)}`);
  if (!(m.durationMs > 0) || !Number.isFinite(m.startMs))
    throw new InvalidInputError(
      `migration needs a finite start and a duration > 0, got ${m.startMs}, ${m.durationMs}`,
    );
  if (!(m.bytes >= 0)) throw new InvalidInputError(`bytes must be >= 0, got ${m.bytes}`);
  if (!Number.isInteger(m.retries) || m.retries < 0 || m.retries > MAX_TRANSFER_RETRIES)
    throw new InvalidInputError(`retries must be an integer in 0..${MAX_TRANSFER_RETRIES}, got ${m.retries}`);
}
