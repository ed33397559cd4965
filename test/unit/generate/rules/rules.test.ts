import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { getMetric } from '../../../../src/catalog/index.ts';
import type { Expr } from '../../../../src/generate/promql/ast.ts';
import { outputLabels } from '../../../../src/generate/promql/labels.ts';
import { printExpr } from '../../../../src/generate/promql/print.ts';
import { histogramBuckets } from '../../../../src/generate/rules/fixtures.ts';
import { allAlerts, allRuleGroups, ruleFiles } from '../../../../src/generate/rules/index.ts';
import { PRODUCTION_GROUPS } from '../../../../src/generate/rules/production.ts';
import {
  alertLabels,
  DEFAULT_RUNBOOK_BASE_URL,
  renderRuleFile,
  runbookSlug,
  runbookUrl,
} from '../../../../src/generate/rules/render.ts';
import { minBurnEvents } from '../../../../src/analysis/slo/burn-rate.ts';
import {
  BURN_WINDOWS,
  SLOS,
  sloAlerts,
  sloEventsRecordName,
  sloGroups,
  sloRecordingRules,
} from '../../../../src/generate/rules/slo.ts';
import {
  alertTestCases,
  expectedAlertLabels,
  longestRangeSeconds,
  seriesLabels,
  testTiming,
} from '../../../../src/generate/rules/tests.ts';
import type { AlertRule } from '../../../../src/generate/rules/types.ts';
import { parse } from 'yaml';

const alerts = allAlerts();
const byName = new Map(alerts.map((a) => [a.name, a]));

/** histogram_quantile as Prometheus computes it over cumulative bucket counts (linear inside the bucket). */
function histogramQuantile(q: number, buckets: { le: number; count: number }[]): number {
  const total = buckets[buckets.length - 1]!.count;
  const rank = q * total;
  let prevLe = 0;
  let prevCount = 0;
  for (const b of buckets) {
    if (b.count >= rank) return prevLe + ((b.le - prevLe) * (rank - prevCount)) / (b.count - prevCount);
    prevLe = b.le;
    prevCount = b.count;
  }
  return NaN;
}

/** Threshold and operator of `<lhs> op <number>` alerts; undefined for other shapes. */
function simpleThreshold(e: Expr): { op: string; value: number } | undefined {
  return e.kind === 'binary' && e.rhs.kind === 'number' && ['>', '<', '==', '>='].includes(e.op)
    ? { op: e.op, value: e.rhs.value }
    : undefined;
}

