/**
 * The Phase 6 live production dashboard ("Phase 6 Grafana Dashboard" of the Phase 6 production spec; uid and
 * 14 panels of the original `phase6-production-live.json`): GO/NO-GO, rollout progress, latency P50/P95/P99 with
 * the 500 ms SLA line, throughput against 2.4 GB/s, error rate, component health, anomaly timeline, v1 vs v3;
 * variables $component, $region, $interval; 5 s refresh. The Loki "Live Alert Feed" becomes a table of firing
 * alerts from Prometheus' `ALERTS` series (no Loki in this stack); v1 vs v3 compares migration durations
 * (the original queried a v1 latency metric nothing emitted).
 *
 * GO/NO-GO, the rollout score, the SLO error budgets and the regional health scores are the monitor's
 * own decision, read from the `dwcp_monitor_*` gauges it exports (`src/monitor/insights-exporter.ts`; Prometheus
 * must scrape the monitor's /metrics). The seed's SLA-rule score stays as a separate, labelled panel: it is what
 * the DWCPv3RolloutNoGo alert fires on and works without the monitor.
 */
import { DECISION_DEFAULTS } from '../../analysis/canary/decision.ts';
import { SEQUENTIAL_DEFAULTS } from '../../analysis/canary/sequential-judge.ts';
import { DEGRADED_MIN_SCORE, HEALTHY_MIN_SCORE } from '../../analysis/health/region-score.ts';
import { getMetric } from '../../catalog/index.ts';
import { DECISION_VALUE } from '../../contract/rollout.ts';
import { COMPONENTS } from '../../model/dwcp.ts';
import { agg, aggBy, eq, histogramQuantile, increase, mul, num, rate, re, sumBy } from '../promql/build.ts';
import { alertsRef, bucketRef, countRef, metricRef, recordedRefByName } from '../promql/metric.ts';
import { GO_NO_GO } from '../rules/production-common.ts';
import { PRODUCTION_RECORDING } from '../rules/production.ts';
import { customVariable, dashboard, intervalVariable, labelValuesVariable } from './dashboard.ts';
import type { Dashboard } from './model/dashboard.ts';
import {
  bargauge,
  gauge,
  HEALTH_MAPPINGS,
  piechart,
  q,
  stat,
  statusHistory,
  steps,
  table,
  timeseries,
  valueMappings,
  type PanelSpec,
} from './panels.ts';
import { DASHBOARD_UIDS } from './uids.ts';

const m = getMetric;
const RI = '$__rate_interval';
const region = () => re('region', '$region');
const component = () => re('component', '$component');

const rec = (name: string) => recordedRefByName(PRODUCTION_RECORDING, name, region());

/** Value mappings of `dwcp_monitor_rollout_decision` (encoding from the exporter: 2 GO, 1 CAUTION, 0 NO-GO). */
export const ROLLOUT_DECISION_MAPPINGS = valueMappings([
  { value: DECISION_VALUE['NO-GO'], text: 'NO-GO', color: 'red' },
  { value: DECISION_VALUE.CAUTION, text: 'CAUTION', color: 'yellow' },
  { value: DECISION_VALUE.GO, text: 'GO', color: 'green' },
]);

