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
 *
 * Besides the weak map, the memo keeps by position the frozen exposed set of the target's last scrape and its
 * labelled set (a target exposes its series in the same order on every scrape, as the scrape cache of the series
 * tracker relies on): a sample whose exposed set is the very object at its position takes the labelled set there
 * with one comparison instead of a weak-map lookup. A position only ever holds a pair the map holds too, and both
 * start over together, so the answer is the map's.
 * Bound: the map is weak (an entry lives only as long as its exposed label set, which the bounded series-text cache
 * holds); the positions are at most the samples of the target's last labelled scrape (cut to its length), which
 * the target's sample limit and body size bound.
 */
export class TargetLabelMemo {
  private map = new WeakMap<Labels, Labels>();
  private targetLabels: Labels | undefined;
  private honor = false;
  private checked: unknown;
  private exposedAt: (Labels | undefined)[] = [];
  private labelledAt: (Labels | undefined)[] = [];

  /**
   * The memo of `targetLabels` with `honor`: this memo's map, or a new one when they differ from the last call's.
   * `checked` names what every memoized labelled set has also passed (the scrape limits of `labelScraped`); a
   * different value starts over too (the positions as well).
   */
  mapFor(targetLabels: Labels, honor: boolean, checked?: unknown): WeakMap<Labels, Labels> {
    if (targetLabels !== this.targetLabels || honor !== this.honor || checked !== this.checked) {
      this.map = new WeakMap();
      this.exposedAt = [];
      this.labelledAt = [];
      this.targetLabels = targetLabels;
      this.honor = honor;
      this.checked = checked;
    }
    return this.map;
  }

  /**
   * Starts a scrape of `n` samples (after {@link mapFor}): positions past `n` are dropped.
   */
  beginPositions(n: number): void {
    if (this.exposedAt.length > n) {
      this.exposedAt.length = n;
      this.labelledAt.length = n;
    }
  }

  /** The labelled set remembered at position `i` when `exposed` is the exposed set there, else undefined. */
  atPosition(i: number, exposed: Labels): Labels | undefined {
    return this.exposedAt[i] === exposed ? this.labelledAt[i] : undefined;
  }

  /**
   * Remembers at position `i` the frozen exposed set and the labelled set the map holds for it, or (both
   * undefined) that position `i` holds none. Called for every position in order, so the arrays stay dense; a call
   * past the end of the arrays is ignored.
   */
  rememberPosition(i: number, exposed: Labels | undefined, labelled: Labels | undefined): void {
    if (i > this.exposedAt.length) return;
    this.exposedAt[i] = exposed;
    this.labelledAt[i] = labelled;
  }

  /** Positions held (for the bound's test). */
  get positions(): number {
    return this.exposedAt.length;
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
