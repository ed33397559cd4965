/**
 * Loki JSON push decoding entry by entry: records and rejection messages in the order and with the names the
 * receiver reports them (wrong-shaped entries first, by their index in `values`; then the others, by their index
 * among the well-formed ones), invalid label sets counted with their well-formed entries, structured metadata and
 * a `__proto__` label — and a fast-check property that every entry is either a record or counted exactly once.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { DEFAULT_LOG_LIMITS } from '../../../../src/logs/limits.ts';
import { decodeLokiPush } from '../../../../src/logs/loki/decode.ts';

const NOW = 1_764_790_000_000;
const TS = `${NOW - 1000}000000`;
const decode = (o: unknown) =>
  decodeLokiPush(Buffer.from(JSON.stringify(o)), 'json', DEFAULT_LOG_LIMITS, NOW);

describe('decodeLokiPush (JSON) entry by entry', () => {
  it('names rejections in order: wrong shapes first, then the well-formed ones by their own index', () => {
    const d = decode({
      streams: [
        {
          stream: { service: 'api', node_id: 'n1', team: 'core' },
          values: [
            [TS, 'good'],
            [TS],
            [TS, 5],
            ['soon', 'bad time'],
            [TS, 'x', { k: 1 }],
            [TS, 'traced', { trace_id: 'AB'.repeat(16), span_id: 'cd'.repeat(8), user: 'u1' }],
          ],
        },
      ],
    });
    assert.deepEqual(d.messages, [
      'stream 0 entry 1: malformed entry',
      'stream 0 entry 4: malformed entry',
      'stream 0 entry 1: malformed entry',
      'stream 0 entry 2: invalid timestamp',
    ]);
    assert.deepEqual(Object.fromEntries(d.rejected), { malformed_entry: 3, invalid_timestamp: 1 });
    assert.deepEqual(
      d.records.map((r) => [r.body, r.service, r.nodeId, r.traceId, r.spanId, r.attributes]),
      [
        ['good', 'api', 'n1', '', '', { team: 'core' }],
        ['traced', 'api', 'n1', 'ab'.repeat(16), 'cd'.repeat(8), { team: 'core', user: 'u1' }],
      ],
    );
  });
  it('counts the well-formed entries of a stream with invalid labels, also when there are none', () => {
    const d = decode({
      streams: [
        { stream: { service: 7 }, values: [[TS, 'a'], 'junk', [TS, 'b']] },
        { stream: 'x', values: [] },
        { values: [[TS, 'no labels']] },
        { stream: { service: 'ok', ['__proto__']: 'p', team: 't' }, values: [[TS, 'kept']] },
      ],
    });
    assert.deepEqual(d.messages, [
      'stream 0 entry 1: malformed entry',
      'stream 0 (2 entries): invalid labels',
      'stream 1 (0 entries): invalid labels',
      'stream 2 (1 entries): invalid labels',
    ]);
    assert.equal(d.rejectedCount, 4);
    assert.deepEqual(
      d.records.map((r) => [r.body, r.service, r.attributes]),
      [['kept', 'ok', { team: 't' }]],
    );
  });
  it('keeps or counts every entry exactly once', () => {
    const entry = fc.oneof(
      fc.constant([TS, 'line']),
      fc.constant([TS, 'line', { a: 'b' }]),
      fc.constant([TS, 'line', { trace_id: 'ab'.repeat(16) }]),
      fc.constant(['soon', 'line']),
      fc.constant([TS, 3]),
      fc.constant([TS]),
      fc.constant([TS, 'line', { a: 1 }]),
      fc.constant('junk'),
    );
    const stream = fc.record({
      stream: fc.oneof(fc.constant({ service: 's', level: 'warn' }), fc.constant({ service: 1 })),
      values: fc.array(entry, { maxLength: 8 }),
    });
    fc.assert(
      fc.property(fc.array(stream, { maxLength: 6 }), (streams) => {
        const d = decode({ streams });
        const total = streams.reduce((a, s) => a + s.values.length, 0);
        assert.equal(d.records.length + d.rejectedCount, total);
      }),
      { numRuns: 500 },
    );
  });
});
