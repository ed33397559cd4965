/**
 * The duplicate-series bookkeeping of one parsed exposition (exposition.ts): the set of series keys seen, and the
 * canonical key of a sample whose raw text cannot serve as its key.
 */
import { escapeLabelValue, seriesKey, type Labels } from '../model/sample.ts';
import { seriesTextHash, type SeriesTextEntry } from './series-text-cache.ts';

/**
 * The set of series keys seen in one exposition, keyed by a 32-bit FNV-1a hash of the key text computed
 * here over the char codes (no substring is created unless the hash is new or collides). Most keys are
 * seen once, so the common path is one integer-keyed Map lookup and insert instead of hashing a fresh
 * substring in a `Set<string>` (which measured about a third of the parse time). Exact: a hash already
 * present is confirmed by string comparison; distinct keys with equal hashes go to `collided`.
 * Size: one entry per distinct series of the exposition.
 */
export class SeriesSet {
  /** The first key of each hash: its text, or the cache entry whose series text it is. */
  private readonly byHash = new Map<number, string | SeriesTextEntry>();
  private readonly collided = new Set<string>();

  /** Adds the key `s.slice(start, end)`; returns false when it was already present. */
  addRange(s: string, start: number, end: number): boolean {
    const h = seriesTextHash(s, start, end);
    const first = this.byHash.get(h);
    if (first === undefined) {
      this.byHash.set(h, s.slice(start, end));
      return true;
    }
    return this.addCollided(first, s.slice(start, end));
  }

  /** Adds the key `e.series` (a cached line's series text, with its hash); returns false when it was already present. */
  addEntry(e: SeriesTextEntry): boolean {
    const first = this.byHash.get(e.hash);
    if (first === undefined) {
      this.byHash.set(e.hash, e);
      return true;
    }
    return this.addCollided(first, e.series);
  }

  private addCollided(first: string | SeriesTextEntry, key: string): boolean {
    if ((typeof first === 'string' ? first : first.series) === key || this.collided.has(key)) return false;
    this.collided.add(key);
    return true;
  }
}

/**
 * Duplicate key of a sample whose raw text cannot serve: `name{k="v",...}` in the name's first-seen label
 * order (the text a normalized sample would have), or, for a different label-name set, a marked sorted key.
 */
export function canonicalKey(
  name: string,
  labels: Labels,
  nLabels: number,
  order: readonly string[],
): string {
  if (nLabels === order.length && order.every((k) => labels[k] !== undefined)) {
    if (nLabels === 0) return name;
    let key = name + '{';
    for (let j = 0; j < order.length; j++)
      key += (j > 0 ? ',' : '') + order[j] + '="' + escapeLabelValue(labels[order[j]!]!) + '"';
    return key + '}';
  }
  return '\u0001' + seriesKey(name, labels);
}
