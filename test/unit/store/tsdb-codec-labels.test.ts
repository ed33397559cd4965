/**
 * The chunked store's series row encoding: label blobs round-trip any label set (fast-check: any Unicode, empty
 * names and values, NUL), equal sets encode to equal bytes whatever their order, corrupt blobs raise StoreError,
 * and the key hash is a pinned, deterministic 53-bit value.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { StoreError } from '../../../src/errors.ts';
import { seriesKey, type Labels } from '../../../src/model/sample.ts';
import { decodeLabels, encodeLabels, seriesKeyHash } from '../../../src/store/tsdb/codec/labels.ts';

/** Label sets with any well-formed Unicode names and values (lone surrogates are not text). */
const labelSets = fc.dictionary(
  fc.string({ unit: 'grapheme', maxLength: 12 }),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  { maxKeys: 12, noNullPrototype: true },
);

/** Whether `k` is an array-index property name (a canonical non-negative integer below 2³² − 1). */
const isArrayIndex = (k: string): boolean => /^(?:0|[1-9]\d*)$/.test(k) && Number(k) < 2 ** 32 - 1;

describe('tsdb labels codec', () => {
  it('round-trips every label set exactly, names in seriesKey order', () => {
    fc.assert(
      fc.property(labelSets, (labels: Labels) => {
        const back = decodeLabels(encodeLabels(labels));
        assert.deepEqual(back, labels);
        // JavaScript enumerates array-index names ("0", "17") first in numeric order whatever the insertion order,
        // so the sorted order is checked on the other names only (Prometheus label names never start with a digit).
        const named = (l: Labels) => Object.keys(l).filter((k) => !isArrayIndex(k));
        assert.deepEqual(named(back), named(labels).sort());
        assert.equal(seriesKey('m', back), seriesKey('m', labels));
      }),
      { numRuns: 500 },
    );
    const proto = JSON.parse('{"__proto__":"x","a":"y"}') as Labels;
    assert.deepEqual(decodeLabels(encodeLabels(proto)), proto);
  });

  it('encodes equal sets to equal bytes whatever the insertion order', () => {
    fc.assert(
      fc.property(labelSets, (labels: Labels) => {
        const reversed = Object.fromEntries(Object.entries(labels).reverse());
        assert.deepEqual(encodeLabels(reversed), encodeLabels(labels));
      }),
    );
  });

  it('is smaller than the key text it replaces', () => {
    const labels = { cluster: 'us-east', node: 'node-1', replica: '0', result: 'success' };
    const key = seriesKey('dwcp_amst_streams_total', labels);
    const blob = encodeLabels(labels);
    assert.ok(blob.length < key.length - 'dwcp_amst_streams_total'.length - 4, `${blob.length} B`);
    assert.ok(blob.length < JSON.stringify(labels).length - 10);
  });

  it('rejects corrupt blobs with StoreError: every truncation, bad format, trailing bytes, bad UTF-8, order', () => {
    const blob = encodeLabels({ a: 'x', bb: 'yy', c: 'ü' });
    for (let n = 0; n < blob.length; n++)
      assert.throws(() => decodeLabels(blob.subarray(0, n)), StoreError, `truncated to ${n}`);
    assert.throws(() => decodeLabels(Uint8Array.from([9, ...blob.subarray(1)])), StoreError);
    assert.throws(() => decodeLabels(Uint8Array.from([...blob, 0])), StoreError);
    // 'c' → 0xff: not UTF-8.
    const badUtf8 = Uint8Array.from(blob);
    badUtf8[badUtf8.length - 3] = 0xff;
    assert.throws(() => decodeLabels(badUtf8), StoreError);
    // Names out of order: b before a.
    assert.throws(() => decodeLabels(Uint8Array.from([1, 2, 1, 98, 0, 1, 97, 0])), StoreError);
    // Duplicate names.
    assert.throws(() => decodeLabels(Uint8Array.from([1, 2, 1, 97, 0, 1, 97, 0])), StoreError);
    // A count larger than the bytes can hold.
    assert.throws(() => decodeLabels(Uint8Array.from([1, 200, 1])), StoreError);
    // Random bytes never throw anything but StoreError.
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 40 }), (bytes) => {
        try {
          decodeLabels(bytes);
        } catch (e) {
          assert.ok(e instanceof StoreError, String(e));
        }
      }),
    );
  });

  it('hashes keys to pinned 53-bit values (part of the stored format)', () => {
    assert.equal(seriesKeyHash(''), 3338908027751811);
    assert.equal(seriesKeyHash('up{job="a"}'), 3887393717453776);
    assert.notEqual(seriesKeyHash('up{job="a"}'), seriesKeyHash('up{job="b"}'));
    fc.assert(
      fc.property(fc.string(), (k) => {
        const h = seriesKeyHash(k);
        assert.ok(Number.isSafeInteger(h) && h >= 0 && h < 2 ** 53);
      }),
    );
    const seen = new Set<number>();
    for (let i = 0; i < 100_000; i++) seen.add(seriesKeyHash(`dwcp_x{node="node-${i}",replica="0"}`));
    assert.equal(seen.size, 100_000);
  });
});
