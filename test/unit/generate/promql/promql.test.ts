import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parser } from '@prometheus-io/lezer-promql';
import { getMetric, metricForSampleName } from '../../../../src/catalog/index.ts';
import { InvalidInputError } from '../../../../src/errors.ts';
import { allDashboards } from '../../../../src/generate/grafana/index.ts';
import {
  add,
  aggBy,
  bin,
  div,
  durationSeconds,
  eq,
  gt,
  histogramQuantile,
  mul,
  num,
  paren,
  rate,
  re,
  sub,
  sumBy,
} from '../../../../src/generate/promql/build.ts';
import { outputLabels, selectorsOf } from '../../../../src/generate/promql/labels.ts';
import {
  bucketRef,
  countRef,
  metricRef,
  recordedRef,
  recordedRefByName,
  sumRef,
} from '../../../../src/generate/promql/metric.ts';
import { printExpr } from '../../../../src/generate/promql/print.ts';
import { allRecordingRules, allRuleGroups } from '../../../../src/generate/rules/index.ts';

/** Number of lezer error nodes (⚠) in the parse tree of a PromQL text. */
function errorNodes(text: string): number {
  let errors = 0;
  parser.parse(text).iterate({
    enter: (n) => {
      if (n.type.isError) errors++;
    },
  });
  return errors;
}

/** Grafana substitutes variables before the query reaches Prometheus; do the same before parsing. */
function substituteGrafanaVariables(expr: string): string {
  return expr
    .replace(/\$__rate_interval|\$__interval|\$interval/g, '5m')
    .replace(/\$price_per_gb/g, '0.02')
    .replace(/\$\{?([A-Za-z_]+)\}?/g, '$1');
}

describe('PromQL printer', () => {
  it('prints selectors, ranges, aggregations and matching as PromQL', () => {
    const errors = metricRef(getMetric('dwcp_amst_errors_total'), eq('cluster', 'c1'), re('node', 'n.*'));
    assert.equal(printExpr(errors), 'dwcp_amst_errors_total{cluster="c1", node=~"n.*"}');
    assert.equal(
      printExpr(sumBy(['cluster'], rate(errors, '5m'))),
      'sum by (cluster) (rate(dwcp_amst_errors_total{cluster="c1", node=~"n.*"}[5m]))',
    );
    const up = metricRef(getMetric('up'));
    assert.equal(printExpr(bin('==', up, num(1), { bool: true })), 'up == bool 1');
    assert.equal(
      printExpr(
        bin('*', up, up, { matching: { on: ['instance'], group: { side: 'left', include: ['job'] } } }),
      ),
      'up * on (instance) group_left (job) up',
    );
    assert.equal(
      printExpr(bin('and', up, up, { matching: { ignoring: ['job'] } })),
      'up and ignoring (job) up',
    );
  });

  it('adds parentheses where precedence needs them and only there', () => {
    const a = num(1);
    const b = num(2);
    const c = num(3);
    assert.equal(printExpr(mul(add(a, b), c)), '(1 + 2) * 3');
    assert.equal(printExpr(add(a, mul(b, c))), '1 + 2 * 3');
    assert.equal(printExpr(sub(a, sub(b, c))), '1 - (2 - 3)');
    assert.equal(printExpr(sub(sub(a, b), c)), '1 - 2 - 3');
    assert.equal(printExpr(bin('^', bin('^', a, b), c)), '(1 ^ 2) ^ 3');
    assert.equal(printExpr(bin('^', a, bin('^', b, c))), '1 ^ 2 ^ 3');
    assert.equal(printExpr(div(paren(add(a, b)), c)), '(1 + 2) / 3');
    assert.equal(printExpr(num(Infinity)), 'Inf');
  });

  it('escapes label values', () => {
    const s = metricRef(getMetric('up'), eq('job', 'a"b\\c'));
    assert.equal(printExpr(s), 'up{job="a\\"b\\\\c"}');
    assert.equal(errorNodes(printExpr(s)), 0);
  });
});

