import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { PromQueryError } from '../../../src/query/promql/errors.ts';
import { parsePromQL } from '../../../src/query/promql/parse.ts';

function refused(query: string, message: RegExp): void {
  assert.throws(
    () => parsePromQL(query),
    (e: unknown) => e instanceof PromQueryError && e.errorType === 'bad_data' && message.test(e.message),
    query,
  );
}

describe('PromQL parsing', () => {
  it('reads the subset into its typed tree', () => {
    assert.deepEqual(parsePromQL('sum by (j) (rate(x_total{a="1",b!~"c.*"}[5m])) * 2'), {
      kind: 'binary',
      op: '*',
      lhs: {
        kind: 'aggregate',
        op: 'sum',
        grouping: { mode: 'by', labels: ['j'] },
        expr: {
          kind: 'range-call',
          fn: 'rate',
          rangeMs: 300_000,
          selector: {
            metric: 'x_total',
            matchers: [
              { name: 'a', op: '=', value: '1' },
              { name: 'b', op: '!~', value: 'c.*', regex: /^(?:c.*)$/s },
            ],
            offsetMs: 0,
          },
        },
      },
      rhs: { kind: 'number', value: 2 },
      bool: false,
      matching: undefined,
    });
    assert.deepEqual(parsePromQL('(up)'), {
      kind: 'selector',
      selector: { metric: 'up', matchers: [], offsetMs: 0 },
    });
  });

  it('reads offsets, selectors without a metric name, functions and vector matching', () => {
    const sel = (q: string) => {
      const e = parsePromQL(q);
      assert.equal(e.kind, 'selector', q);
      return e.kind === 'selector' ? e.selector : undefined;
    };
    assert.equal(sel('x offset 5m')!.offsetMs, 300_000);
    assert.equal(sel('x offset -1m30s')!.offsetMs, -90_000);
    assert.deepEqual(sel('{job="a"}'), {
      metric: undefined,
      matchers: [{ name: 'job', op: '=', value: 'a' }],
      offsetMs: 0,
    });
    assert.equal(sel('{__name__=~"dwcp_.*"}')!.metric, undefined);
    const r = parsePromQL('changes(x[30m] offset 1h)');
    assert.ok(r.kind === 'range-call' && r.fn === 'changes' && r.selector.offsetMs === 3_600_000);
    const h = parsePromQL('histogram_quantile(0.9, sum by (le) (rate(x_bucket[5m])))');
    assert.ok(h.kind === 'call' && h.fn === 'histogram_quantile' && h.args[0]!.kind === 'number');
    const b = parsePromQL('a == bool on (x) group_left (y) b');
    assert.ok(b.kind === 'binary' && b.bool && b.op === '==');
    if (b.kind === 'binary')
      assert.deepEqual(b.matching, { card: 'many-to-one', on: true, labels: ['x'], include: ['y'] });
    const s = parsePromQL('a and ignoring (z) b');
    if (s.kind === 'binary')
      assert.deepEqual(s.matching, { card: 'many-to-many', on: false, labels: ['z'], include: [] });
    const gr = parsePromQL('a / ignoring (z) group_right b');
    if (gr.kind === 'binary') assert.equal(gr.matching!.card, 'one-to-many');
    assert.equal(parsePromQL('1 < bool 2').kind, 'binary');
    assert.equal(parsePromQL('a > 1').kind, 'binary');
  });

  it('refuses what the Prometheus parser refuses in the new constructs', () => {
    refused('{job=~".*"}', /at least one non-empty matcher/);
    refused('1 < 2', /comparisons between scalars must use BOOL/);
    refused('a + bool b', /bool modifier can only be used on comparison/);
    refused('a and 1', /set operator "and" not allowed in binary scalar/);
    refused('a and on (x) group_left b', /no grouping allowed for "and"/);
    refused('a + on (x) group_left (x) b', /must not occur in ON and GROUP/);
    refused('a + on (x) 1', /vector matching only allowed between instant vectors/);
    refused('abs(1)', /abs\(\) takes \(vector\)/);
    refused('histogram_quantile(x, y)', /takes \(scalar, vector\)/);
    refused('sum(x) offset 5m', /not supported by this monitor: offset modifier on anything but a selector/);
  });

  it('names every construct outside the subset', () => {
    refused('x @ 100', /not supported by this monitor: @ modifier/);
    refused('max_over_time(x[5m:1m])', /takes one range vector/);
    refused('x[5m:1m]', /not supported by this monitor: subquery/);
    refused('topk(2, x)', /not supported by this monitor: aggregation topk/);
    refused('label_replace(x, "a", "b", "c", "d")', /not supported by this monitor: function label_replace/);
    refused('a atan2 b', /not supported by this monitor: binary operator atan2/);
    refused('x[5m]', /not supported by this monitor: range selector outside a range function/);
    refused('x{a=~"(?=b)"}', /not supported by this monitor: lookaround/);
    refused('x{a=~"(a)\\\\1"}', /not supported by this monitor: backreference/);
    refused('x{a=~"(?s)b"}', /not supported by this monitor: inline flags/);
    refused('"text"', /not supported by this monitor: string literal/);
  });

  it('refuses syntax errors and bad literals with bad_data', () => {
    refused('', /empty query/);
    refused('sum(', /parse error at character/);
    refused('rate(x[0s])', /range must be greater than 0/);
    refused('x{a=~"("}', /invalid regular expression/);
    refused('x'.repeat(20_000), /longer than/);
  });

  it('accepts a leading (?i) as a case-insensitive regex', () => {
    const e = parsePromQL('x{a=~"(?i)abc"}');
    assert.equal(e.kind, 'selector');
    if (e.kind === 'selector') assert.equal(e.selector.matchers[0]!.regex!.test('ABC'), true);
  });

  it('property: any text either parses or throws PromQueryError, nothing else', () => {
    const pieces = fc.constantFrom(
      'sum',
      'rate',
      '(',
      ')',
      '[5m]',
      '{',
      '}',
      'a="b"',
      ',',
      'x',
      ' by ',
      '*',
      '2',
      '"',
      '=~',
      '@',
      'offset',
      '-',
      'without',
      ':',
    );
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ maxLength: 40 }),
          fc.array(pieces, { maxLength: 12 }).map((a) => a.join('')),
        ),
        (q) => {
          try {
            parsePromQL(q);
          } catch (e) {
            if (!(e instanceof PromQueryError)) throw e;
          }
        },
      ),
      { numRuns: 2000 },
    );
  });
});
