import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  decodeDetectorState,
  decodeDetectorStates,
  encodeDetectorStates,
} from '../../../src/store/detector-state-codec.ts';
import { InvalidInputError } from '../../../src/errors.ts';

const ok = { seriesKey: 'a', detector: 'ewma', version: 1, stateJson: '{"n":3}', updatedAt: 1000 };

describe('detector state codec', () => {
  it('decodes a stored state, integers given as strings too (PostgreSQL bigint)', () => {
    assert.deepEqual(decodeDetectorState(ok), {
      seriesKey: 'a',
      detector: 'ewma',
      version: 1,
      state: { n: 3 },
      updatedAtMs: 1000,
    });
    assert.deepEqual(decodeDetectorState({ ...ok, version: '2', updatedAt: '2000' })?.updatedAtMs, 2000);
  });

  it('gives undefined for malformed JSON, an empty detector or non-integer numbers', () => {
    for (const bad of [{ stateJson: '{' }, { detector: '' }, { version: 1.5 }, { updatedAt: 'x' }])
      assert.equal(decodeDetectorState({ ...ok, ...bad }), undefined, JSON.stringify(bad));
  });

  it('decodeDetectorStates keeps the order of the good rows and counts the malformed ones', () => {
    const r = decodeDetectorStates([
      ok,
      { ...ok, seriesKey: 'b', stateJson: 'nope' },
      { ...ok, seriesKey: 'c' },
    ]);
    assert.deepEqual(
      r.rows.map((x) => x.seriesKey),
      ['a', 'c'],
    );
    assert.equal(r.malformed, 1);
    assert.deepEqual(decodeDetectorStates([]), { rows: [], malformed: 0 });
  });

  it('encodes the last row per series and rejects bad rows', () => {
    const { encoded, rejected } = encodeDetectorStates([
      { seriesKey: 'a', detector: 'ewma', version: 1, state: { n: 1 }, updatedAtMs: 1 },
      { seriesKey: 'a', detector: 'ewma', version: 1, state: { n: 2 }, updatedAtMs: 2 },
      { seriesKey: 'b', detector: 'ewma', version: 1, state: undefined, updatedAtMs: 2 },
    ]);
    assert.deepEqual(
      encoded.map((e) => [e.seriesKey, e.stateJson]),
      [['a', '{"n":2}']],
    );
    assert.deepEqual(
      rejected.map((r) => r.seriesKey),
      ['b'],
    );
    assert.throws(
      () => encodeDetectorStates([{ seriesKey: '', detector: 'x', version: 1, state: 1, updatedAtMs: 1 }]),
      InvalidInputError,
    );
  });
});
