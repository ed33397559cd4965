/** Fast canonical series keys for runs of samples of the same label shape (no I/O). */
import { escapeLabelValue, type Labels } from '../model/sample.ts';

const NEEDS_ESCAPE = /[\\"\n]/;

/**
 * Builds `seriesKey(name, labels)` (src/model/sample.ts; the same text, byte for byte) for a stream of samples,
 * reusing the sorted label-name order of the previous sample when the labels have the same names in the same
 * insertion order (scrape batches come in runs of one family), so the names are not sorted per sample. The key
 * is assembled with `Array.join`, which yields a flat string: the cache lookup then hashes it directly instead
 * of first flattening a `+`-concatenated rope (measured about 30 % faster key + lookup than `seriesKey`).
 * Holds only the label names of the last shape seen (bounded).
 */
export class SeriesKeyBuilder {
  private lastNames: string[] = [];
  private sorted: string[] = [];
  private parts: string[] = [];

  /** The canonical series key of `name` + `labels`. */
  key(name: string, labels: Labels): string {
    const last = this.lastNames;
    let n = 0;
    let same = true;
    for (const k in labels) {
      if (last[n] !== k) {
        same = false;
        break;
      }
      n++;
    }
    if (!same || n !== last.length) {
      this.lastNames = Object.keys(labels);
      this.sorted = this.lastNames.slice().sort();
      this.parts = new Array<string>(this.sorted.length + 1);
    }
    const sorted = this.sorted;
    const m = sorted.length;
    if (m === 0) return name;
    const parts = this.parts;
    let sep = name + '{';
    for (let i = 0; i < m; i++) {
      const k = sorted[i]!;
      const v = labels[k]!;
      parts[i] = sep + k + '="' + (NEEDS_ESCAPE.test(v) ? escapeLabelValue(v) : v) + '"';
      sep = ',';
    }
    parts[m] = '}';
    return parts.join('');
  }
}

/**
 * Whether a series key holds U+0000 (NUL) anywhere: in the metric name, a label name or a label value (the key
 * escapes only backslash, quote and newline, so a NUL of any part appears in it as is).
 */
export function hasNul(key: string): boolean {
  return key.includes('\u0000');
}
