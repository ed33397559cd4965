/**
 * Target labels on scraped samples, as Prometheus' scrape loop attaches them: every sample gets the target's
 * labels (`job`, `instance`, configured labels); an exposed label that clashes with a target label is kept as
 * `exported_<name>` (`honor_labels: false`, the default), or with `honor_labels: true` the exposed label wins and
 * an exposed empty value removes the label.
 * @see https://prometheus.io/docs/prometheus/latest/configuration/configuration/#scrape_config (honor_labels)
 */
import type { Labels, Sample } from '../model/sample.ts';

/**
 * New samples (same order) carrying `targetLabels`; see the module comment. The input samples are not changed.
 * Cost: O(samples × labels); one new label object per sample.
 */
export function applyTargetLabels(samples: readonly Sample[], targetLabels: Labels, honor: boolean): Sample[] {
  const out: Sample[] = new Array<Sample>(samples.length);
  const tKeys = Object.keys(targetLabels);
  for (let i = 0; i < samples.length; i++) {
    const s = samples[i]!;
    const labels: Record<string, string> = {};
    if (honor) {
      for (let j = 0; j < tKeys.length; j++) if (s.labels[tKeys[j]!] === undefined) labels[tKeys[j]!] = targetLabels[tKeys[j]!]!;
      for (const k in s.labels) if (s.labels[k] !== '') labels[k] = s.labels[k]!;
      out[i] = { name: s.name, labels, value: s.value, timestampMs: s.timestampMs };
      continue;
    }
    for (const k in s.labels) {
      const v = s.labels[k]!;
      if (targetLabels[k] !== undefined) labels['exported_' + k] = v;
      else labels[k] = v;
    }
    for (let j = 0; j < tKeys.length; j++) labels[tKeys[j]!] = targetLabels[tKeys[j]!]!;
    out[i] = { name: s.name, labels, value: s.value, timestampMs: s.timestampMs };
  }
  return out;
}
