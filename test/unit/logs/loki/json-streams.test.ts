/**
 * A compact Loki JSON push body parsed stream by stream (src/logs/loki/json-streams.ts) gives exactly what
 * `JSON.parse` of the whole body gives, or undefined (the caller then parses the whole body): fast-check over
 * bodies whose lines hold the cut's own bytes (`},{"`), quotes, escapes and non-ASCII text, over bodies with
 * bytes inserted or removed anywhere (invalid JSON, invalid UTF-8), and over bodies of other shapes.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { parseLokiStreamsByPiece } from '../../../../src/logs/loki/json-streams.ts';

/** Text that likes the bytes the cut looks for. */
const tricky = fc.oneof(
  fc.string(),
  fc.constantFrom('},{"', '},{"stream":{', '"}],[{', '\\', '"', '{"streams":[', ']}', 'é€😀', '\u0000'),
  fc
    .array(fc.constantFrom('}', ',', '{', '"', '[', ']', ':', 'a', 'é', '\\'), { maxLength: 12 })
    .map((a) => a.join('')),
);

const stream = fc.record({
  stream: fc.dictionary(fc.constantFrom('service_name', 'node_id', 'level', 'x'), tricky, { maxKeys: 4 }),
  values: fc.array(
    fc.oneof(
      fc.tuple(fc.bigInt({ min: 0n, max: 10n ** 19n }).map(String), tricky),
      fc.tuple(
        fc.bigInt({ min: 0n, max: 10n ** 19n }).map(String),
        tricky,
        fc.dictionary(fc.constantFrom('trace_id', 'k'), tricky, { maxKeys: 2 }),
      ),
    ),
    { maxLength: 5 },
  ),
});

/** Any JSON value as an element (the cut must not assume objects). */
const element = fc.oneof({ weight: 4, arbitrary: stream }, { weight: 1, arbitrary: fc.jsonValue() });

function wholeStreams(body: Buffer): unknown {
  try {
    const v = JSON.parse(body.toString('utf8')) as { streams?: unknown };
    return v.streams;
  } catch {
    return undefined;
  }
}

describe('Loki JSON bodies parsed stream by stream', () => {
  it('equals JSON.parse of the whole body for compact push bodies', () => {
    fc.assert(
      fc.property(fc.array(stream, { maxLength: 8 }), (streams) => {
        const body = Buffer.from(JSON.stringify({ streams }), 'utf8');
        const got = parseLokiStreamsByPiece(body);
        // a string value ending in `},{` puts the cut's bytes inside an element: that body is parsed whole
        if (streams.some((x) => JSON.stringify(x).includes('},{"'))) return assert.equal(got, undefined);
        assert.ok(got !== undefined, 'a compact push body is parsed by piece');
        assert.deepEqual(got, wholeStreams(body));
      }),
      { numRuns: 500 },
    );
  });

  it('gives the whole body’s elements or undefined for arrays of any JSON values', () => {
    fc.assert(
      fc.property(fc.array(element, { maxLength: 8 }), (streams) => {
        const body = Buffer.from(JSON.stringify({ streams }), 'utf8');
        const got = parseLokiStreamsByPiece(body);
        if (got !== undefined) assert.deepEqual(got, wholeStreams(body));
      }),
      { numRuns: 500 },
    );
  });

  it('gives the whole body’s elements or undefined when bytes are inserted or removed anywhere', () => {
    fc.assert(
      fc.property(
        fc.array(stream, { minLength: 1, maxLength: 5 }),
        fc.array(
          fc.record({
            at: fc.nat(),
            insert: fc.uint8Array({ maxLength: 4 }),
            remove: fc.nat({ max: 3 }),
          }),
          { minLength: 1, maxLength: 3 },
        ),
        (streams, edits) => {
          let bytes = Buffer.from(JSON.stringify({ streams }), 'utf8');
          for (const e of edits) {
            const at = e.at % (bytes.length + 1);
            bytes = Buffer.concat([bytes.subarray(0, at), e.insert, bytes.subarray(at + e.remove)]);
          }
          const got = parseLokiStreamsByPiece(bytes);
          if (got === undefined) return;
          // whenever the pieces parse, the whole body is valid and has exactly those elements
          assert.deepEqual(got, wholeStreams(bytes));
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('cuts a line holding the cut bytes and invalid UTF-8 exactly as the whole body reads', () => {
    const line = 'a},{"stream":{"x":"y"}} \u00e9';
    const head = Buffer.from(
      `{"streams":[{"stream":{"a":"b"},"values":[["1","${JSON.stringify(line).slice(1, -1)}`,
    );
    const bad = Buffer.from([0xe2, 0x82]); // a truncated 3-byte sequence
    const tail = Buffer.from('"]]},{"stream":{"c":"d"},"values":[]}]}\n');
    const body = Buffer.concat([head, bad, tail]);
    const got = parseLokiStreamsByPiece(body);
    assert.ok(got !== undefined);
    assert.equal(got.length, 2);
    assert.deepEqual(got, wholeStreams(body));
    assert.ok(((got[0] as { values: string[][] }).values[0]![1] ?? '').endsWith('\u00e9\ufffd'));
  });

  it('leaves other shapes and invalid bodies to the whole-body parse', () => {
    for (const text of [
      '{"streams": [{"stream":{},"values":[]}]}', // space after the colon
      ' {"streams":[]}',
      '{"streams":[],"x":1}',
      '{"x":1,"streams":[]}',
      '{"streams":[{"stream":{},"values":[]},]}',
      '{"streams":[{"stream":{},"values":[]} ,{"stream":{},"values":[]}]}',
      '{"streams":[{"stream":{},"values":[["1","a"]]}}',
      '{"streams":[',
      '{"streams":[{} }',
      '{"streams":[{}]]}',
      '["streams":[{}]}',
      '',
    ])
      assert.equal(parseLokiStreamsByPiece(Buffer.from(text)), undefined, text);
    assert.deepEqual(parseLokiStreamsByPiece(Buffer.from('{"streams":[]}\r\n')), []);
  });
});
