/**
 * Composition of the span receiver for `startMonitor`: the trace API over the span store, with tail sampling as the
 * configuration's `traces.tailSampling` section sets it. Wiring only.
 */
import type { Registry } from 'prom-client';
import type { MonitorConfig } from '../config.ts';
import { DEFAULT_TAIL_SAMPLER_OPTIONS } from '../traces/sampling/tail-sampler.ts';
import type { TraceStore } from '../traces/store/trace-store.ts';
import { TraceApi } from '../traces/trace-api.ts';

/**
 * The trace API of the monitor, or undefined when traces are off (no span store).
 * Request bodies are limited to `traces.maxBodyBytes` (bytes), decompressed to four times that.
 */
export function buildTraceApi(
  config: MonitorConfig,
  traceStore: TraceStore | undefined,
  registry: Registry,
): TraceApi | undefined {
  if (!traceStore) return undefined;
  const ts = config.traces.tailSampling;
  return new TraceApi(traceStore, {
    registry,
    limits: {
      maxBodyBytes: config.traces.maxBodyBytes,
      maxDecompressedBytes: 4 * config.traces.maxBodyBytes,
    },
    ...(ts.enabled
      ? {
          tailSampling: {
            ...DEFAULT_TAIL_SAMPLER_OPTIONS,
            decisionWaitMs: ts.decisionWait,
            maxTraces: ts.maxTraces,
            maxSpans: ts.maxSpans,
            maxBytes: ts.maxBytes,
            maxSpansPerTrace: ts.maxSpansPerTrace,
            latencyThresholdUs: ts.latencyThreshold === undefined ? undefined : ts.latencyThreshold * 1000,
            latencyQuantile: ts.latencyQuantile,
            attributes: ts.attributes,
            probability: ts.probability,
            adaptive: ts.adaptive,
            spansPerSecond: ts.spansPerSecond,
            adaptIntervalMs: ts.adaptInterval,
          },
        }
      : {}),
  });
}
