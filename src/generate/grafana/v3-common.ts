/**
 * Shared pieces of the DWCP v3 dashboards (`v3.ts`, `v3-modes.ts`, `v3-components.ts`): the `$region`
 * variable on the `up` series of the DWCP job, the dashboard envelope with its tags, and query helpers.
 */
import { getMetric, type MetricName } from '../../catalog/index.ts';
import { eq, histogramQuantile, re } from '../promql/build.ts';
import { bucketRef, metricRef } from '../promql/metric.ts';
import { dashboard, labelValuesVariable } from './dashboard.ts';
import type { Dashboard } from './model/dashboard.ts';
import { q, type Query } from './panels.ts';

/** Catalog lookup (short name for the dense panel definitions). */
export const m = getMetric;
/** Grafana's rate interval variable. */
export const RI = '$__rate_interval';
const S0 = 'DWCP v3 monitoring spec "Grafana Dashboards"; original dashboard_exporter.go';
/** Matcher `region=~"$region"`. */
export const region = () => re('region', '$region');

function regionVariable() {
  return labelValuesVariable('region', metricRef(m('up'), eq('job', 'dwcp')), 'region', { label: 'Region' });
}

/** A v3 dashboard: tags `dwcp`, `v3` and `extraTags`, the `$region` variable. */
export function v3(
  uid: string,
  title: string,
  description: string,
  refresh: string,
  from: string,
  panels: Parameters<typeof dashboard>[1],
  extraTags: string[] = [],
): Dashboard {
  return dashboard(
    {
      uid,
      title,
      description,
      tags: ['dwcp', 'v3', ...extraTags],
      refresh,
      from,
      source: S0,
      variables: [regionVariable()],
    },
    panels,
  );
}

/** The `q_`-quantile of a histogram per the `$region` selection (optionally one network mode), legend `P<q>`. */
export const p = (q_: number, name: MetricName, mode?: string): Query =>
  q(
    histogramQuantile(q_, bucketRef(m(name), ...(mode ? [eq('mode', mode)] : []), region()), RI),
    `P${Math.round(q_ * 100)}`,
  );
