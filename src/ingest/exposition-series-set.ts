/**
 * The duplicate-series bookkeeping of one parsed exposition (exposition.ts): the set of series keys seen, and the
 * canonical key of a sample whose raw text cannot serve as its key.
 */
import { escapeLabelValue, seriesKey, type Labels } from '../model/sample.ts';
import { seriesTextHash, type SeriesTextEntry } from './series-text-cache.ts';

/**
 * The set of series keys seen in one exposition, keyed by a 32-bit FNV-1a hash of the key text computed here over
 * the char codes. The first key of each hash sits in an open-addressing table of typed arrays (linear probing), as
 * a reference (the cache entry whose series text it is, or the string and range it is read from): no substring and
 * no map entry is made per line (a `Map` keyed by the hash allocated ~86 bytes per sample line in the measured
 * window: its tables growing and a boxed key per hash outside the small-integer range). Exact: a hash already
 * present is confirmed by comparing the texts; distinct keys with equal hashes go to `collided`.
 *
 * The table's columns are reused from one parse to the next: a set takes the kept table (a set made while another
 * holds it gets a fresh one) and gives it back with {@link release}; a slot belongs to a set only while it carries
 * the set's generation, so nothing is cleared between parses. Bounds: one kept table, and columns of more than
 * {@link KEPT_SLOTS} slots are not kept.
 * Size: one reference per distinct series of the exposition.
 */
export class SeriesSet {
  private readonly gen: number;
  /** The round of generations `gen` belongs to. */
  private readonly round: number;
  private t: SeriesTable;
  /**
   * The first key of each hash: the cache entry, or the string its text is read from (`starts`/`ends`); the
   * first `count` entries are this set's (the array is reused from set to set like the table, written by index).
   */
  private readonly owners: (string | SeriesTextEntry | undefined)[];
  private count = 0;
  private readonly collided = new Set<string>();

  constructor() {
    if (generation === MAX_GENERATION) {
      // Generations start over: no slot of the kept table may look like one of the new ones, and tables held by sets
      // of the earlier round are not kept.
      generation = 0;
      round++;
      kept?.gens.fill(0);
    }
    this.gen = ++generation;
    this.round = round;
    this.t = kept ?? newTable(MIN_SLOTS);
    kept = undefined;
    this.owners = keptOwners ?? [];
    keptOwners = undefined;
  }

  /** Gives the table back for the next set (when within the bound); the set must not be used after it. */
  release(): void {
    if (this.t.gens.length <= KEPT_SLOTS && this.round === round) kept = this.t;
    if (this.owners.length <= KEPT_SLOTS >> 1) {
      // no reference kept to this exposition's text (an owner string may be the whole scraped body)
      this.owners.fill(undefined, 0, this.count);
      keptOwners = this.owners;
    }
  }

  /** Adds the key `s.slice(start, end)`; returns false when it was already present. */
  addRange(s: string, start: number, end: number): boolean {
    const h = seriesTextHash(s, start, end);
    const slot = this.find(h);
    if (slot >= 0) return this.addCollided(this.keyAt(this.t.slots[slot]! - 1), s.slice(start, end));
    const i = this.insert(~slot, h, s);
    this.t.starts[i] = start;
    this.t.ends[i] = end;
    return true;
  }

  /** Adds the key `e.series` (a cached line's series text, with its hash); returns false when it was already present. */
  addEntry(e: SeriesTextEntry): boolean {
    const slot = this.find(e.hash);
    if (slot >= 0) return this.addCollided(this.keyAt(this.t.slots[slot]! - 1), e.series);
    this.insert(~slot, e.hash, e);
    return true;
  }

  /** Distinct hashes held (the table's size). */
  get size(): number {
    return this.count;
  }

  /** The slot holding hash `h` in this set's generation, or `~slot` of the empty slot where it would go. */
  private find(h: number): number {
    const t = this.t;
    const mask = t.gens.length - 1;
    for (let slot = h & mask; ; slot = (slot + 1) & mask) {
      if (t.gens[slot] !== this.gen) return ~slot;
      if (t.hashes[slot] === h) return slot;
    }
  }

  /** Puts the key of hash `h` into empty slot `slot`; returns its index in the key columns. */
  private insert(slot: number, h: number, owner: string | SeriesTextEntry): number {
    const i = this.count++;
    this.owners[i] = owner;
    const t = this.t;
    t.gens[slot] = this.gen;
    t.hashes[slot] = h;
    t.slots[slot] = i + 1;
    if (2 * this.count >= t.gens.length) this.grow();
    return i;
  }

  /** The text of key `i`. */
  private keyAt(i: number): string {
    const o = this.owners[i]!;
    return typeof o === 'string' ? o.slice(this.t.starts[i], this.t.ends[i]) : o.series;
  }

  /** Doubles the table (rehashing this set's keys). */
  private grow(): void {
    const old = this.t;
    const t = newTable(2 * old.gens.length);
    const mask = t.gens.length - 1;
    for (let s = 0; s < old.gens.length; s++) {
      if (old.gens[s] !== this.gen) continue;
      let slot = old.hashes[s]! & mask;
      while (t.gens[slot] === this.gen) slot = (slot + 1) & mask;
      t.gens[slot] = this.gen;
      t.hashes[slot] = old.hashes[s]!;
      t.slots[slot] = old.slots[s]!;
    }
    t.starts.set(old.starts.subarray(0, this.count));
    t.ends.set(old.ends.subarray(0, this.count));
    this.t = t;
  }

  private addCollided(first: string, key: string): boolean {
    if (first === key || this.collided.has(key)) return false;
    this.collided.add(key);
    return true;
  }
}

/** Slots of a fresh table (a power of two). */
const MIN_SLOTS = 4096;
/** A table larger than this many slots (12 bytes each, plus 8 per key) is not kept for the next parse. */
export const KEPT_SLOTS = 1 << 17;

/** The columns of an open-addressing table of hashes: slot → generation, hash, 1 + key index; key → range. */
interface SeriesTable {
  readonly gens: Int32Array;
  readonly hashes: Int32Array;
  readonly slots: Int32Array;
  /** Per key index (up to half the slots): the range of its text in its owner string. */
  readonly starts: Int32Array;
  readonly ends: Int32Array;
}

function newTable(slots: number): SeriesTable {
  return {
    gens: new Int32Array(slots),
    hashes: new Int32Array(slots),
    slots: new Int32Array(slots),
    starts: new Int32Array(slots >> 1),
    ends: new Int32Array(slots >> 1),
  };
}

/** The table the next set takes (undefined while a set holds it, or after one outgrew the bound). */
let kept: SeriesTable | undefined;
/** The owner array the next set takes (emptied of references; undefined while a set holds it). */
let keptOwners: (string | SeriesTextEntry | undefined)[] | undefined;
/** The last generation before they start over (an Int32Array holds it). */
const MAX_GENERATION = 0x7fffffff;
/** Times the generations started over. */
let round = 0;
/** Generations handed out so far (a set's slots carry its generation; 0 is never one). */
let generation = 0;

/**
 * The kept owner array: its length and how many of its entries still reference a key (0 when none is kept, or
 * when every set gave its references up: for the test that a kept array keeps no scraped body alive).
 */
export function keptSeriesOwners(): { readonly length: number; readonly held: number } {
  return { length: keptOwners?.length ?? 0, held: keptOwners?.filter((o) => o !== undefined).length ?? 0 };
}

/** The slots of the table kept for the next set (0 when none: for tests of the bound). */
export function keptSeriesSlots(): number {
  return kept?.gens.length ?? 0;
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
