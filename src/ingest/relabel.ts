/**
 * Target labels on scraped samples, as Prometheus' scrape loop attaches them: every sample gets the target's
 * labels (`job`, `instance`, configured labels); an exposed label that clashes with a target label is kept as
 * `exported_<name>` (`honor_labels: false`, the default), or with `honor_labels: true` the exposed label wins and
 * an exposed empty value removes the label.
 * @see https://prometheus.io/docs/prometheus/latest/configuration/configuration/#scrape_config (honor_labels)
 */
import type { Labels, Sample } from '../model/sample.ts';

/**
 * The labelled label sets of one target, by the exposed label-set object they were made from, for exposed label
 * sets that are frozen: the parser's series-text cache (series-text-cache.ts) hands out the same frozen object for
 * an unchanged series on every scrape, so its labelled set is made once and is then the same (frozen) object on
 * every scrape too. Only valid for one pair of target labels and `honor` (checked; a different pair starts over).
 * Bound: weak, an entry lives only as long as its exposed label set (which the bounded series-text cache holds).
 */
export class TargetLabelMemo {
  private map = new WeakMap<Labels, Labels>();
  private targetLabels: Labels | undefined;
  private honor = false;
  private checked: unknown;

  /**
   * The memo of `targetLabels` with `honor`: this memo's map, or a new one when they differ from the last call's.
   * `checked` names what every memoized labelled set has also passed (the scrape limits of `labelScraped`); a
   * different value starts over too.
   */
  mapFor(targetLabels: Labels, honor: boolean, checked?: unknown): WeakMap<Labels, Labels> {
    if (targetLabels !== this.targetLabels || honor !== this.honor || checked !== this.checked) {
      this.map = new WeakMap();
      this.targetLabels = targetLabels;
      this.honor = honor;
      this.checked = checked;
    }
    return this.map;
  }
}

/**
 * New samples (same order) carrying `targetLabels`; see the module comment. The input samples are not changed.
 * With `memo`, a sample whose labels are frozen gets the labelled set made for the same labels object before
 * ({@link TargetLabelMemo}).
 * Cost: O(samples × labels); one new label object per sample (per new frozen label set with `memo`).
 */
export function applyTargetLabels(
  samples: readonly Sample[],
  targetLabels: Labels,
  honor: boolean,
  memo?: TargetLabelMemo,
): Sample[] {
  const out: Sample[] = new Array<Sample>(samples.length);
  const tKeys = Object.keys(targetLabels);
  const known = memo?.mapFor(targetLabels, honor);
  for (let i = 0; i < samples.length; i++) {
    const s = samples[i]!;
    if (known !== undefined && Object.isFrozen(s.labels)) {
      let labels = known.get(s.labels);
      if (labels === undefined) {
        labels = Object.freeze(labelled(s.labels, targetLabels, tKeys, honor));
        known.set(s.labels, labels);
      }
      out[i] = { name: s.name, labels, value: s.value, timestampMs: s.timestampMs };
      continue;
    }
    out[i] = {
      name: s.name,
      labels: labelled(s.labels, targetLabels, tKeys, honor),
      value: s.value,
      timestampMs: s.timestampMs,
    };
  }
  return out;
}

/** The exposed labels `exposed` with the target labels attached (see the module comment). */
export function labelled(
  exposed: Labels,
  targetLabels: Labels,
  tKeys: readonly string[],
  honor: boolean,
): Record<string, string> {
  const labels: Record<string, string> = {};
  if (honor) {
    for (let j = 0; j < tKeys.length; j++)
      if (exposed[tKeys[j]!] === undefined) labels[tKeys[j]!] = targetLabels[tKeys[j]!]!;
    for (const k in exposed) if (exposed[k] !== '') labels[k] = exposed[k]!;
    return labels;
  }
  for (const k in exposed) {
    const v = exposed[k]!;
    if (targetLabels[k] !== undefined) labels['exported_' + k] = v;
    else labels[k] = v;
  }
  for (let j = 0; j < tKeys.length; j++) labels[tKeys[j]!] = targetLabels[tKeys[j]!]!;
  return labels;
}