describe('rule inventory', () => {
  it('has the v1 alerts of seed 001', () => {
    for (const n of [
      'DWCPHighErrorRate',
      'DWCPComponentDown',
      'DWCPSLAViolation',
      'DWCPLowCompressionRatio',
      'DWCPLowBandwidthUtilization',
      'DWCPMigrationSlow',
    ]) {
      assert.ok(byName.has(n), n);
    }
  });

  it('has the 6 production groups of seed 002 with 25+ alerts', () => {
    const names = PRODUCTION_GROUPS.filter((g) => g.rules.some((r) => r.kind === 'alert')).map((g) => g.name);
    assert.deepEqual(names, [
      'dwcp_v3_critical',
      'dwcp_v3_warning',
      'dwcp_v3_anomaly',
      'dwcp_v3_sla',
      'dwcp_v3_component',
      'dwcp_v3_meta',
    ]);
    const count = PRODUCTION_GROUPS.flatMap((g) => g.rules).filter((r) => r.kind === 'alert').length;
    assert.ok(count >= 25, `${count} production alerts`);
  });

  it('has the recording rules of seeds 001 and 002', () => {
    const records = new Set(
      allRuleGroups()
        .flatMap((g) => g.rules)
        .flatMap((r) => (r.kind === 'record' ? [r.record] : [])),
    );
    for (const r of [
      'dwcp:amst:error_rate:5m',
      'dwcp:amst:throughput_mbps:5m',
      'dwcp:hde:compression_ratio_median:10m',
      'dwcp:migration:duration_median:1h',
      'dwcp:federation:bandwidth_saved_gbps:1h',
      'dwcp:system:availability:5m',
    ]) {
      assert.ok(records.has(r), r);
    }
    for (const r of [
      'dwcp_v3:migration_latency_p50:5m',
      'dwcp_v3:migration_latency_p95:5m',
      'dwcp_v3:migration_latency_p99:5m',
      'dwcp_v3:throughput_avg:5m',
      'dwcp_v3:error_rate:5m',
      'dwcp_v3:sla_compliance_overall:5m',
    ]) {
      assert.ok(records.has(r), r);
    }
  });

  it('keeps the seed 002 thresholds with units fixed', () => {
    const th = (n: string) => simpleThreshold(byName.get(n)!.expr)!;
    assert.deepEqual(th('DWCPv3LatencyP99Critical'), { op: '>', value: 0.5 });
    assert.equal(byName.get('DWCPv3LatencyP99Critical')!.for, '2m');
    assert.deepEqual(th('DWCPv3ThroughputCriticalLow'), { op: '<', value: 2e9 }); // GB/s = 1e9 bytes/s, not GiB
    assert.equal(byName.get('DWCPv3ThroughputCriticalLow')!.for, '3m');
    assert.deepEqual(th('DWCPv3ThroughputLow'), { op: '<', value: 2.2e9 });
    assert.deepEqual(th('DWCPv3ErrorRateCritical'), { op: '>', value: 10 });
    assert.deepEqual(th('DWCPv3ComponentDown'), { op: '==', value: 0 });
    assert.deepEqual(th('DWCPComponentDown'), { op: '==', value: 0 }); // down = 0, not < 2
    const acc = th('DWCPv3PBAPredictionAccuracyLow');
    assert.ok(acc.value > 0 && acc.value < 1, 'prediction accuracy is a 0..1 ratio');
    assert.equal(getMetric('dwcp_v3_prediction_accuracy').unit, 'ratio');
    const comp = th('DWCPv3HDECompressionLow');
    assert.ok(comp.value >= 1, 'compression ratio threshold is a ratio of original/compressed, above 1');
  });
});

describe('every alert', () => {
  it('has severity, summary, description and a runbook_url, and only templates labels its expression returns', () => {
    for (const group of allRuleGroups()) {
      const text = renderRuleFile([group], { runbookBaseUrl: DEFAULT_RUNBOOK_BASE_URL });
      const doc = parse(text) as {
        groups: {
          rules: { alert?: string; labels?: Record<string, string>; annotations?: Record<string, string> }[];
        }[];
      };
      for (const r of doc.groups[0]!.rules) {
        if (!r.alert) continue;
        assert.ok(['critical', 'warning', 'info'].includes(r.labels!.severity!), `${r.alert} severity`);
        assert.ok(r.annotations!.summary!.length > 10, `${r.alert} summary`);
        assert.ok(r.annotations!.description!.length > 20, `${r.alert} description`);
        assert.equal(r.annotations!.runbook_url, `${DEFAULT_RUNBOOK_BASE_URL}${runbookSlug(r.alert)}.md`);
      }
    }
  });

  it('has a source and a test whose firing and silent values straddle its threshold', () => {
    for (const a of alerts) {
      assert.ok(a.source.length > 5, `${a.name} source`);
      assert.notEqual(a.test.firing, a.test.silent, a.name);
      const t = simpleThreshold(a.expr);
      if (!t) continue;
      const fires = (v: number) =>
        t.op === '>'
          ? v > t.value
          : t.op === '<'
            ? v < t.value
            : t.op === '>='
              ? v >= t.value
              : v === t.value;
      assert.ok(
        fires(a.test.firing),
        `${a.name}: firing value ${a.test.firing} must violate ${t.op} ${t.value}`,
      );
      assert.ok(
        !fires(a.test.silent),
        `${a.name}: silent value ${a.test.silent} must not violate ${t.op} ${t.value}`,
      );
      const rel = Math.abs(a.test.firing - t.value) / Math.max(Math.abs(t.value), 1);
      // GO/NO-GO averages three 0/1 gauges: 1/3 and 2/3 are the values next to 0.5.
      const discrete = a.name === 'DWCPv3RolloutNoGo';
      assert.ok(
        rel <= 0.02 || Number.isInteger(t.value) || discrete,
        `${a.name}: firing value not close to the threshold`,
      );
    }
  });

  it('does not let series labels overwrite severity or escalation', () => {
    for (const a of alerts) {
      const out = outputLabels(a.expr);
      assert.ok(!out.has('severity') && !out.has('escalation'), a.name);
      const l = alertLabels(a);
      assert.equal(l.severity, a.severity);
    }
  });
});

