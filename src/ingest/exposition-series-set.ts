/**
 * The duplicate-series bookkeeping of one parsed exposition (exposition.ts): the set of series keys seen, and the
 * canonical key of a sample whose raw text cannot serve as its key.
 */
import { escapeLabelValue, seriesKey, type Labels } from '../model/sample.ts';
import { seriesTextHash, type SeriesTextEntry } from './series-text-cache.ts';

/** The first key of one hash in a {@link SeriesSet}: its text or the cache entry whose series text it is, and the parse it was added in. */
interface Slot {
  /** The {@link SeriesSet.begin} count of the parse that last added a key of this hash. */
  gen: number;
  key: string | SeriesTextEntry;
}

/** Fresh copy of `s` (a slice keeps the whole scraped body alive; a set reused between parses must not). */
function ownString(s: string): string {
  return JSON.parse(JSON.stringify(s)) as string;
}

/**
 * The set of series keys seen in one exposition, keyed by a 32-bit FNV-1a hash of the key text computed
 * here over the char codes (no substring is created unless the hash is new or collides). Most keys are
 * seen once, so the common path is one integer-keyed Map lookup instead of hashing a fresh substring in a
 * `Set<string>` (which measured about a third of the parse time). Exact: a hash already present is confirmed
 * by string comparison; distinct keys with equal hashes go to `collided`.
 *
 * Reusable (a target's set, kept with its series-text cache): each parse is one {@link begin} .. {@link end};
 * a slot of an earlier parse counts as absent and is taken over in place, so a body of the same series as the
 * last one inserts nothing into the map. Size: one slot per distinct hash of the last parse, plus at most as
 * many slots of earlier parses ({@link end} drops those beyond that, and at least {@link STALE_SLOTS_KEPT} are
 * allowed); keys kept between parses are the cache's entries or fresh copies, never slices of a body.
 */
export class SeriesSet {
  private readonly byHash = new Map<number, Slot>();
  private readonly collided = new Set<string>();
  private gen = 0;
  /** Slots added or taken over by the running parse. */
  private current = 0;
  /** Whether keys outlive the parse (the set is reused): then they are kept as fresh strings. */
  private readonly reused: boolean;

  /** @param reused whether the set is kept for later parses (see the class comment); default false. */
  constructor(reused = false) {
    this.reused = reused;
  }

  /** Slots held now (for the bound's test). */
  get size(): number {
    return this.byHash.size;
  }

  /** Starts a parse: every key added before counts as absent. */
  begin(): void {
    this.gen++;
    this.current = 0;
    this.collided.clear();
  }

  /** Ends a parse: drops slots of earlier parses beyond the bound (see the class comment) and the collided keys. */
  end(): void {
    this.collided.clear();
    if (this.byHash.size <= 2 * this.current + STALE_SLOTS_KEPT) return;
    for (const [h, slot] of this.byHash) if (slot.gen !== this.gen) this.byHash.delete(h);
  }

  /** Adds the key `s.slice(start, end)`; returns false when it was already present. */
  addRange(s: string, start: number, end: number): boolean {
    const h = seriesTextHash(s, start, end);
    const slot = this.byHash.get(h);
    if (slot === undefined) {
      const key = s.slice(start, end);
      this.byHash.set(h, { gen: this.gen, key: this.reused ? ownString(key) : key });
      this.current++;
      return true;
    }
    const key = s.slice(start, end);
    if (slot.gen !== this.gen) {
      slot.gen = this.gen;
      if (textOf(slot.key) !== key) slot.key = this.reused ? ownString(key) : key;
      this.current++;
      return true;
    }
    return this.addCollided(slot.key, key);
  }

  /** Adds the key `e.series` (a cached line's series text, with its hash); returns false when it was already present. */
  addEntry(e: SeriesTextEntry): boolean {
    const slot = this.byHash.get(e.hash);
    if (slot === undefined) {
      this.byHash.set(e.hash, { gen: this.gen, key: e });
      this.current++;
      return true;
    }
    if (slot.gen !== this.gen) {
      slot.gen = this.gen;
      slot.key = e;
      this.current++;
      return true;
    }
    if (slot.key === e) return false;
    return this.addCollided(slot.key, e.series);
  }

  private addCollided(first: string | SeriesTextEntry, key: string): boolean {
    if (textOf(first) === key || this.collided.has(key)) return false;
    this.collided.add(key);
    return true;
  }
}

/** Slots of earlier parses a reused {@link SeriesSet} may keep besides twice the last parse's (small bodies). */
export const STALE_SLOTS_KEPT = 64;

function textOf(k: string | SeriesTextEntry): string {
  return typeof k === 'string' ? k : k.series;
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
