/**
 * Property-based fuzzing of the two text readers that take outside input: the exposition parser (scrape bodies)
 * and the CSV reader (`detect --input`). Every input must either parse into well-formed values or be refused
 * with the project's own error (a DwcpError with a message): no TypeError, RangeError or hang.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { parseSeriesCsv } from '../../../src/ingest/csv.ts';
import { parseExposition } from '../../../src/ingest/exposition.ts';
import { Tally, hostileString } from '../../helpers/hostile.ts';

const TS = 1_700_000_000_000;

/** One exposition line built from hostile parts, so that most inputs get past the first character. */
const expositionLine = fc.oneof(
  fc
    .tuple(
      fc.oneof(fc.constantFrom('dwcp_x', 'up', 'a:b', '__name__', '_', '1x', 'x_bucket'), hostileString),
      fc.array(fc.tuple(fc.oneof(fc.constantFrom('le', 'job', '__x', 'a'), hostileString), hostileString), {
        maxLength: 4,
      }),
      fc.oneof(fc.constantFrom('1', 'NaN', '+Inf', '-Inf', '1e400', '-0', '0x1'), hostileString),
      fc.option(
        fc.oneof(fc.constantFrom('1700000000000', '-1', '1.5', '99999999999999999999'), hostileString),
      ),
    )
    .map(([name, labels, value, ts]) => {
      const l = labels.map(([k, v]) => `${k}="${v}"`).join(',');
      return `${name}${labels.length > 0 ? `{${l}}` : ''} ${value}${ts === null ? '' : ` ${ts}`}`;
    }),
  fc
    .tuple(
      fc.constantFrom('# TYPE', '# HELP', '#'),
      hostileString,
      fc.constantFrom('counter', 'gauge', 'histogram', 'summary', 'bogus', ''),
    )
    .map((p) => p.join(' ')),
  hostileString,
);

describe('fuzz: exposition parser', () => {
  it('parses or refuses with ExpositionParseError / PayloadTooLargeError; accepted samples are well formed', (t) => {
    const tally = new Tally();
    fc.assert(
      fc.property(fc.array(expositionLine, { maxLength: 8 }), fc.constantFrom('\n', '\r\n'), (lines, eol) => {
        const text = lines.join(eol);
        const r = tally.run(() => parseExposition(text, { defaultTimestampMs: TS, maxBytes: 1 << 20 }), text);
        for (const s of r?.samples ?? []) {
          assert.equal(typeof s.value, 'number');
          assert.ok(Number.isFinite(s.timestampMs), `timestamp of ${s.name}`);
          assert.ok(!('__name__' in s.labels));
          for (const v of Object.values(s.labels)) assert.equal(typeof v, 'string');
        }
      }),
      { numRuns: 3000 },
    );
    t.diagnostic(tally.summary('exposition parser'));
    assert.equal(tally.crashes, 0, tally.crashSamples.join('\n'));
    assert.ok(tally.accepted > 0 && tally.clearErrors > 0, 'the generator reaches both outcomes');
  });
});

const csvLine = fc.oneof(
  fc
    .tuple(
      fc.oneof(
        fc.constantFrom(
          '2024-01-01T00:00:00Z',
          '2024-02-30 00:00:00',
          '1700000000',
          '1e11',
          '-1',
          '"2024-01-01"',
        ),
        hostileString,
      ),
      fc.oneof(fc.constantFrom('1', '-3.5', 'NaN', 'Inf', '1e-3', '"2"', ''), hostileString),
    )
    .map(([a, b]) => `${a},${b}`),
  hostileString,
);

describe('fuzz: CSV reader', () => {
  it('parses or refuses with CsvParseError / limits; accepted points are finite and strictly increasing', (t) => {
    const tally = new Tally();
    fc.assert(
      fc.property(
        fc.array(csvLine, { maxLength: 8 }),
        fc.constantFrom('\n', '\r\n', '\r'),
        fc.boolean(),
        (lines, eol, header) => {
          const text = (header ? `timestamp,value${eol}` : '') + lines.join(eol);
          const points = tally.run(() => parseSeriesCsv(text, { maxRows: 5, maxBytes: 1 << 20 }), text);
          let prev = Number.NEGATIVE_INFINITY;
          for (const p of points ?? []) {
            assert.ok(Number.isFinite(p.value) && Number.isSafeInteger(p.timestampMs));
            assert.ok(p.timestampMs > prev);
            prev = p.timestampMs;
          }
          assert.ok((points?.length ?? 0) <= 5, 'maxRows holds');
        },
      ),
      { numRuns: 3000 },
    );
    t.diagnostic(tally.summary('CSV reader'));
    assert.equal(tally.crashes, 0, tally.crashSamples.join('\n'));
    assert.ok(tally.accepted > 0 && tally.clearErrors > 0, 'the generator reaches both outcomes');
  });
});
