import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Registry, Counter, Histogram, Gauge } from 'prom-client';
import { ExpositionParseError, PayloadTooLargeError } from '../../../src/errors.ts';
import { parseExposition } from '../../../src/ingest/exposition.ts';

const TS = 1_700_000_000_000;
const parse = (text: string, maxBytes?: number) =>
  parseExposition(text, { defaultTimestampMs: TS, ...(maxBytes === undefined ? {} : { maxBytes }) });

function expectLineError(text: string, line: number, fragment: string | RegExp): void {
  assert.throws(
    () => parse(text),
    (e: unknown) => {
      assert.ok(e instanceof ExpositionParseError, `expected ExpositionParseError, got ${String(e)}`);
      assert.equal(e.line, line, `line of: ${e.message}`);
      assert.equal(e.code, 'DWCP_EXPOSITION_PARSE');
      if (typeof fragment === 'string')
        assert.ok(
          e.message.includes(fragment),
          `message ${JSON.stringify(e.message)} lacks ${JSON.stringify(fragment)}`,
        );
      else assert.match(e.message, fragment);
      return true;
    },
  );
}

describe('parseExposition: valid input', () => {
  it('parses HELP, TYPE, a counter, a gauge and a histogram with timestamps', () => {
    const text = [
      '# HELP dwcp_migrations_total Migrations started.',
      '# TYPE dwcp_migrations_total counter',
      'dwcp_migrations_total{region="us-east",node="n1"} 42',
      'dwcp_migrations_total{region="eu-west",node="n2"} 7 1700000000123',
      '',
      '# a free comment',
      '# TYPE dwcp_temp gauge',
      'dwcp_temp -1.5e-3',
      '# HELP dwcp_lat_seconds Latency.',
      '# TYPE dwcp_lat_seconds histogram',
      'dwcp_lat_seconds_bucket{le="0.1"} 1',
      'dwcp_lat_seconds_bucket{le="1"} 3',
      'dwcp_lat_seconds_bucket{le="+Inf"} 4',
      'dwcp_lat_seconds_sum 2.5',
      'dwcp_lat_seconds_count 4',
      '',
    ].join('\n');
    const r = parse(text);
    assert.equal(r.duplicates, 0);
    assert.equal(r.samples.length, 8);
    assert.deepEqual(r.samples[0], {
      name: 'dwcp_migrations_total',
      labels: { region: 'us-east', node: 'n1' },
      value: 42,
      timestampMs: TS,
    });
    assert.equal(r.samples[1]!.timestampMs, 1700000000123);
    assert.deepEqual(r.samples[2], { name: 'dwcp_temp', labels: {}, value: -0.0015, timestampMs: TS });
    assert.deepEqual(r.samples[5]!.labels, { le: '+Inf' });
    assert.equal(r.samples[7]!.value, 4);
    assert.deepEqual(r.families.get('dwcp_migrations_total'), {
      type: 'counter',
      help: 'Migrations started.',
    });
    assert.deepEqual(r.families.get('dwcp_temp'), { type: 'gauge', help: '' });
    assert.deepEqual(r.families.get('dwcp_lat_seconds'), { type: 'histogram', help: 'Latency.' });
    assert.equal(r.families.size, 3);
  });

  it('unescapes label values and HELP text', () => {
    const r = parse('# HELP m a\\\\b\\nc "q"\nm{path="C:\\\\dir\\\\",q="say \\"hi\\"",nl="a\\nb"} 1\n');
    assert.deepEqual(r.samples[0]!.labels, { path: 'C:\\dir\\', q: 'say "hi"', nl: 'a\nb' });
    assert.equal(r.families.get('m')!.help, 'a\\b\nc "q"');
  });

  it('accepts NaN, +Inf, -Inf, Inf, exponents, negative timestamps, CRLF, tabs, blanks in label sets, trailing comma', () => {
    const r = parse('a NaN\r\nb +Inf\nc -Inf\nd Inf\ne 1E3\n f\t.5\t-1000\ng{ x = "1" , } 2\nh{} 3\n');
    assert.ok(Number.isNaN(r.samples[0]!.value));
    assert.equal(r.samples[1]!.value, Infinity);
    assert.equal(r.samples[2]!.value, -Infinity);
    assert.equal(r.samples[3]!.value, Infinity);
    assert.equal(r.samples[4]!.value, 1000);
    assert.deepEqual(r.samples[5], { name: 'f', labels: {}, value: 0.5, timestampMs: -1000 });
    assert.deepEqual(r.samples[6]!.labels, { x: '1' });
    assert.deepEqual(r.samples[7]!.labels, {});
  });

  it('accepts a label value containing braces, commas, # and spaces, and names with colons', () => {
    const r = parse('job:rate5m{q="a,b} #c =d"} 1\n');
    assert.deepEqual(r.samples[0], {
      name: 'job:rate5m',
      labels: { q: 'a,b} #c =d' },
      value: 1,
      timestampMs: TS,
    });
  });

  it('parses what prom-client renders (histogram, counter with labels, gauge)', async () => {
    const reg = new Registry();
    const c = new Counter({
      name: 'x_total',
      help: 'X with "quotes" and \\ backslash',
      labelNames: ['a'],
      registers: [reg],
    });
    c.inc({ a: 'v"1\\\n' }, 3);
    const h = new Histogram({ name: 'y_seconds', help: 'Y', buckets: [0.1, 1], registers: [reg] });
    h.observe(0.5);
    new Gauge({ name: 'z', help: 'Z', registers: [reg] }).set(-2);
    const r = parse(await reg.metrics());
    const x = r.samples.find((s) => s.name === 'x_total')!;
    assert.deepEqual(x.labels, { a: 'v"1\\\n' });
    assert.equal(x.value, 3);
    assert.deepEqual(
      r.samples.filter((s) => s.name === 'y_seconds_bucket').map((s) => [s.labels['le'], s.value]),
      [
        ['0.1', 0],
        ['1', 1],
        ['+Inf', 1],
      ],
    );
    assert.equal(r.families.get('y_seconds')!.type, 'histogram');
    assert.equal(r.samples.find((s) => s.name === 'z')!.value, -2);
  });

  it('keeps the first of a duplicate series (in any label order) and counts the rest', () => {
    const r = parse('m{a="1",b="2"} 1\nm{b="2",a="1"} 2\nm{a="1",b="2"} 3\nm{a="1"} 4\nn{a="1",b="2"} 5\n');
    assert.equal(r.duplicates, 2);
    assert.deepEqual(
      r.samples.map((s) => s.value),
      [1, 4, 5],
    );
  });

  it('tells apart distinct series whose key hashes collide (FNV-1a 32-bit) and still finds their duplicates', () => {
    // m{a="149599"} and m{a="312382"} have the same 32-bit FNV-1a hash (found by search).
    const r = parse('m{a="149599"} 1\nm{a="312382"} 2\nm{a="312382"} 3\nm{a="149599"} 4\nm{ a="312382"} 5\n');
    assert.deepEqual(
      r.samples.map((s) => s.value),
      [1, 2],
    );
    assert.equal(r.duplicates, 3);
  });

  it("reads label names right when they only share a prefix with the first sample's names", () => {
    const r = parse(
      'm{ab="1",c="2"} 1\nm{abc="1",c="2"} 2\nm{a="1",c="2"} 3\nm{ab="1",cd="2"} 4\nm{ab="1",c="2",d="3"} 5\nm{ab="1"} 6\n',
    );
    assert.deepEqual(
      r.samples.map((s) => s.labels),
      [
        { ab: '1', c: '2' },
        { abc: '1', c: '2' },
        { a: '1', c: '2' },
        { ab: '1', cd: '2' },
        { ab: '1', c: '2', d: '3' },
        { ab: '1' },
      ],
    );
    assert.equal(r.duplicates, 0);
  });

  it('accepts label names that are Object.prototype members', () => {
    assert.deepEqual(parse('m{constructor="1",toString="2"} 1\n').samples[0]!.labels, {
      constructor: '1',
      toString: '2',
    });
  });

  it('returns nothing for empty input and comment-only input', () => {
    assert.deepEqual(parse('').samples, []);
    const r = parse('# just a comment\n\n#\n');
    assert.equal(r.samples.length, 0);
    assert.equal(r.families.size, 0);
  });
});

