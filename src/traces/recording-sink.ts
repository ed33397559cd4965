/**
 * The shape shared by the sinks that derive numbers from received spans (span metrics, per-operation series): a
 * {@link SpanSink} decorator that stores the spans through the inner sink first and records them only once they
 * are stored, so a refused request, retried by its sender, is recorded once. No I/O of its own.
 */
import type { SpanSink } from './receiver.ts';
import type { SpanRecord } from './span.ts';

/** Stores spans through `inner`, then hands them to {@link RecordingSpanSink.record}. */
export abstract class RecordingSpanSink implements SpanSink {
  constructor(private readonly inner: SpanSink) {}

  /** Stores the spans through the inner sink, then records them; @throws what the inner sink throws (nothing recorded). */
  async insertSpans(spans: readonly SpanRecord[]): Promise<number> {
    const n = await this.inner.insertSpans(spans);
    this.record(spans);
    return n;
  }

  /** Adds stored spans to what the sink derives from them. */
  abstract record(spans: readonly SpanRecord[]): void;
}