/** The monitor's rollout decision and score, SLO error budgets and regional health. */
function monitorDecisionPanels(interval: string): {
  decision: PanelSpec;
  score: PanelSpec;
  budget: PanelSpec;
  regions: PanelSpec;
} {
  const opt = { interval };
  const needsScrape = 'Exported by the monitor (needs a Prometheus job scraping its /metrics).';
  return {
    // Several monitor instances: the worst decision wins.
    decision: stat('GO/NO-GO', [q(agg('min', metricRef(m('dwcp_monitor_rollout_decision'))), 'decision')], {
      ...opt,
      w: 6,
      h: 6,
      min: 0,
      max: 2,
      thresholds: steps('red', [DECISION_VALUE.CAUTION, 'yellow'], [DECISION_VALUE.GO, 'green']),
      mappings: ROLLOUT_DECISION_MAPPINGS,
      description: `Rollout decision of the monitor for the current stage (GET /api/rollout): GO when a sequential test that stays valid at every look shows v3 at most ${SEQUENTIAL_DEFAULTS.marginPercent} % worse on every judged metric and the SLAs are met; NO-GO on a regression beyond ${SEQUENTIAL_DEFAULTS.thresholdPercent} % or a breached critical SLA; CAUTION otherwise. ${needsScrape}`,
    }),
    score: gauge('Rollout Score', [q(agg('min', metricRef(m('dwcp_monitor_rollout_score'))), 'score')], {
      ...opt,
      w: 4,
      h: 6,
      min: 0,
      max: 1,
      decimals: 3,
      thresholds: steps('red', [DECISION_DEFAULTS.noGoScore, 'yellow'], [DECISION_DEFAULTS.goScore, 'green']),
      description: `Summary score of the decision (SLA 0.4, canary 0.6; a metric shown non-inferior counts 1, an undecided one 0.75, a regression 0): GO scores >= ${DECISION_DEFAULTS.goScore}, a regression puts it below ${DECISION_DEFAULTS.noGoScore}. ${needsScrape}`,
    }),
    budget: bargauge(
      'SLO Error Budget Remaining',
      [q(aggBy('min', ['slo'], metricRef(m('dwcp_monitor_slo_error_budget_remaining_ratio'))), '{{slo}}')],
      {
        ...opt,
        w: 8,
        h: 6,
        unit: 'percentunit',
        min: 0,
        max: 1,
        thresholds: steps('red', [0, 'yellow'], [0.25, 'green']),
        description: `Error budget left per SLO over the last hour of data (negative = overspent, the SLO is violated; yellow below 25 %). SLOs without data are not exported. ${needsScrape}`,
      },
    ),
    regions: bargauge(
      'Region Health Score',
      [q(aggBy('min', ['region'], metricRef(m('dwcp_monitor_region_health_score'), region())), '{{region}}')],
      {
        ...opt,
        w: 8,
        h: 6,
        unit: 'none',
        min: 0,
        max: 100,
        thresholds: steps('red', [DEGRADED_MIN_SCORE, 'yellow'], [HEALTHY_MIN_SCORE, 'green']),
        description: `Regional health 0..100 over 5 min (availability, utilisation, latency, error rate, consensus): healthy >= ${HEALTHY_MIN_SCORE}, degraded ${DEGRADED_MIN_SCORE}-${HEALTHY_MIN_SCORE}. ${needsScrape}`,
      },
    ),
  };
}

