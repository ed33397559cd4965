/**
 * Target labels and the per-target label limits of one scrape in one pass (relabel.ts, scrape-limits.ts): the
 * labelled set of an unchanged series (a frozen exposed label set from the parser's series-text cache) is made
 * and checked against the limits once, then reused on every scrape; only new series are labelled and checked.
 * Samples the scraper owns (freshly parsed) get their labels replaced in place instead of being copied.
 */
import type { Labels, Sample } from '../model/sample.ts';
import type { ScrapeLimits } from '../model/scrape-limits.ts';
import { labelled, type TargetLabelMemo } from './relabel.ts';
import { labelLimitFailure, limitsLabels, sampleLimitFailure } from './scrape-limits.ts';
import type { ScrapeFailure } from './scrape-outcome.ts';

/**
 * The scraped samples with `targetLabels` attached (as `applyTargetLabels`), or the failure of the first limit
 * they break (the same as `checkScrapeLimits` over the labelled samples: the sample limit, then the first sample
 * in order over a label limit).
 * @param owned the samples belong to the caller (freshly parsed): they are labelled in place and returned;
 *   otherwise (an in-process source's samples) new samples are made and the input is left unchanged.
 * @param memo the target's memo; each memoized labelled set has passed `limits` (the memo starts over when the
 *   target labels, `honor` or `limits` differ from its last use).
 * Cost: O(samples) for series seen before (one comparison each when the series keeps its position in the
 *   target's exposition, else one weak-map lookup); O(labels) more for a new series.
 */
export function labelScraped(
  samples: Sample[],
  targetLabels: Labels,
  honor: boolean,
  memo: TargetLabelMemo,
  limits: ScrapeLimits,
  owned: boolean,
): Sample[] | ScrapeFailure {
  const tooMany = sampleLimitFailure(samples.length, limits);
  if (tooMany !== null) return tooMany;
  const check = limitsLabels(limits);
  const tKeys = Object.keys(targetLabels);
  const known = memo.mapFor(targetLabels, honor, limits);
  memo.beginPositions(samples.length);
  const out = owned ? samples : new Array<Sample>(samples.length);
  for (let i = 0; i < samples.length; i++) {
    const s = samples[i]!;
    let labels = memo.atPosition(i, s.labels);
    if (labels === undefined) {
      const frozen = Object.isFrozen(s.labels);
      labels = frozen ? known.get(s.labels) : undefined;
      if (labels === undefined) {
        const made = labelled(s.labels, targetLabels, tKeys, honor);
        const f = check ? labelLimitFailure(s.name, made, limits) : null;
        if (f !== null) return f;
        labels = frozen ? Object.freeze(made) : made;
        if (frozen) known.set(s.labels, labels);
      }
      if (frozen) memo.rememberPosition(i, s.labels, labels);
      else memo.rememberPosition(i, undefined, undefined);
    }
    if (owned) (s as { labels: Labels }).labels = labels;
    else out[i] = { name: s.name, labels, value: s.value, timestampMs: s.timestampMs };
  }
  return out;
}
