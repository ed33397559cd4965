import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { ExpositionParseError } from '../../../src/errors.ts';
import { parseExposition } from '../../../src/ingest/exposition.ts';
import { fromOpenMetrics, isOpenMetricsContentType, MAX_EXEMPLAR_LABEL_CHARS } from '../../../src/ingest/openmetrics.ts';
import { hostileString, Tally } from '../../helpers/hostile.ts';

const TS = 1_700_000_000_000;
const TRACE = '0af7651916cd43dd8448eb211c80319c';
const SPAN = 'b7ad6b7169203331';

function parse(body: string) {
  const om = fromOpenMetrics(body);
  return { ...om, parsed: parseExposition(om.text, { defaultTimestampMs: TS }) };
}

const BODY = [
  '# TYPE dwcp_d_seconds histogram',
  '# HELP dwcp_d_seconds Duration.',
  '# UNIT dwcp_d_seconds seconds',
  `dwcp_d_seconds_bucket{le="1",node="a"} 0`,
  `dwcp_d_seconds_bucket{le="4",node="a"} 2 # {trace_id="${TRACE}",span_id="${SPAN}"} 3.5 1700000000.25`,
  `dwcp_d_seconds_bucket{le="+Inf",node="a"} 2`,
  'dwcp_d_seconds_sum{node="a"} 5',
  'dwcp_d_seconds_count{node="a"} 2',
  'dwcp_d_seconds_created{node="a"} 1699999999',
  '# HELP dwcp_m_bytes Bytes.',
  '# TYPE dwcp_m_bytes counter',
  'dwcp_m_bytes_total{node="a"} 10 1700000001.5 # {trace_id="x"} 1',
  'dwcp_m_bytes_created{node="a"} 1699999999',
  '# TYPE dwcp_u unknown',
  'dwcp_u 1',
  '# EOF',
  '',
].join('\n');

