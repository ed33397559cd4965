/**
 * OpenTelemetry tracing helpers for DWCP (inventory 6.6: the original traced migrations and component
 * operations). Built on @opentelemetry/sdk-trace-node 2.x; attribute names follow the OTel semantic
 * conventions where one exists (`service.name`, `network.transport`, `error.type`, `source.address`,
 * `destination.address`) and use a `dwcp.` prefix otherwise.
 */
import { SpanStatusCode, type Span, type Tracer } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, SimpleSpanProcessor, type SpanExporter } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import {
  ATTR_ERROR_TYPE,
  ATTR_NETWORK_TRANSPORT,
  ATTR_SERVICE_NAME,
} from '@opentelemetry/semantic-conventions';
import { InvalidInputError } from '../errors.ts';
import { isComponent, isMode, type Component, type Mode } from '../model/dwcp.ts';
import { ATTR_DWCP_COMPONENT, ATTR_DWCP_MODE, ATTR_DWCP_VM_ID } from '../model/trace-attributes.ts';

/**
 * `source.address` / `destination.address` of the OTel semantic conventions (still "development" status, so
 * copied here as the semantic-conventions package recommends instead of importing the incubating entry).
 */
export const ATTR_SOURCE_ADDRESS = 'source.address';
export const ATTR_DESTINATION_ADDRESS = 'destination.address';
export const ATTR_DWCP_OPERATION = 'dwcp.operation';

export interface TracingOptions {
  /** `service.name` of the resource. */
  readonly serviceName: string;
  /** Where spans go (OTLP exporter in production, InMemorySpanExporter in tests). */
  readonly exporter: SpanExporter;
  /** Export each span when it ends (tests) instead of batching; default false. */
  readonly simple?: boolean;
  /** Register as the global provider with the AsyncLocalStorage context manager; default true. */
  readonly register?: boolean;
}

/** A tracer provider plus the DWCP span helpers. */
export class DwcpTracing {
  readonly provider: NodeTracerProvider;
  readonly tracer: Tracer;

  /** @throws InvalidInputError when serviceName is empty. */
  constructor(options: TracingOptions) {
    if (!options.serviceName) throw new InvalidInputError('serviceName must not be empty');
    const processor = options.simple
      ? new SimpleSpanProcessor(options.exporter)
      : new BatchSpanProcessor(options.exporter);
    this.provider = new NodeTracerProvider({
      resource: resourceFromAttributes({ [ATTR_SERVICE_NAME]: options.serviceName }),
      spanProcessors: [processor],
    });
    if (options.register ?? true) this.provider.register();
    this.tracer = this.provider.getTracer('dwcp-monitor');
  }

  /**
   * Runs `fn` inside an active span `dwcp.migration` with the VM id, source and destination node, mode and the
   * transport (`rdma` in datacenter mode, else `tcp`). A throw marks the span ERROR with `error.type` and is
   * rethrown. Returns what `fn` returns.
   * @throws InvalidInputError on an empty id/node or unknown mode (before `fn` runs).
   */
  traceMigration<T>(
    vmId: string,
    source: string,
    dest: string,
    mode: Mode,
    fn: (span: Span) => Promise<T> | T,
  ): Promise<T> {
    if (!vmId || !source || !dest) throw new InvalidInputError('vmId, source and dest must be non-empty');
    if (!isMode(mode)) throw new InvalidInputError(`unknown mode ${String(mode)}`);
    return this.run(
      'dwcp.migration',
      {
        [ATTR_DWCP_VM_ID]: vmId,
        [ATTR_SOURCE_ADDRESS]: source,
        [ATTR_DESTINATION_ADDRESS]: dest,
        [ATTR_DWCP_MODE]: mode,
        [ATTR_NETWORK_TRANSPORT]: mode === 'datacenter' ? 'rdma' : 'tcp',
      },
      fn,
    );
  }

  /**
   * Runs `fn` inside an active span `dwcp.<component>.<op>` (e.g. `dwcp.hde.compress`), nested under the
   * current span if any.
   * @throws InvalidInputError on an unknown component or empty operation.
   */
  traceComponent<T>(component: Component, op: string, fn: (span: Span) => Promise<T> | T): Promise<T> {
    if (!isComponent(component)) throw new InvalidInputError(`unknown component ${String(component)}`);
    if (!op) throw new InvalidInputError('operation must not be empty');
    return this.run(
      `dwcp.${component}.${op}`,
      { [ATTR_DWCP_COMPONENT]: component, [ATTR_DWCP_OPERATION]: op },
      fn,
    );
  }

  /** Flushes and shuts the provider down. */
  shutdown(): Promise<void> {
    return this.provider.shutdown();
  }

  private run<T>(
    name: string,
    attributes: Record<string, string>,
    fn: (span: Span) => Promise<T> | T,
  ): Promise<T> {
    return this.tracer.startActiveSpan(name, { attributes }, async (span) => {
      try {
        const out = await fn(span);
        span.setStatus({ code: SpanStatusCode.OK });
        return out;
      } catch (e) {
        const err = e instanceof Error ? e : new Error(String(e));
        span.recordException(err);
        span.setAttribute(
          ATTR_ERROR_TYPE,
          (err as { code?: unknown }).code !== undefined
            ? String((err as { code?: unknown }).code)
            : err.name,
        );
        span.setStatus({ code: SpanStatusCode.ERROR, message: err.message });
        throw e;
      } finally {
        span.end();
      }
    });
  }
}
