/**
 * A text-format or OpenMetrics parse in comparable form (test/unit/ingest): samples with their label names in order,
 * families with type and help, duplicates and exemplars — or the error's class and message when the parse throws.
 */
import { parseExposition, type ParseExpositionResult } from '../../src/ingest/exposition.ts';
import { parseOpenMetrics, type ParseOpenMetricsResult } from '../../src/ingest/openmetrics.ts';
import type { SeriesTextCache } from '../../src/ingest/series-text-cache.ts';

/** The outcome of `parse` (see the file comment); never throws. */
export function parseOutcome(parse: () => ParseExpositionResult | ParseOpenMetricsResult): unknown {
  try {
    const r = parse();
    return {
      samples: r.samples.map((s) => [s.name, Object.entries(s.labels), s.value, s.timestampMs]),
      families: [...r.families].map(([name, f]) => [name, f.type, f.help]),
      duplicates: r.duplicates,
      exemplars: 'exemplars' in r ? r.exemplars : undefined,
      invalidExemplars: 'invalidExemplars' in r ? r.invalidExemplars : undefined,
    };
  } catch (e) {
    return { error: (e as Error).constructor.name, message: (e as Error).message };
  }
}

/**
 * {@link parseOutcome} of `body` parsed as OpenMetrics (`om`) or in the text format, with a default timestamp of
 * 1,700,000,000,000 ms and the target's series-text `cache` when given.
 */
export function parseWith(
  body: string | readonly string[],
  om: boolean,
  cache: SeriesTextCache | undefined,
): unknown {
  const opts = { defaultTimestampMs: 1_700_000_000_000, ...(cache ? { seriesCache: cache } : {}) };
  return parseOutcome(() => (om ? parseOpenMetrics(body, opts) : parseExposition(body, opts)));
}
