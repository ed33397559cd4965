import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { ExpositionParseError, PayloadTooLargeError } from '../../../src/errors.ts';
import { parseExposition } from '../../../src/ingest/exposition.ts';
import {
  isOpenMetricsContentType,
  MAX_EXEMPLAR_LABEL_CHARS,
  parseOpenMetrics,
} from '../../../src/ingest/openmetrics.ts';
import { hostileString, Tally } from '../../helpers/hostile.ts';

const TS = 1_700_000_000_000;
const TRACE = '0af7651916cd43dd8448eb211c80319c';
const SPAN = 'b7ad6b7169203331';

function parse(body: string) {
  const om = parseOpenMetrics(body, { defaultTimestampMs: TS });
  return { ...om, parsed: om };
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
    assert.equal(
      isOpenMetricsContentType('application/openmetrics-text; version=1.0.0; charset=utf-8'),
      true,
    );
    assert.equal(isOpenMetricsContentType('text/plain; version=0.0.4'), false);
    assert.equal(isOpenMetricsContentType(null), false);
  });

  it('keeps every sample, converts timestamps to ms and counter families to _total, drops _created, and takes the exemplars out', () => {
    const r = parse(BODY);
    const names = r.parsed.samples.map((s) => s.name);
    assert.deepEqual(names, [
      'dwcp_d_seconds_bucket',
      'dwcp_d_seconds_bucket',
      'dwcp_d_seconds_bucket',
      'dwcp_d_seconds_sum',
      'dwcp_d_seconds_count',
      'dwcp_m_bytes_total',
      'dwcp_u',
    ]);
    const counter = r.parsed.samples.find((s) => s.name === 'dwcp_m_bytes_total')!;
    assert.equal(counter.value, 10);
    assert.equal(counter.timestampMs, 1_700_000_001_500);
    assert.equal(r.parsed.families.get('dwcp_m_bytes_total')?.type, 'counter');
    assert.equal(r.parsed.families.get('dwcp_m_bytes_total')?.help, 'Bytes.');
    assert.equal(r.parsed.families.get('dwcp_u')?.type, 'untyped');
    assert.deepEqual(r.exemplars, [
      {
        name: 'dwcp_d_seconds_bucket',
        seriesLabels: { le: '4', node: 'a' },
        labels: { trace_id: TRACE, span_id: SPAN },
        value: 3.5,
        timestampMs: 1_700_000_000_250,
      },
      {
        name: 'dwcp_m_bytes_total',
        seriesLabels: { node: 'a' },
        labels: { trace_id: 'x' },
        value: 1,
        timestampMs: undefined,
      },
    ]);
    assert.equal(r.invalidExemplars, 0);
  });

  it('refuses a body without # EOF or with content after it, naming the line', () => {
    const refused = (body: string, line: number, message: RegExp) =>
      assert.throws(
        () => parse(body),
        (e: unknown) => e instanceof ExpositionParseError && e.line === line && message.test(e.message),
        JSON.stringify(body),
      );
    refused('a 1\n', 1, /does not end with # EOF/);
    refused('a 1\nb 2', 2, /does not end with # EOF/);
    refused('', 1, /does not end with # EOF/);
    refused('a 1\n# EOFx\n', 2, /does not end with # EOF/);
    refused('a 1\n# EOF\nb 2\n', 3, /content after # EOF/);
    refused('a 1\n# EOF\n\n', 3, /content after # EOF/);
    // the end of the body is checked before its lines: a malformed line before a missing # EOF names the # EOF
    refused('a{ 1\n', 1, /does not end with # EOF/);
    // `\r\n` line ends, with or without a final newline
    assert.equal(parse('a 1\r\n# EOF\r\n').samples.length, 1);
    assert.equal(parse('a 1\n# EOF').samples.length, 1);
  });

  it('a malformed sample is the strict parser’s error, naming the body’s own line', () => {
    assert.throws(
      () => parse('# TYPE a gauge\n# UNIT a bytes\na{x="1} 1\n# EOF\n'),
      (e: unknown) => e instanceof ExpositionParseError && e.line === 3,
    );
    assert.throws(
      () => parse('# TYPE a gauge\na 1 1.5.5\n# EOF\n'),
      (e: unknown) => e instanceof ExpositionParseError && e.line === 2 && /bad timestamp/.test(e.message),
    );
    assert.throws(
      () => parse('# TYPE a gauge\na 1 1.5 x\n# EOF\n'),
      (e: unknown) => e instanceof ExpositionParseError && e.line === 2,
    );
  });

  it('keeps the size limit: a body over maxBytes is refused before it is read', () => {
    const body = '# TYPE a gauge\na 1\n# EOF\n';
    assert.throws(
      () => parseOpenMetrics(body, { defaultTimestampMs: TS, maxBytes: body.length - 1 }),
      PayloadTooLargeError,
    );
    assert.equal(parseOpenMetrics(body, { defaultTimestampMs: TS, maxBytes: body.length }).samples.length, 1);
  });

  it('maps family types and drops only the _created samples of counters, histograms and summaries', () => {
    const r = parse(
      [
        '# TYPE s stateset',
        's{s="a"} 1',
        '# TYPE i info',
        'i_info{v="1"} 1',
        '# TYPE g gaugehistogram',
        'g_bucket{le="+Inf"} 1',
        '# TYPE q summary',
        'q_sum 1',
        'q_count 1',
        'q_created 5',
        '# TYPE k gauge',
        'k_created 5',
        '# HELP c Count.',
        '# TYPE c counter',
        'c_total 3',
        'c_created 1',
        '# EOF',
        '',
      ].join('\n'),
    );
    assert.deepEqual(
      [...r.families].map(([n, f]) => `${n}:${f.type}`),
      ['s:gauge', 'i:untyped', 'g:untyped', 'q:summary', 'k:gauge', 'c_total:counter'],
    );
    assert.deepEqual(
      r.samples.map((x) => x.name),
      ['s', 'i_info', 'g_bucket', 'q_sum', 'q_count', 'k_created', 'c_total'],
    );
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
      const r = parse(
        `# TYPE h histogram\nh_bucket{le="1"} 7 ${exemplar}\nh_bucket{le="+Inf"} 7\nh_sum 1\nh_count 7\n# EOF\n`,
      );
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
          const set = Object.entries(labels)
            .map(([k, v]) => `${k}="${v}"`)
            .join(',');
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
      fc.constantFrom(
        '# EOF',
        '# TYPE a counter',
        '# HELP a x',
        '# UNIT a s',
        'a_total 1 # {t="1"} 2 3',
        'a_created 5',
        'b{le="1"} 2 1.5',
      ),
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

  it('property: a valid OpenMetrics body parses to exactly what its text-format rendering parses to, plus its exemplars', () => {
    fc.assert(
      fc.property(fc.array(familyArb, { minLength: 1, maxLength: 4 }), (families) => {
        const { om, text, exemplars, invalid } = render(families);
        const got = parseOpenMetrics(om, { defaultTimestampMs: TS });
        const want = parseExposition(text, { defaultTimestampMs: TS });
        assert.deepEqual(got.samples, want.samples, om);
        assert.deepEqual(got.families, want.families, om);
        assert.equal(got.duplicates, want.duplicates);
        assert.deepEqual(got.exemplars, exemplars, om);
        assert.equal(got.invalidExemplars, invalid);
      }),
      { numRuns: 600 },
    );
  });
});

// ---- random valid OpenMetrics families and their rendering in both formats (the property's oracle)

type OmType =
  'counter' | 'gauge' | 'histogram' | 'summary' | 'unknown' | 'stateset' | 'info' | 'gaugehistogram';
interface GenExemplar {
  readonly labels: [string, string][];
  readonly value: number;
  readonly tsMs: number | null;
}
interface GenSeries {
  readonly labels: [string, string][];
  readonly value: number;
  readonly tsMs: number | null;
  readonly exemplar: GenExemplar | 'malformed' | null;
  readonly created: boolean;
}
interface GenFamily {
  readonly type: OmType;
  readonly help: string | null;
  readonly helpFirst: boolean;
  readonly unit: boolean;
  readonly series: GenSeries[];
}

const TEXT_TYPE: Record<OmType, string> = {
  counter: 'counter',
  gauge: 'gauge',
  histogram: 'histogram',
  summary: 'summary',
  unknown: 'untyped',
  stateset: 'gauge',
  info: 'untyped',
  gaugehistogram: 'untyped',
};
const hex = fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: 1, maxLength: 32 });
const exemplarArb: fc.Arbitrary<GenExemplar> = fc.record({
  labels: fc.uniqueArray(fc.tuple(fc.constantFrom('trace_id', 'span_id', 'x'), hex), {
    selector: ([k]) => k,
    minLength: 0,
    maxLength: 2,
  }),
  value: fc.double({ noNaN: true, noDefaultInfinity: true }),
  tsMs: fc.option(fc.integer({ min: 0, max: 4_000_000_000_000 })),
});
const familyArb: fc.Arbitrary<GenFamily> = fc.record({
  type: fc.constantFrom<OmType>(
    'counter',
    'gauge',
    'histogram',
    'summary',
    'unknown',
    'stateset',
    'info',
    'gaugehistogram',
  ),
  help: fc.option(fc.string({ maxLength: 12 })),
  helpFirst: fc.boolean(),
  unit: fc.boolean(),
  series: fc.array(
    fc.record({
      labels: fc.uniqueArray(
        fc.tuple(fc.constantFrom('a', 'node', 'x_1', 'Region'), fc.string({ maxLength: 6 })),
        { selector: ([k]) => k, maxLength: 3 },
      ),
      value: fc.double(),
      tsMs: fc.option(fc.integer({ min: 0, max: 4_000_000_000_000 })),
      exemplar: fc.option(fc.oneof(exemplarArb, fc.constant<'malformed'>('malformed'))),
      created: fc.boolean(),
    }),
    { minLength: 1, maxLength: 3 },
  ),
});

const num = (v: number): string =>
  Number.isNaN(v) ? 'NaN' : v === Infinity ? '+Inf' : v === -Infinity ? '-Inf' : String(v);
const esc = (v: string): string => v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
const set = (labels: readonly [string, string][]): string =>
  labels.length === 0 ? '' : `{${labels.map(([k, v]) => `${k}="${esc(v)}"`).join(',')}}`;

/** One family's lines in OpenMetrics and in the text format, the exemplars expected and the malformed ones. */
function render(families: readonly GenFamily[]): {
  om: string;
  text: string;
  exemplars: unknown[];
  invalid: number;
} {
  const om: string[] = [];
  const text: string[] = [];
  const exemplars: unknown[] = [];
  let invalid = 0;
  families.forEach((f, n) => {
    const name = `fam${n}_x`;
    const family = f.type === 'counter' ? `${name}_total` : name;
    const help =
      f.help === null
        ? []
        : [
            [
              `# HELP ${name} ${f.help.replace(/\\/g, '\\\\').replace(/\n/g, '\\n')}`,
              `# HELP ${family} ${f.help.replace(/\\/g, '\\\\').replace(/\n/g, '\\n')}`,
            ],
          ];
    const meta = f.helpFirst
      ? [...help, [`# TYPE ${name} ${f.type}`, `# TYPE ${family} ${TEXT_TYPE[f.type]}`]]
      : [[`# TYPE ${name} ${f.type}`, `# TYPE ${family} ${TEXT_TYPE[f.type]}`], ...help];
    for (const [o, t] of meta) {
      om.push(o!);
      text.push(t!);
    }
    if (f.unit) om.push(`# UNIT ${name} seconds`);
    for (const s of f.series) {
      const ts = (tail: string) =>
        (s.tsMs === null ? ['', ''] : [` ${s.tsMs / 1000}`, ` ${s.tsMs}`]).map(
          (x, i) => x + (i === 0 ? tail : ''),
        );
      const sample = (
        sampleName: string,
        labels: [string, string][],
        value: number,
        withExemplar: boolean,
      ) => {
        let tail = '';
        const e = withExemplar ? s.exemplar : null;
        if (e === 'malformed') {
          tail = ' # {trace_id="1"} not-a-number';
          invalid++;
        } else if (e !== null) {
          tail = ` # ${set(e.labels).length > 0 ? set(e.labels) : '{}'} ${num(e.value)}${e.tsMs === null ? '' : ` ${e.tsMs / 1000}`}`;
          exemplars.push({
            name: sampleName,
            seriesLabels: Object.fromEntries(labels),
            labels: Object.fromEntries(e.labels),
            value: Number(num(e.value)),
            timestampMs: e.tsMs ?? undefined,
          });
        }
        const [omTs, textTs] = ts(tail);
        om.push(`${sampleName}${set(labels)} ${num(value)}${omTs}`);
        text.push(`${sampleName}${set(labels)} ${num(value)}${textTs}`);
      };
      const created = (base: string) => {
        if (s.created) om.push(`${base}_created${set(s.labels)} 1700000000.5`);
      };
      const abs = Math.abs(s.value);
      if (f.type === 'counter') {
        sample(`${name}_total`, s.labels, abs, true);
        created(name);
      } else if (f.type === 'histogram' || f.type === 'gaugehistogram') {
        sample(`${name}_bucket`, [...s.labels, ['le', '1']], abs, true);
        sample(`${name}_bucket`, [...s.labels, ['le', '+Inf']], abs, false);
        sample(f.type === 'histogram' ? `${name}_sum` : `${name}_gsum`, s.labels, s.value, false);
        sample(f.type === 'histogram' ? `${name}_count` : `${name}_gcount`, s.labels, abs, false);
        if (f.type === 'histogram') created(name);
      } else if (f.type === 'summary') {
        sample(name, [...s.labels, ['quantile', '0.5']], s.value, false);
        sample(`${name}_sum`, s.labels, s.value, false);
        sample(`${name}_count`, s.labels, abs, false);
        created(name);
      } else if (f.type === 'stateset') {
        sample(name, [...s.labels, [name, 'on']], 1, false);
      } else if (f.type === 'info') {
        sample(`${name}_info`, s.labels, 1, false);
      } else {
        sample(name, s.labels, s.value, false);
      }
    }
  });
  om.push('# EOF', '');
  text.push('');
  return { om: om.join('\n'), text: text.join('\n'), exemplars, invalid };
}
