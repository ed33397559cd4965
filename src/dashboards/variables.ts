/**
 * The choices of a dashboard's variables for the console's picker. A `label_values` variable lists the values
 * of its label on the series of its metric (Grafana's `label_values(metric, label)`); the selected values are
 * later substituted into widget label matchers as label values only (./metric-query.ts `resolveMatch`), never
 * into query text.
 *
 * @see https://grafana.com/docs/grafana/latest/datasources/prometheus/template-variables/ (label_values)
 */
import { SPEC_LIMITS, type DashboardVariable } from '../contract/dashboard-spec.ts';
import type { VariableOptions } from '../contract/dashboards.ts';
import type { SampleStore } from '../store/types.ts';

/**
 * Options of each variable, in order. `label_values` without a metric has no options (only All is offered).
 * @param seriesMax series read per variable at most
 * @throws StoreError from the sample store
 */
export async function variableOptions(
  variables: readonly DashboardVariable[],
  samples: Pick<SampleStore, 'findSeries'>,
  seriesMax: number,
): Promise<VariableOptions[]> {
  const out: VariableOptions[] = [];
  for (const v of variables) {
    const common = { name: v.name, label: v.label ?? v.name, kind: v.kind };
    switch (v.kind) {
      case 'label_values': {
        const found = v.metric === undefined ? [] : await samples.findSeries(v.metric, {}, seriesMax);
        const values = [
          ...new Set(
            found.map((s) => s.labels[v.labelName]).filter((x): x is string => x !== undefined && x !== ''),
          ),
        ].sort();
        out.push({
          ...common,
          multi: v.multi,
          includeAll: v.includeAll,
          options: values.slice(0, SPEC_LIMITS.variableValues),
          truncated: values.length > SPEC_LIMITS.variableValues,
          current: v.current ?? [],
        });
        break;
      }
      case 'custom':
        out.push({
          ...common,
          multi: v.multi,
          includeAll: v.includeAll,
          options: v.values,
          truncated: false,
          current: v.current ?? [],
        });
        break;
      case 'interval':
        out.push({
          ...common,
          multi: false,
          includeAll: false,
          options: v.values,
          truncated: false,
          current: [v.default],
        });
        break;
      case 'textbox':
        out.push({
          ...common,
          multi: false,
          includeAll: false,
          options: [],
          truncated: false,
          current: v.default === '' ? [] : [v.default],
        });
        break;
    }
  }
  return out;
}