describe('OpenMetrics text', () => {
  it('recognises the content type', () => {
    assert.equal(isOpenMetricsContentType('application/openmetrics-text; version=1.0.0; charset=utf-8'), true);
    assert.equal(isOpenMetricsContentType('text/plain; version=0.0.4'), false);
    assert.equal(isOpenMetricsContentType(null), false);
  });

  it('keeps every sample, converts timestamps to ms and counter families to _total, drops _created, and takes the exemplars out', () => {
    const r = parse(BODY);
    const names = r.parsed.samples.map((s) => s.name);
    assert.deepEqual(names, ['dwcp_d_seconds_bucket', 'dwcp_d_seconds_bucket', 'dwcp_d_seconds_bucket', 'dwcp_d_seconds_sum', 'dwcp_d_seconds_count', 'dwcp_m_bytes_total', 'dwcp_u']);
    const counter = r.parsed.samples.find((s) => s.name === 'dwcp_m_bytes_total')!;
    assert.equal(counter.value, 10);
    assert.equal(counter.timestampMs, 1_700_000_001_500);
    assert.equal(r.parsed.families.get('dwcp_m_bytes_total')?.type, 'counter');
    assert.equal(r.parsed.families.get('dwcp_m_bytes_total')?.help, 'Bytes.');
    assert.equal(r.parsed.families.get('dwcp_u')?.type, 'untyped');
    assert.deepEqual(r.exemplars, [
      { name: 'dwcp_d_seconds_bucket', seriesLabels: { le: '4', node: 'a' }, labels: { trace_id: TRACE, span_id: SPAN }, value: 3.5, timestampMs: 1_700_000_000_250 },
      { name: 'dwcp_m_bytes_total', seriesLabels: { node: 'a' }, labels: { trace_id: 'x' }, value: 1, timestampMs: undefined },
    ]);
    assert.equal(r.invalidExemplars, 0);
    // Line numbers are kept: the rewritten text has as many lines as the body (without its final newline).
    assert.equal(r.text.split('\n').length, BODY.split('\n').length - 1);
  });

  it('refuses a body without # EOF or with content after it, naming the line', () => {
    assert.throws(() => fromOpenMetrics('a 1\n'), (e: unknown) => e instanceof ExpositionParseError && /does not end with # EOF/.test(e.message));
    assert.throws(() => fromOpenMetrics('a 1\n# EOF\nb 2\n'), (e: unknown) => e instanceof ExpositionParseError && e.line === 3);
    assert.throws(() => fromOpenMetrics(''), ExpositionParseError);
  });

  it('a malformed sample is still the strict parser’s error (with its line)', () => {
    const om = fromOpenMetrics('# TYPE a gauge\na{x="1} 1\n# EOF\n');
    assert.throws(() => parseExposition(om.text, { defaultTimestampMs: TS }), (e: unknown) => e instanceof ExpositionParseError && e.line === 2);
  });

  const bad: [string, string][] = [
    ['no label set', '# 1'],
    ['no value', `# {trace_id="${TRACE}"}`],
    ['value not a number', `# {trace_id="${TRACE}"} abc`],
    ['infinite value', `# {trace_id="${TRACE}"} +Inf`],
    ['bad timestamp', `# {trace_id="${TRACE}"} 1 yesterday`],
    ['trailing text', `# {trace_id="${TRACE}"} 1 2 3`],
    ['unterminated label value', `# {trace_id="${TRACE}} 1`],
    ['bad escape', `# {trace_id="\\q"} 1`],
    ['bad label name', '# {1x="a"} 1'],
    ['duplicate label', '# {a="1",a="2"} 1'],
    ['label set over 128 characters', `# {trace_id="${'f'.repeat(MAX_EXEMPLAR_LABEL_CHARS)}"} 1`],
    ['no blank after #', `#{trace_id="${TRACE}"} 1`],
  ];
  for (const [what, exemplar] of bad) {
    it(`drops and counts a malformed exemplar (${what}); the sample is kept`, () => {
      const r = parse(`# TYPE h histogram\nh_bucket{le="1"} 7 ${exemplar}\nh_bucket{le="+Inf"} 7\nh_sum 1\nh_count 7\n# EOF\n`);
      assert.equal(r.exemplars.length, 0);
      assert.equal(r.invalidExemplars, 1);
      const s = r.parsed.samples.find((x) => x.name === 'h_bucket' && x.labels['le'] === '1');
      assert.equal(s?.value, 7);
    });
  }

  it('fuzz: never throws anything but ExpositionParseError; the valid sample an exemplar rides on is never lost', (t) => {
    const tally = new Tally();
    const labelValue = fc.string({ maxLength: 12 }).map((s) => s.replace(/[\\"\n\r]/g, '_'));
    fc.assert(
      fc.property(
        fc.constantFrom('dwcp_x_bucket', 'up', 'a:b_total'),
        fc.array(fc.tuple(fc.constantFrom('le', 'job', 'a', 'node'), labelValue), { maxLength: 3 }),
        fc.double({ noNaN: true, noDefaultInfinity: true }),
        fc.option(fc.integer({ min: 0, max: 4_000_000_000 })),
        fc.oneof(hostileString, fc.string({ maxLength: 60 })).map((s) => s.replace(/[\n\r]/g, ' ')),
        (name, labelPairs, value, ts, junk) => {
          const labels = Object.fromEntries(labelPairs);
          const set = Object.entries(labels).map(([k, v]) => `${k}="${v}"`).join(',');
          const line = `${name}${set ? `{${set}}` : ''} ${value}${ts === null ? '' : ` ${ts}`} # ${junk}`;
          const body = `${line}\n# EOF\n`;
          const r = tally.run(() => parse(body), body);
          assert.ok(r, `valid sample refused: ${JSON.stringify(body)}`);
          assert.equal(r.parsed.samples.length, 1);
          assert.equal(r.parsed.samples[0]!.value, Number(String(value)));
          assert.deepEqual(r.parsed.samples[0]!.labels, labels);
          if (ts !== null) assert.equal(r.parsed.samples[0]!.timestampMs, ts * 1000);
          assert.equal(r.exemplars.length + r.invalidExemplars, 1);
        },
      ),
      { numRuns: 2000 },
    );
    t.diagnostic(tally.summary('OpenMetrics exemplars'));
    assert.equal(tally.crashes, 0, tally.crashSamples.join('\n'));
  });

  it('fuzz: arbitrary bodies parse or are refused with ExpositionParseError', (t) => {
    const tally = new Tally();
    const line = fc.oneof(
      fc.constantFrom('# EOF', '# TYPE a counter', '# HELP a x', '# UNIT a s', 'a_total 1 # {t="1"} 2 3', 'a_created 5', 'b{le="1"} 2 1.5'),
      hostileString,
    );
    fc.assert(
      fc.property(fc.array(line, { maxLength: 8 }), (lines) => {
        const body = lines.join('\n');
        tally.run(() => parse(body), body);
      }),
      { numRuns: 3000 },
    );
    t.diagnostic(tally.summary('OpenMetrics bodies'));
    assert.equal(tally.crashes, 0, tally.crashSamples.join('\n'));
    assert.ok(tally.accepted > 0 && tally.clearErrors > 0, 'the generator reaches both outcomes');
  });
});
