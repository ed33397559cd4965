/**
 * Per-target scrape limits as Prometheus has them (`sample_limit`, `label_limit`, `label_name_length_limit`,
 * `label_value_length_limit` of a scrape config): a scrape over any of them fails as a whole — no sample of it is
 * kept, `up` is 0 and the target's last error names the limit — so an oversized or hostile target is visible and
 * every other target is untouched. 0 means no limit, as in Prometheus.
 *
 * @see https://prometheus.io/docs/prometheus/latest/configuration/configuration/#scrape_config
 */
import { LimitExceededError } from '../errors.ts';
import type { Labels, Sample } from '../model/sample.ts';
import type { ScrapeLimits } from '../model/scrape-limits.ts';
import type { ScrapeFailure } from './scrape-outcome.ts';

/** Characters of an offending name or value quoted in an error message at most. */
const QUOTE_MAX = 64;

function quote(s: string): string {
  return JSON.stringify(s.length > QUOTE_MAX ? `${s.slice(0, QUOTE_MAX)}…` : s);
}

const fail = (result: 'sample_limit' | 'label_limit', message: string): ScrapeFailure => ({
  result,
  error: new LimitExceededError(message),
});

/** The failure of a scrape of `count` samples over the sample limit, or null. */
export function sampleLimitFailure(count: number, limits: ScrapeLimits): ScrapeFailure | null {
  return limits.sampleLimit > 0 && count > limits.sampleLimit
    ? fail('sample_limit', `sample limit exceeded (${count} samples, limit: ${limits.sampleLimit})`)
    : null;
}

/** The failure of a sample `name` whose label set `labels` breaks a label limit, or null. */
export function labelLimitFailure(name: string, labels: Labels, limits: ScrapeLimits): ScrapeFailure | null {
  const { labelLimit, labelNameLengthLimit: nameMax, labelValueLengthLimit: valueMax } = limits;
  let n = 0;
  for (const k in labels) {
    n++;
    if (nameMax > 0 && k.length > nameMax) {
      return fail(
        'label_limit',
        `label_name_length_limit exceeded (metric: ${name}, label name: ${quote(k)}, length: ${k.length}, limit: ${nameMax})`,
      );
    }
    const v = labels[k]!;
    if (valueMax > 0 && v.length > valueMax) {
      return fail(
        'label_limit',
        `label_value_length_limit exceeded (metric: ${name}, label name: ${quote(k)}, value: ${quote(v)}, length: ${v.length}, limit: ${valueMax})`,
      );
    }
  }
  if (labelLimit > 0 && n > labelLimit) {
    return fail(
      'label_limit',
      `label_limit exceeded (metric: ${name}, number of labels: ${n}, limit: ${labelLimit})`,
    );
  }
  return null;
}

/** Whether `limits` bound labels at all (else no label set can break them). */
export function limitsLabels(limits: ScrapeLimits): boolean {
  return limits.labelLimit > 0 || limits.labelNameLengthLimit > 0 || limits.labelValueLengthLimit > 0;
}

/**
 * The failure of a scrape whose samples break a limit, or null when they are within every limit. Messages follow
 * Prometheus' ("sample limit exceeded", "label_limit exceeded (metric: ..., number of labels: N, limit: L)"),
 * with long names and values cut to 64 characters.
 * @param samples the scraped samples with target labels attached
 */
export function checkScrapeLimits(samples: readonly Sample[], limits: ScrapeLimits): ScrapeFailure | null {
  const tooMany = sampleLimitFailure(samples.length, limits);
  if (tooMany !== null || !limitsLabels(limits)) return tooMany;
  for (const s of samples) {
    const f = labelLimitFailure(s.name, s.labels, limits);
    if (f !== null) return f;
  }
  return null;
}