/** dwcp-v3-phase6-live. */
export function phase6Dashboard(): Dashboard {
  const opt = { interval: '$interval' };
  const mon = monitorDecisionPanels(opt.interval);
  return dashboard(
    {
      uid: DASHBOARD_UIDS.phase6,
      title: 'DWCP v3 Phase 6: Live Production Monitoring',
      description: 'Phase 6 rollout: GO/NO-GO, SLAs, component health and anomalies.',
      tags: ['dwcp', 'v3', 'phase6', 'production'],
      refresh: '5s',
      from: 'now-30m',
      source:
        'Phase 6 production monitoring spec "Phase 6 Grafana Dashboard"; original phase6-production-live.json',
      variables: [
        customVariable('component', COMPONENTS, 'Component'),
        labelValuesVariable('region', metricRef(m('dwcp_v3_rollout_progress_percent')), 'region', {
          label: 'Region',
        }),
        intervalVariable('interval', ['5s', '10s', '30s', '1m', '5m'], '10s'),
      ],
    },
    [
      mon.decision,
      bargauge(
        'Rollout Progress by Stage',
        [
          q(
            aggBy('max', ['stage', 'region'], metricRef(m('dwcp_v3_rollout_progress_percent'), region())),
            '{{region}} {{stage}}',
          ),
        ],
        { ...opt, unit: 'percent', min: 0, max: 100, w: 6, h: 6 },
      ),
      stat(
        'Active Migrations (5m)',
        [
          q(
            agg('sum', increase(countRef(m('dwcp_v3_migration_latency_seconds'), region()), '5m')),
            'migrations',
          ),
        ],
        { ...opt, unit: 'short', h: 6, w: 4 },
      ),
      stat('Error Rate', [q(agg('sum', rec('dwcp_v3:error_rate:5m')), 'errors/s')], {
        ...opt,
        unit: 'ops',
        h: 6,
        w: 4,
        thresholds: steps('green', [0.5, 'yellow'], [1, 'red']),
      }),
      stat(
        'Anomalies (5m)',
        [
          q(
            agg('sum', increase(metricRef(m('dwcp_v3_anomaly_detections_total'), region()), '5m')),
            'anomalies',
          ),
        ],
        { ...opt, unit: 'short', h: 6, w: 4, thresholds: steps('green', [1, 'yellow'], [5, 'red']) },
      ),
      mon.score,
      stat('SLA Score (Prometheus rules)', [q(GO_NO_GO, 'SLA score')], {
        ...opt,
        w: 4,
        h: 6,
        min: 0,
        max: 1,
        decimals: 2,
        thresholds: steps('red', [0.5, 'yellow'], [1, 'green']),
        description:
          'SLA-rule view computed by Prometheus, independent of the monitor: mean of the worst latency, throughput and error-rate SLA compliance (1 = all met). Alert DWCPv3RolloutNoGo fires below 0.5. No v1 vs v3 canary analysis: the GO/NO-GO panel is the decision.',
      }),
      mon.budget,
      mon.regions,
      stat('SLA Compliance', [q(agg('avg', metricRef(m('dwcp_v3_sla_compliance'), region())), 'compliant')], {
        ...opt,
        unit: 'percentunit',
        h: 5,
        w: 6,
        thresholds: steps('red', [0.95, 'yellow'], [0.99, 'green']),
      }),
      timeseries(
        'Migration Switchover Downtime P50/P95/P99',
        [
          q(rec('dwcp_v3:migration_latency_p50:5m'), 'P50 {{region}}'),
          q(rec('dwcp_v3:migration_latency_p95:5m'), 'P95 {{region}}'),
          q(rec('dwcp_v3:migration_latency_p99:5m'), 'P99 {{region}}'),
        ],
        {
          ...opt,
          unit: 's',
          w: 18,
          thresholds: steps('green', [0.3, 'yellow'], [0.5, 'red']),
          thresholdLines: true,
          description:
            'Switchover downtime of v3 migrations: the pause the VM sees (QEMU "downtime"), not the whole migration. SLA: P99 < 500 ms (warning P95 > 300 ms).',
        },
      ),
      timeseries(
        'Throughput vs 2.4 GB/s Target',
        [
          q(
            sumBy(
              ['component'],
              metricRef(
                m('dwcp_v3_throughput_bytes_per_second'),
                component(),
                region(),
                eq('direction', 'tx'),
              ),
            ),
            '{{component}}',
          ),
        ],
        {
          ...opt,
          unit: 'Bps',
          thresholds: steps('red', [2.0e9, 'yellow'], [2.4e9, 'green']),
          thresholdLines: true,
          description: 'Target 2.4 GB/s = 2.4e9 bytes/s; critical below 2.0e9.',
        },
      ),
      timeseries(
        'Error Rate by Component',
        [
          q(
            sumBy(['component'], rate(metricRef(m('dwcp_v3_errors_total'), component(), region()), RI)),
            '{{component}}',
          ),
        ],
        {
          ...opt,
          unit: 'ops',
          thresholds: steps('green', [1, 'yellow'], [10, 'red']),
          thresholdLines: true,
          description: 'Errors per second; warning above 1/s, critical above 10/s.',
        },
      ),
      statusHistory(
        'Component Health Matrix',
        [
          q(
            aggBy('min', ['component'], metricRef(m('dwcp_v3_component_health'), component(), region())),
            '{{component}}',
          ),
        ],
        {
          ...opt,
          unit: 'short',
          mappings: HEALTH_MAPPINGS,
          thresholds: steps('red', [1, 'yellow'], [2, 'green']),
          min: 0,
          max: 2,
          description: 'Worst health per component over the selected regions: 0 down, 1 degraded, 2 healthy.',
        },
      ),
      timeseries(
        'Resource Utilization',
        [
          q(
            aggBy('avg', ['resource_type'], metricRef(m('dwcp_v3_resource_utilization_percent'), region())),
            '{{resource_type}}',
          ),
        ],
        {
          ...opt,
          unit: 'percent',
          min: 0,
          max: 100,
          thresholds: steps('green', [80, 'red']),
          thresholdLines: true,
        },
      ),
      piechart(
        'Error Distribution (1h)',
        [
          q(
            sumBy(['component'], increase(metricRef(m('dwcp_v3_errors_total'), component(), region()), '1h')),
            '{{component}}',
          ),
        ],
        { unit: 'short' },
      ),
      timeseries(
        'Anomaly Timeline',
        [
          q(
            sumBy(
              ['anomaly_type', 'severity'],
              increase(metricRef(m('dwcp_v3_anomaly_detections_total'), region()), '1m'),
            ),
            '{{anomaly_type}} {{severity}}',
          ),
        ],
        { ...opt, unit: 'short', w: 16 },
        'bars',
      ),
      timeseries(
        'v1 vs v3 Migration Duration (P99)',
        [
          q(
            histogramQuantile(
              0.99,
              bucketRef(m('dwcp_migration_duration_seconds'), eq('dwcp_enabled', 'true')),
              RI,
            ),
            'v1 DWCP',
          ),
          q(histogramQuantile(0.99, bucketRef(m('dwcp_v3_migration_duration_seconds'), region()), RI), 'v3'),
        ],
        { ...opt, unit: 's' },
      ),
      table(
        'Firing Alerts',
        [
          q(
            sumBy(
              ['alertname', 'severity', 'region'],
              alertsRef(eq('alertstate', 'firing'), re('alertname', 'DWCP.*')),
            ),
          ),
        ],
        { unit: 'short', w: 12 },
      ),
      stat(
        'Migrations per Minute',
        [
          q(
            mul(agg('sum', rate(countRef(m('dwcp_v3_migration_latency_seconds'), region()), '5m')), num(60)),
            'per minute',
          ),
        ],
        { ...opt, unit: 'short', w: 6 },
      ),
    ],
  );
}