describe('SLO burn-rate rules', () => {
  it('use the SRE workbook window table', () => {
    assert.deepEqual(
      BURN_WINDOWS.map((w) => [w.long, w.short, w.factor, w.action]),
      [
        ['1h', '5m', 14.4, 'page'],
        ['6h', '30m', 6, 'page'],
        ['1d', '2h', 3, 'ticket'],
        ['3d', '6h', 1, 'ticket'],
      ],
    );
  });

  it('cover availability, migration duration and error rate, each with a page and a ticket alert', () => {
    assert.deepEqual(
      SLOS.map((s) => s.id),
      ['availability', 'migration_duration', 'error_rate'],
    );
    const names = sloGroups()[1]!.rules.map((r) => (r.kind === 'alert' ? r.name : ''));
    assert.deepEqual(names, [
      'DWCPSLOAvailabilityBudgetBurnFast',
      'DWCPSLOAvailabilityBudgetBurnSlow',
      'DWCPSLOMigrationDurationBudgetBurnFast',
      'DWCPSLOMigrationDurationBudgetBurnSlow',
      'DWCPSLOErrorRateBudgetBurnFast',
      'DWCPSLOErrorRateBudgetBurnSlow',
    ]);
    const fast = printExpr((byName.get('DWCPSLOAvailabilityBudgetBurnFast') as AlertRule).expr);
    assert.equal(
      fast,
      'dwcp:slo_availability:error_ratio_rate1h > 14.4 * 0.001 and dwcp:slo_availability:error_ratio_rate5m > 14.4 * 0.001' +
        ' and dwcp:slo_availability:events_increase1h >= 70' +
        ' or dwcp:slo_availability:error_ratio_rate6h > 6 * 0.001 and dwcp:slo_availability:error_ratio_rate30m > 6 * 0.001' +
        ' and dwcp:slo_availability:events_increase6h >= 167',
    );
  });

  it('need enough events in each long window that one bad event cannot exceed the row threshold', () => {
    const recording = SLOS.flatMap(sloRecordingRules);
    assert.equal(
      printExpr(recording.find((r) => r.record === 'dwcp:slo_availability:events_increase1h')!.expr),
      'sum by (region) (increase(dwcp_v3_migration_success_total[1h])) + sum by (region) (increase(dwcp_v3_migration_failures_total[1h]))',
    );
    for (const slo of SLOS) {
      const [page, ticket] = sloAlerts(slo, recording).map((a) => printExpr(a.expr));
      for (const row of BURN_WINDOWS) {
        const text = row.action === 'page' ? page! : ticket!;
        const n = minBurnEvents(row.factor, slo.objective);
        assert.ok(
          text.includes(`${sloEventsRecordName(slo, row.long)} >= ${n}`),
          `${slo.id} ${row.long}: ${text}`,
        );
        assert.ok(
          1 / n <= row.factor * (1 - slo.objective) + 1e-15 && 1 / (n - 1) > row.factor * (1 - slo.objective),
        );
      }
    }
  });
});