describe('catalog-checked selectors', () => {
  it('refuses a metric outside the catalog', () => {
    // A name outside the catalog does not compile; forced through a cast it still throws at run time.
    // @ts-expect-error 'dwcp_v3_anomalies_total' is not a MetricName
    assert.throws(() => metricRef(getMetric('dwcp_v3_anomalies_total')), /not in the catalog/);
  });

  it('refuses histogram parts of non-histograms and plain selectors of histograms', () => {
    assert.throws(() => bucketRef(getMetric('dwcp_v3_compression_ratio')), InvalidInputError);
    assert.throws(() => sumRef(getMetric('up')), InvalidInputError);
    assert.throws(() => metricRef(getMetric('dwcp_v3_migration_latency_seconds')), InvalidInputError);
    assert.equal(
      bucketRef(getMetric('dwcp_v3_migration_latency_seconds')).name,
      'dwcp_v3_migration_latency_seconds_bucket',
    );
    assert.equal(
      countRef(getMetric('dwcp_v3_migration_latency_seconds')).name,
      'dwcp_v3_migration_latency_seconds_count',
    );
  });

  it('checks matchers against catalog labels plus target labels', () => {
    // The original queried dwcp_v3_compression_ratio{mode="internet"}, but the metric has no mode label (inventory 1.7).
    assert.throws(
      () => metricRef(getMetric('dwcp_v3_compression_ratio'), eq('mode', 'internet')),
      /not a label/,
    );
    assert.doesNotThrow(() =>
      metricRef(getMetric('dwcp_v3_compression_ratio'), eq('region', 'us-east'), eq('algorithm', 'zstd')),
    );
    assert.throws(() => metricRef(getMetric('up'), eq('bad-name', 'x')), InvalidInputError);
    assert.doesNotThrow(() => bucketRef(getMetric('dwcp_v3_migration_latency_seconds'), eq('le', '0.5')));
  });

  it('refuses grouping by a label the operand does not carry', () => {
    const s = metricRef(getMetric('dwcp_v3_compression_ratio'));
    assert.throws(() => outputLabels(sumBy(['mode'], s)), /label not carried/);
    assert.throws(
      () =>
        outputLabels(
          histogramQuantile(0.5, bucketRef(getMetric('dwcp_amst_latency_seconds')), '5m', ['mode']),
        ),
      /label not carried/,
    );
  });

  it('infers output labels of aggregations, quantiles and vector matching', () => {
    const h = histogramQuantile(0.99, bucketRef(getMetric('dwcp_v3_migration_latency_seconds')), '5m', [
      'region',
    ]);
    assert.deepEqual([...outputLabels(h)], ['region']);
    const up = metricRef(getMetric('up'));
    assert.deepEqual([...outputLabels(bin('/', up, up, { matching: { on: ['instance'] } }))], ['instance']);
    assert.deepEqual([...outputLabels(aggBy('count', ['region'], gt(up, num(0))))], ['region']);
    assert.deepEqual([...outputLabels(gt(up, num(0)))].sort(), ['instance', 'job', 'node', 'region']);
    const rule = { record: 'job:up:sum', expr: sumBy(['job'], up) };
    assert.deepEqual(recordedRef(rule).labels, ['job']);
    assert.throws(() => recordedRef(rule, eq('instance', 'x')), /not a label/);
    assert.deepEqual(
      recordedRefByName([rule], 'job:up:sum', eq('job', 'dwcp')),
      recordedRef(rule, eq('job', 'dwcp')),
    );
    assert.throws(() => recordedRefByName([rule], 'job:up:max'), InvalidInputError);
  });

  it('validates durations', () => {
    assert.equal(durationSeconds('1h30m'), 5400);
    assert.equal(durationSeconds('3d'), 259200);
    assert.throws(() => rate(metricRef(getMetric('up')), '5 minutes' as '5m'), InvalidInputError);
  });
});

describe('every generated expression parses with @prometheus-io/lezer-promql', () => {
  it('rules: no error nodes, and every selector is a catalog metric (or histogram part) or a recording rule', () => {
    const recorded = new Set(allRecordingRules().map((r) => r.record));
    let count = 0;
    for (const g of allRuleGroups()) {
      for (const r of g.rules) {
        const text = printExpr(r.expr);
        assert.equal(errorNodes(text), 0, `${r.kind === 'alert' ? r.name : r.record}: ${text}`);
        for (const name of selectorsOf(r.expr)) {
          assert.ok(
            metricForSampleName(name) !== undefined || recorded.has(name),
            `${name} is neither in the catalog nor a recording rule`,
          );
        }
        count++;
      }
    }
    assert.ok(count >= 100, `expected 100+ rules, got ${count}`);
  });

  it('dashboards: every target parses once Grafana variables are substituted', () => {
    let count = 0;
    for (const d of allDashboards()) {
      for (const p of d.panels) {
        for (const t of p.targets) {
          const text = substituteGrafanaVariables(t.expr);
          assert.equal(errorNodes(text), 0, `${String(d.uid)} / ${p.title}: ${t.expr}`);
          count++;
        }
      }
    }
    assert.ok(count > 100, `expected 100+ dashboard queries, got ${count}`);
  });

  it('the parse check itself catches broken PromQL', () => {
    assert.ok(errorNodes('sum by (le (rate(x[5m]))') > 0);
    assert.ok(errorNodes('rate(x[5m]) >') > 0);
  });
});
