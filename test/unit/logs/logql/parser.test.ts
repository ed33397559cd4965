/**
 * The LogQL parser: the supported forms, clear errors with a column for unsupported or broken queries, and
 * fast-check fuzzing — any text either parses or throws LogqlParseError (never anything else), and
 * parse(format(tree)) gives back the tree for generated trees.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  formatQuery,
  type LogQuery,
  type Matcher,
  type Query,
  type Stage,
} from '../../../../src/logs/logql/ast.ts';
import { LogqlParseError, parseLogql } from '../../../../src/logs/logql/parser.ts';

describe('parseLogql', () => {
  it('parses selectors, line filters, json and label filters', () => {
    assert.deepEqual(
      parseLogql(
        '{service="dwcp-node", level=~"error|warn"} |= "timeout" != `retry` |~ "a.c" !~ "x" | json | status >= 500 | node!="a" | json',
      ),
      {
        kind: 'log',
        selector: [
          { name: 'service', op: '=', value: 'dwcp-node' },
          { name: 'level', op: '=~', value: 'error|warn' },
        ],
        pipeline: [
          { kind: 'line', op: '|=', value: 'timeout' },
          { kind: 'line', op: '!=', value: 'retry' },
          { kind: 'line', op: '|~', value: 'a.c' },
          { kind: 'line', op: '!~', value: 'x' },
          { kind: 'json' },
          { kind: 'compare', name: 'status', op: '>=', value: 500 },
          { kind: 'label', matcher: { name: 'node', op: '!=', value: 'a' } },
          { kind: 'json' },
        ],
      },
    );
  });
  it('parses count_over_time and rate with a range', () => {
    assert.deepEqual(parseLogql('rate({a="b"} |= "x" [5m])'), {
      kind: 'metric',
      fn: 'rate',
      rangeMs: 300_000,
      query: {
        kind: 'log',
        selector: [{ name: 'a', op: '=', value: 'b' }],
        pipeline: [{ kind: 'line', op: '|=', value: 'x' }],
      },
    });
    assert.equal((parseLogql('count_over_time({a="b"}[1h30m])') as { rangeMs: number }).rangeMs, 5_400_000);
  });
  it('parses sum, sum by (...) before or after its argument', () => {
    const inner = {
      kind: 'metric',
      fn: 'rate',
      rangeMs: 60_000,
      query: { kind: 'log', selector: [{ name: 'a', op: '=', value: 'b' }], pipeline: [] },
    };
    assert.deepEqual(parseLogql('sum by (node_id, level) (rate({a="b"}[1m]))'), {
      ...inner,
      sumBy: ['node_id', 'level'],
    });
    assert.deepEqual(parseLogql('sum(rate({a="b"}[1m])) by (node_id,node_id)'), {
      ...inner,
      sumBy: ['node_id'],
    });
    assert.deepEqual(parseLogql('sum(rate({a="b"}[1m]))'), { ...inner, sumBy: [] });
    assert.deepEqual(parseLogql('sum by () (rate({a="b"}[1m]))'), { ...inner, sumBy: [] });
  });
  it('parses logfmt, and a label filter on a label named logfmt', () => {
    assert.deepEqual((parseLogql('{a="b"} | logfmt | status >= 500 | logfmt="x"') as LogQuery).pipeline, [
      { kind: 'logfmt' },
      { kind: 'compare', name: 'status', op: '>=', value: 500 },
      { kind: 'label', matcher: { name: 'logfmt', op: '=', value: 'x' } },
    ]);
  });
  it('parses line_format with a template, and a label filter on a label named line_format', () => {
    assert.deepEqual(
      (
        parseLogql(
          '{a="b"} | json | line_format "{{.node_id}}: {{ .msg }}" |= "x" | line_format=`y`',
        ) as LogQuery
      ).pipeline,
      [
        { kind: 'json' },
        { kind: 'line_format', template: '{{.node_id}}: {{ .msg }}' },
        { kind: 'line', op: '|=', value: 'x' },
        { kind: 'label', matcher: { name: 'line_format', op: '=', value: 'y' } },
      ],
    );
  });
  it('reads `| json != "x"` as json followed by a line filter', () => {
    assert.deepEqual((parseLogql('{a="b"} | json != "x"') as LogQuery).pipeline, [
      { kind: 'json' },
      { kind: 'line', op: '!=', value: 'x' },
    ]);
  });
  const bad: [string, RegExp][] = [
    ['', /column 1: expected a stream selector/],
    ['{}', /at least one label matcher/],
    ['{a=}', /column 4: expected a string/],
    ['{a~"b"}', /column 3: expected a label matcher operator/],
    ['{a="b"', /expected "," or "}"/],
    ['{a="b"} |~ "("', /invalid regular expression/],
    ['{a="b"} | ', /expected "json", "logfmt", "line_format", a label filter/],
    ['max(rate({a="b"}[1m]))', /unsupported function "max"/],
    ['sum({a="b"})', /expected count_over_time\(...\) or rate\(...\) inside sum/],
    ['sum(sum(rate({a="b"}[1m])))', /unsupported function "sum"/],
    ['sum by (a) (rate({a="b"}[1m])) by (b)', /"by" given twice/],
    ['sum by (a (rate({a="b"}[1m]))', /expected "," or "\)" after a label name/],
    ['sum by (a,) (rate({a="b"}[1m]))', /expected a label name/],
    ['rate({a="b"})', /expected a range such as \[5m\]/],
    ['rate({a="b"}[0s])', /range must be > 0/],
    ['{a="b"} extra', /column 9: unexpected text after the query/],
    ['{a="\\q"}', /expected a string/],
    [
      '{a="b"} | line_format "{{.a | ToUpper}}"',
      /column 23: invalid line_format template: unsupported action \{\{\.a \| ToUpper\}\}: only field references such as \{\{\.node_id\}\} are supported \(at character 1 of the template\)/,
    ],
    [
      '{a="b"} | line_format "x {{.a"',
      /invalid line_format template: unclosed action "\{\{".*at character 3 of the template/,
    ],
    ['{a="b"} | line_format "{{if .a}}x{{end}}"', /unsupported action \{\{if \.a\}\}/],
    ['{a="b"} | line_format "{{ $x := 1 }}"', /unsupported action/],
    ['{a="b"} | line_format "{{.}}"', /unsupported action \{\{\.\}\}/],
    ['{a="b"} | line_format "{{.a.b}}"', /unsupported action/],
    ['{a="b"} | line_format', /expected a label matcher operator/],
    [`{a="b"} | line_format "${'{{.a}}'.repeat(65)}"`, /more than 64 field references/],
  ];
  for (const [q, err] of bad)
    it(`refuses ${JSON.stringify(q)}`, () =>
      assert.throws(
        () => parseLogql(q),
        (e: unknown) => e instanceof LogqlParseError && err.test(e.message),
      ));
});

describe('parseLogql fuzzing', () => {
  it('any text parses or throws LogqlParseError', () => {
    const alphabet = fc.constantFrom(
      '{',
      '}',
      '"',
      '`',
      '=',
      '!',
      '~',
      '|',
      ',',
      '(',
      ')',
      '[',
      ']',
      ' ',
      'a',
      'json',
      'logfmt',
      'rate',
      'sum',
      'by',
      'count_over_time',
      '5m',
      '1',
      '.',
      '\\',
      '>',
      '<',
      'x',
    );
    const texts = fc.oneof(
      fc.string({ maxLength: 60 }),
      fc.array(alphabet, { maxLength: 30 }).map((a) => a.join('')),
    );
    fc.assert(
      fc.property(texts, (s) => {
        try {
          parseLogql(s);
        } catch (e) {
          assert.ok(e instanceof LogqlParseError, `${JSON.stringify(s)} threw ${String(e)}`);
        }
      }),
      { numRuns: 5000 },
    );
  });

  const name = fc.stringMatching(/^[a-z_][a-z0-9_]{0,6}$/).filter((n) => n !== 'json' && n !== 'logfmt');
  const text = fc.string({ maxLength: 12 });
  const safeRegex = fc.constantFrom('a.*', 'x|y', '[0-9]+', '(er)?ror', '');
  const matcher: fc.Arbitrary<Matcher> = fc.oneof(
    fc.record({ name, op: fc.constantFrom('=' as const, '!=' as const), value: text }),
    fc.record({ name, op: fc.constantFrom('=~' as const, '!~' as const), value: safeRegex }),
  );
  const stage: fc.Arbitrary<Stage> = fc.oneof(
    fc.record({
      kind: fc.constant('line' as const),
      op: fc.constantFrom('|=' as const, '!=' as const),
      value: text,
    }),
    fc.record({
      kind: fc.constant('line' as const),
      op: fc.constantFrom('|~' as const, '!~' as const),
      value: safeRegex,
    }),
    fc.constant({ kind: 'json' as const }),
    fc.constant({ kind: 'logfmt' as const }),
    fc.record({
      kind: fc.constant('line_format' as const),
      template: fc.oneof(
        text.filter((t) => !t.includes('{{')),
        fc.constantFrom('{{.a}}', '{{ .node_id }} x {{.__line__}}', 'a}}b'),
      ),
    }),
    fc.record({ kind: fc.constant('label' as const), matcher }),
    fc.record({
      kind: fc.constant('compare' as const),
      name,
      op: fc.constantFrom(
        '==' as const,
        '!=' as const,
        '>' as const,
        '>=' as const,
        '<' as const,
        '<=' as const,
      ),
      value: fc
        .double({ noNaN: true, noDefaultInfinity: true, min: -1e9, max: 1e9 })
        .map((v) => (Object.is(v, -0) ? 0 : v)),
    }),
  );
  const logQuery: fc.Arbitrary<LogQuery> = fc.record({
    kind: fc.constant('log' as const),
    selector: fc.array(matcher, { minLength: 1, maxLength: 3 }),
    pipeline: fc.array(stage, { maxLength: 5 }),
  });
  const metric = fc.record({
    kind: fc.constant('metric' as const),
    fn: fc.constantFrom('count_over_time' as const, 'rate' as const),
    query: logQuery,
    rangeMs: fc.integer({ min: 1, max: 86_400_000 }),
  });
  const summed = fc
    .tuple(metric, fc.uniqueArray(name, { maxLength: 3 }))
    .map(([m, sumBy]) => ({ ...m, sumBy }));
  const query: fc.Arbitrary<Query> = fc.oneof(logQuery, metric, summed);

  it('parse(format(tree)) is the tree', () => {
    // fast-check records have a null prototype; compare them as plain JSON data
    fc.assert(
      fc.property(query, (q) => assert.deepEqual(parseLogql(formatQuery(q)), JSON.parse(JSON.stringify(q)))),
      { numRuns: 3000 },
    );
  });
});
