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
          },
        },
      },
      rhs: { kind: 'number', value: 2 },
    });
    assert.deepEqual(parsePromQL('(up)'), {
      kind: 'selector',
      selector: { metric: 'up', matchers: [] },
    });
  });

  it('names every construct outside the subset', () => {
    refused('x offset 5m', /not supported by this monitor: offset modifier/);
    refused('x @ 100', /not supported by this monitor: @ modifier/);
    refused('max_over_time(x[5m:1m])', /takes one range vector/);
    refused('x[5m:1m]', /not supported by this monitor: subquery/);
    refused('topk(2, x)', /not supported by this monitor: aggregation topk/);
    refused('histogram_quantile(0.9, x)', /not supported by this monitor: function histogram_quantile/);
    refused('a + b', /not supported by this monitor: arithmetic between two vectors/);
    refused('a > 1', /not supported by this monitor: binary operator >/);
    refused('x[5m]', /not supported by this monitor: range selector outside a range function/);
    refused('{job="a"}', /not supported by this monitor: a selector without a metric name/);
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