describe('generated promtool tests', () => {
  it('place a histogram quantile exactly where the fixture asks', () => {
    const m = getMetric('dwcp_v3_migration_latency_seconds');
    for (const [q, v] of [
      [0.99, 0.505],
      [0.99, 0.495],
      [0.95, 0.303],
      [0.5, 0.02],
    ] as const) {
      const series = histogramBuckets(m, {}, q, v);
      const buckets = series.map((s) => ({
        le: Number(seriesLabels(s).le === '+Inf' ? Infinity : seriesLabels(s).le),
        count: s.value,
      }));
      assert.ok(Math.abs(histogramQuantile(q, buckets) - v) < 1e-9, `q=${q} v=${v}`);
    }
  });

  it('check no alert before `for` and the alert after the windows are full plus `for`', () => {
    const a = byName.get('DWCPv3LatencyP99Critical')!;
    assert.equal(longestRangeSeconds(a.expr), 300);
    assert.deepEqual(testTiming(a), { before: 1, fire: 10, end: 12 });
    const [firing, silent] = alertTestCases(a, DEFAULT_RUNBOOK_BASE_URL) as [
      Record<string, unknown>,
      Record<string, unknown>,
    ];
    const checks = firing.alert_rule_test as { eval_time: string; exp_alerts: unknown[] }[];
    assert.equal(checks[0]!.exp_alerts.length, 0);
    assert.deepEqual(checks[1]!.exp_alerts, [
      {
        exp_labels: {
          region: 'us-east-1',
          severity: 'critical',
          escalation: 'immediate',
          component: 'migration',
        },
        exp_annotations: {
          summary: 'Migration switchover downtime P99 above 500 ms in us-east-1',
          description:
            'The P99 of DWCP v3 migration switchover downtime (the pause the VM sees) in region us-east-1 has been above 500 ms (Phase 6 SLA) for 2 minutes.',
          runbook_url: runbookUrl(a.name),
        },
      },
    ]);
    assert.deepEqual((silent.alert_rule_test as { exp_alerts: unknown[] }[])[0]!.exp_alerts, []);
  });

  it('check plain-series alerts fire exactly when `for` has elapsed', () => {
    assert.deepEqual(testTiming(byName.get('DWCPComponentDown')!), { before: 1, fire: 5, end: 7, exact: 2 });
    assert.deepEqual(testTiming(byName.get('DWCPv3ComponentDown')!), {
      before: 0,
      fire: 4,
      end: 6,
      exact: 1,
    });
    // SLO alerts read recorded series (one evaluation behind), so no exact check.
    assert.equal(testTiming(byName.get('DWCPSLOAvailabilityBudgetBurnFast')!).exact, undefined);
  });

  it('keep the series own component label instead of the rule component', () => {
    const a = byName.get('DWCPComponentDown')!;
    const labels = expectedAlertLabels(a, a.test.series(a.test.firing));
    assert.equal(labels.component, 'hde');
  });

  it('list every rule file, recording files first', () => {
    const files = ruleFiles();
    assert.deepEqual(
      files.slice(0, 3).every((f) => f.includes('recording')),
      true,
    );
    assert.equal(files.length, 6);
  });
});

describe('runbook slugs', () => {
  it('are kebab case', () => {
    assert.equal(runbookSlug('DWCPv3LatencyP99Critical'), 'dwcpv3-latency-p99-critical');
    assert.equal(runbookSlug('DWCPComponentDown'), 'dwcp-component-down');
    assert.equal(runbookSlug('DWCPv3ACPConsensusLatencyHigh'), 'dwcpv3-acp-consensus-latency-high');
    assert.equal(
      runbookUrl('DWCPComponentDown', 'https://x.invalid/rb'),
      'https://x.invalid/rb/dwcp-component-down.md',
    );
  });
});