describe('parseExposition: malformed input names its line', () => {
  const cases: [string, string, number, string][] = [
    ['invalid metric name', 'ok 1\n1bad 2\n', 2, 'invalid metric name'],
    ['bad char in name', 'a-b 1\n', 1, 'invalid character "-" in metric name'],
    ['unterminated label value', 'ok 1\n\nm{a="x} 1\n', 3, 'unterminated label value of a'],
    ['label value split by newline', 'm{a="x\n"} 1\n', 1, 'unterminated label value'],
    ['unterminated label set', 'm{a="x" 1\n', 1, "expected ',' or '}'"],
    ['unterminated label set at eol', 'm{a="x",\n', 1, "missing '}'"],
    ['label value without quote', 'm{a=x} 1\n', 1, `label value of a must start with '"'`],
    ['missing =', 'm{a "x"} 1\n', 1, "expected '='"],
    ['invalid label name', 'm{1a="x"} 1\n', 1, 'invalid label name'],
    ['invalid escape', 'm{a="\\t"} 1\n', 1, 'invalid escape sequence \\t'],
    ['duplicate label name', 'm{a="1",a="2"} 1\n', 1, 'duplicate label name a'],
    ['reserved __name__', 'm{__name__="x"} 1\n', 1, '__name__ is reserved'],
    [
      'duplicate label name after a known order',
      'm{a="1",b="2"} 1\nm{a="1",a="2"} 1\n',
      2,
      'duplicate label name a',
    ],
    [
      'duplicate label name after a full known order',
      'm{a="1",b="2"} 1\nm{a="1",b="2",b="3"} 1\n',
      2,
      'duplicate label name b',
    ],
    [
      'reserved name after a known order',
      'm{a="1"} 1\nm{a="2",__x="1"} 1\n',
      2,
      'label name __x is reserved',
    ],
    ['reserved __proto__', 'm{a="1",__proto__="x"} 1\n', 1, 'label name __proto__ is reserved'],
    [
      'label named like an Object method is fine but duplicate',
      'm{constructor="1",constructor="2"} 1\n',
      1,
      'duplicate label name constructor',
    ],
    ['missing value', 'ok 1\nm\n', 2, 'missing value for m'],
    ['missing value after labels', 'm{a="1"}\n', 1, 'missing value for m'],
    ['no blank before value', 'm{a="1"}1\n', 1, 'expected whitespace before the value'],
    ['bad number', 'm 12abc\n', 1, 'bad number "12abc"'],
    ['hex number', 'm 0x10\n', 1, 'bad number "0x10"'],
    ['lone dot', 'm .\n', 1, 'bad number "."'],
    ['bad timestamp', 'm 1 12.5\n', 1, 'bad timestamp "12.5"'],
    ['timestamp lone minus', 'm 1 -\n', 1, 'bad timestamp "-"'],
    ['text after timestamp', 'm 1 2 3\n', 1, 'unexpected text after the timestamp'],
    ['second TYPE', '# TYPE m gauge\n# TYPE m counter\nm 1\n', 2, 'second TYPE line for m'],
    ['second HELP', '# HELP m a\n# HELP m b\n', 2, 'second HELP line for m'],
    [
      'TYPE after samples',
      'm_bucket{le="1"} 1\n# TYPE m histogram\n',
      2,
      'TYPE line for m after its samples',
    ],
    ['unknown type', '# TYPE m timer\n', 1, 'unknown metric type "timer"'],
    ['TYPE without type', '# TYPE m\n', 1, 'without a type'],
    ['TYPE without name', '# TYPE\n', 1, 'without a metric name'],
    ['TYPE with bad name', '# TYPE 9m gauge\n', 1, 'invalid metric name "9m"'],
    ['bucket without le', '# TYPE h histogram\nh_bucket{a="1"} 1\n', 2, 'without le label'],
  ];
  for (const [title, text, line, msg] of cases) {
    it(title, () => expectLineError(text, line, msg));
  }
});

describe('parseExposition: size limit', () => {
  it('throws PayloadTooLargeError above maxBytes (counting UTF-8 bytes) and accepts input at the limit', () => {
    const text = 'm{a="é"} 1\n'; // 11 chars, 12 bytes
    assert.equal(parse(text, 12).samples.length, 1);
    assert.throws(
      () => parse(text, 11),
      (e: unknown) =>
        e instanceof PayloadTooLargeError && e.limitBytes === 11 && e.code === 'DWCP_PAYLOAD_TOO_LARGE',
    );
    assert.throws(() => parse('x'.repeat(100), 10), PayloadTooLargeError);
  });
});
