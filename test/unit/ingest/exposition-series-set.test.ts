/**
 * The parser's duplicate-series set (src/ingest/exposition-series-set.ts): an open-addressing table of hashes in
 * typed arrays shared between parses. It must answer exactly as a `Set<string>` of key texts — keys given as string
 * ranges or as series-text cache entries, equal hashes of different texts, growth past the first table, many sets
 * one after another on the kept table — and must not keep a table larger than its bound.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  KEPT_SLOTS,
  keptSeriesOwners,
  keptSeriesSlots,
  SeriesSet,
} from '../../../src/ingest/exposition-series-set.ts';
import { seriesTextHash, type SeriesTextEntry } from '../../../src/ingest/series-text-cache.ts';

/** Two pairs of series texts with the same 32-bit FNV-1a hash (found by a birthday search). */
const SAME_HASH: readonly (readonly [string, string])[] = [
  ['m{a="97b154f06b8b"}', 'm{a="51121f8d8510"}'],
  ['m{a="a6813c3553d2"}', 'm{a="9f438a607b64"}'],
];

const entryOf = (series: string): SeriesTextEntry => ({
  name: 'm',
  series,
  hash: seriesTextHash(series, 0, series.length),
  labels: {},
  keys: [],
  normalized: true,
});

/** One key of a run: its text, and whether it is added as a cache entry or as a range of a longer string. */
const keyArb = fc.record({
  text: fc.oneof(
    fc.constantFrom(...SAME_HASH.flat()),
    fc.string({ maxLength: 4 }).map((v) => `m{a="${v}"}`),
    fc.constantFrom('m', 'm{a="x"}', 'n{b="y"}'),
  ),
  asEntry: fc.boolean(),
  pad: fc.nat({ max: 3 }),
});

function add(set: SeriesSet, k: { text: string; asEntry: boolean; pad: number }): boolean {
  if (k.asEntry) return set.addEntry(entryOf(k.text));
  const s = '#'.repeat(k.pad) + k.text + '\n';
  return set.addRange(s, k.pad, k.pad + k.text.length);
}

describe('exposition series set', () => {
  it('the hash pairs used below really collide (else the collision cases test nothing)', () => {
    for (const [a, b] of SAME_HASH) {
      assert.notEqual(a, b);
      assert.equal(seriesTextHash(a, 0, a.length), seriesTextHash(b, 0, b.length));
    }
  });

  it('answers as a Set of key texts, over many sets in a row on the kept table', () => {
    fc.assert(
      fc.property(fc.array(fc.array(keyArb, { maxLength: 60 }), { maxLength: 8 }), (runs) => {
        for (const keys of runs) {
          const set = new SeriesSet();
          const ref = new Set<string>();
          for (const k of keys) {
            const fresh = !ref.has(k.text);
            ref.add(k.text);
            assert.equal(add(set, k), fresh, `${JSON.stringify(k)} after ${JSON.stringify([...ref])}`);
          }
          set.release();
        }
      }),
      { numRuns: 300 },
    );
  });

  it('keeps exact answers when colliding texts arrive in either form and order', () => {
    for (const [a, b] of SAME_HASH) {
      const set = new SeriesSet();
      assert.equal(set.addRange(`x${a}`, 1, 1 + a.length), true);
      assert.equal(set.addEntry(entryOf(b)), true, 'same hash, other text: new');
      assert.equal(set.addEntry(entryOf(a)), false);
      assert.equal(set.addRange(b, 0, b.length), false);
      assert.equal(set.size, 1, 'the table holds the first text of the hash only');
      set.release();
    }
  });

  it('keeps the text of the key that fills half the table (the one inserted as it grows)', () => {
    const slots = keptSeriesSlots() || 4096;
    const set = new SeriesSet();
    for (let i = 0; i < slots / 2; i++) set.addRange(`f{i="${i}"}`, 0, `f{i="${i}"}`.length);
    const a = SAME_HASH[0]![0];
    assert.equal(set.addRange(`  ${a}`, 2, 2 + a.length), true);
    assert.equal(set.addRange(a, 0, a.length), false, 'its text is still compared after the growth');
    set.release();
  });

  it('grows past its first table and keeps a table within the bound only', () => {
    const n = 3000; // more than half of the first table's 4096 slots
    const set = new SeriesSet();
    for (let i = 0; i < n; i++) assert.equal(set.addRange(`m{i="${i}"}`, 0, `m{i="${i}"}`.length), true);
    for (let i = 0; i < n; i++) assert.equal(set.addEntry(entryOf(`m{i="${i}"}`)), false);
    assert.equal(keptSeriesSlots(), 0, 'held by the set');
    set.release();
    assert.ok(keptSeriesSlots() >= 2 * n && keptSeriesSlots() <= KEPT_SLOTS);
    const big = new SeriesSet();
    const other = new SeriesSet(); // made while `big` holds the kept table: its own table, same answers
    for (let i = 0; i < KEPT_SLOTS / 2 + 1; i++) {
      assert.equal(big.addRange(`b{i="${i}"}`, 0, `b{i="${i}"}`.length), true);
      if (i % 1000 === 0) assert.equal(other.addRange(`b{i="${i}"}`, 0, `b{i="${i}"}`.length), true);
    }
    assert.equal(big.addRange('b{i="0"}', 0, 8), false);
    assert.equal(other.addRange('b{i="0"}', 0, 8), false);
    big.release();
    assert.equal(keptSeriesSlots(), 0, 'a table over the bound is not kept');
    other.release();
    const after = new SeriesSet();
    assert.equal(after.addRange('m{i="1"}', 0, 8), true, 'a new set starts empty');
  });

  it('gives its owner array back for the next set without a reference to any key (no scraped body kept alive)', () => {
    const body = 'a{i="1"} 1\nb{i="2"} 2\n';
    const set = new SeriesSet();
    assert.equal(set.addRange(body, 0, 8), true);
    assert.equal(set.addRange(body, 11, 19), true);
    assert.equal(set.addEntry(entryOf('c{i="3"}')), true);
    assert.equal(set.size, 3);
    set.release();
    const kept = keptSeriesOwners();
    assert.ok(kept.length >= 3, 'the array is kept for the next set');
    assert.equal(kept.held, 0);
    const next = new SeriesSet(); // takes the kept array: starts empty, same answers
    assert.equal(next.size, 0);
    assert.equal(next.addRange(body, 11, 19), true);
    assert.equal(next.addEntry(entryOf('b{i="2"}')), false);
    next.release();
  });
});
